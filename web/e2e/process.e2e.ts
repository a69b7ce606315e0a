// The whole process of process.md, clicked through in the browser by each person in
// their own browser context: the vendor (华安) applies to 广州, is returned with a
// problem on one material, re-uploads and resubmits; the reviewer approves; the
// vendor claims the test key and complains that it is unusable; the reviewer finds
// the complaint true and orders rectification; tech support reports it done (new key,
// new window); the vendor claims the new key and the device fills the checklist live
// (the reviewer switched the fault scenarios on); the joint-test window passes, the
// province urges the alert and the reviewer answers it; the reviewer records 联调成功
// and the vendor downloads the report PDF. Another vendor (捷通) opening the
// application's URL sees only "not found".
//
// Only the device's traffic (a program, not a person) and the clock are driven from
// here; the API is otherwise used only to read back what the pages should show.
//
// Time: the server runs on the test clock, set just ahead of the real time whenever
// something that compares with the real time happens (the complaint's 此刻 picked in
// the browser, the device's timestamps and attendance dates), and moved past the
// joint-test deadline only after the device has run. Each move is forward.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import {
  BINARY,
  REPO_DIR,
  launchBrowser,
  login,
  newPage,
  screenshot,
  shanghai,
  startServer,
  type ApiClient,
  type Server,
} from './harness'

const CITY = '440100' // 广州: the platform's hosted sandbox
const PDF = (title: string) =>
  Buffer.from(`%PDF-1.4\n% ${title}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`, 'utf8')

// Element Plus pieces, as a person uses them.
async function confirm(page: Page, button: string): Promise<void> {
  await page.locator('.el-message-box').getByRole('button', { name: button }).click()
  await page.locator('.el-message-box').waitFor({ state: 'hidden' })
}
async function choose(page: Page, selectTestId: string, option: string | RegExp): Promise<void> {
  await page.getByTestId(selectTestId).click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: option }).first().click()
}
// A side-menu entry; on the page already, the person reloads it to see what changed.
const MENU: Record<string, string> = {
  我的申请: '/vendor/applications',
  待办审核: '/review/inbox',
  联调测试: '/review/joint-tests',
  投诉: '/complaints',
  预警: '/alerts',
  整改工单: '/support/rectifications',
}
async function menu(page: Page, title: string): Promise<void> {
  const path = MENU[title]
  if (new URL(page.url()).pathname === path) {
    await page.reload()
    return
  }
  await page.getByRole('menuitem', { name: title }).click()
  await page.waitForURL((u) => u.pathname === path)
}
async function detailState(page: Page, state: string): Promise<void> {
  await page.locator(`[data-testid="detail-state"][data-state="${state}"]`).waitFor()
}

describe('the whole process of process.md', () => {
  // Each step needs the ones before it: after a failure the rest are skipped, so
  // the report names the step that broke rather than a cascade of timeouts.
  let broken = ''
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async (ctx) => {
      if (broken) ctx.skip()
      try {
        await fn()
      } catch (e) {
        broken = name
        throw e
      }
    })
  let server: Server
  let browser: Browser
  let vendor: Page
  let reviewer: Page
  let support: Page
  let province: Page
  let vendorApi: ApiClient
  let reviewerApi: ApiClient
  let appId = 0
  let complaintId = 0
  let clock = Date.now()

  // Moves the server's clock to just ahead of the real time (never backwards).
  async function clockToRealTime(aheadMs = 120_000): Promise<void> {
    clock = Math.max(clock, Date.now() + aheadMs)
    await server.setClock(shanghai(clock))
  }
  const application = async () => (await vendorApi.call('GET', `/applications/${appId}`)).body

  beforeAll(async () => {
    server = await startServer({ demo: true, now: shanghai(clock) })
    browser = await launchBrowser()
    vendorApi = await server.apiAs('huaan')
    reviewerApi = await server.apiAs('reviewer_440100')
    vendor = await newPage(browser, server)
    reviewer = await newPage(browser, server)
    support = await newPage(browser, server)
    province = await newPage(browser, server)
    await login(vendor, 'huaan')
    await login(reviewer, 'reviewer_440100')
    await login(support, 'support_440100')
    await login(province, 'province')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  step('the vendor applies, the reviewer returns it with a problem on one material, the vendor fixes it and resubmits', async () => {
    const products = (await vendorApi.call('GET', '/products')).body as { id: number; name: string }[]
    expect(products.length).toBeGreaterThan(0)

    // 我的申请 → 新建申请: first time in Guangdong, 广州, the first product.
    await vendor.getByTestId('application-new').click()
    await vendor.getByTestId('create-path-first').click()
    await choose(vendor, 'create-city', '广州市')
    await choose(vendor, 'create-products', products[0].name)
    await vendor.keyboard.press('Escape') // the multiple select stays open
    await vendor.getByTestId('create-description').fill('人脸识别闸机接入广州市实名制管理系统')
    await vendor.getByTestId('create-submit').click()
    await vendor.waitForURL(/\/applications\/\d+$/)
    appId = Number(/\/applications\/(\d+)$/.exec(vendor.url())![1])
    await detailState(vendor, 'draft')

    // Two materials, uploaded with progress, then submitted.
    for (const [kind, name] of [
      ['business_license', '营业执照.pdf'],
      ['product_description', '产品说明书.pdf'],
    ]) {
      await choose(vendor, 'material-kind', kindLabel(kind))
      await vendor.getByTestId('material-file').setInputFiles({ name, mimeType: 'application/pdf', buffer: PDF(name) })
      await vendor.getByTestId('material-upload').click()
      await vendor.getByTestId('materials-table').getByText(name).waitFor()
    }
    await vendor.getByTestId('action-submit').click()
    await confirm(vendor, '提交审核')
    await detailState(vendor, 'under_review')
    await screenshot(vendor, 'process-01-vendor-submitted')

    // The reviewer finds it in the inbox and returns it: the product description is incomplete.
    await menu(reviewer, '待办审核')
    await reviewer.getByTestId(`inbox-row-${appId}`).click()
    await reviewer.waitForURL(new RegExp(`/applications/${appId}$`))
    await detailState(reviewer, 'under_review')
    const materials = (await application()).materials as { id: number; kind: string }[]
    const description = materials.find((m) => m.kind === 'product_description')!
    await reviewer.getByTestId('review-return').click()
    await choose(reviewer, 'return-material-0', '产品说明书.pdf')
    const problem = '产品说明书缺少与考勤接口（WorkerAttendance.Add）对接的字段说明'
    await reviewer.getByTestId('return-text-0').fill(problem)
    await screenshot(reviewer, 'process-02-reviewer-return')
    await reviewer.getByTestId('return-submit').click()
    await detailState(reviewer, 'returned')

    // The vendor sees the problem next to that material, uploads a new one and resubmits.
    await vendor.reload()
    await detailState(vendor, 'returned')
    await expect
      .poll(() => vendor.getByTestId(`material-problem-${description.id}`).textContent(), { timeout: 10_000 })
      .toContain(problem)
    await screenshot(vendor, 'process-03-vendor-returned')
    await choose(vendor, 'material-kind', kindLabel('product_description'))
    await vendor
      .getByTestId('material-file')
      .setInputFiles({ name: '产品说明书-修订版.pdf', mimeType: 'application/pdf', buffer: PDF('revised') })
    await vendor.getByTestId('material-upload').click()
    await vendor.getByTestId('materials-table').getByText('产品说明书-修订版.pdf').waitFor()
    await vendor.getByTestId('action-resubmit').click()
    await confirm(vendor, '重新提交')
    await detailState(vendor, 'under_review')

    const app = await application()
    expect(app.reviews.map((r: { action: string }) => r.action)).toEqual(['return'])
    expect(app.deadlines.filter((d: { kind: string }) => d.kind === 'review')).toHaveLength(2)
  })

  step('the reviewer approves; the vendor claims the key once and complains that it is unusable', async () => {
    await menu(reviewer, '待办审核')
    await reviewer.getByTestId(`inbox-row-${appId}`).click()
    await detailState(reviewer, 'under_review')
    await reviewer.getByTestId('review-approve').click()
    await confirm(reviewer, '审核通过')
    await detailState(reviewer, 'joint_testing')

    await vendor.reload()
    await detailState(vendor, 'joint_testing')
    await vendor.getByTestId('test-key-warning').waitFor()
    await vendor.getByTestId('test-key-claim-btn').click()
    await confirm(vendor, '我已知晓，领取')
    const firstKey = (await vendor.getByTestId('claim-app_id').textContent())!.trim()
    expect((await vendor.getByTestId('claim-secret').textContent())!.trim().length).toBeGreaterThan(8)
    expect(await vendor.getByTestId('test-key-claim-btn').count()).toBe(0) // claimed once

    // 我的投诉 → 发起投诉 with the report form's fields.
    await menu(vendor, '投诉')
    await vendor.getByTestId('complaint-new').click()
    await choose(vendor, 'complaint-app', `#${appId} 广州市`)
    await choose(vendor, 'complaint-conduct', '测试密钥无法使用')
    await vendor
      .getByTestId('complaint-facts')
      .fill(`领取测试密钥 ${firstKey} 后，设备按接口标准签名的请求均被拒绝，无法开展联调。`)
    const occurred = vendor.getByPlaceholder('选择发生时间')
    await occurred.click()
    await vendor.locator('.el-picker-panel__footer:visible').getByRole('button', { name: '此刻' }).click()
    await expect.poll(() => occurred.inputValue(), { timeout: 10_000 }).toMatch(/^\d{4}年/)
    await vendor.getByTestId('complaint-declaration').click()
    await clockToRealTime() // 此刻 is the browser's real time; the server must not be behind it
    await vendor.getByTestId('complaint-submit').click()
    await vendor.waitForURL(/\/complaints\/\d+$/)
    complaintId = Number(/\/complaints\/(\d+)$/.exec(vendor.url())![1])
    await expect.poll(() => vendor.getByTestId('complaint-state').textContent(), { timeout: 10_000 }).toContain('待核实')
    await screenshot(vendor, 'process-04-vendor-complaint')
  })

  step('the reviewer finds the complaint true; tech support reports the rectification done and a new key is issued', async () => {
    await menu(reviewer, '投诉')
    await reviewer.getByTestId(`complaint-row-${complaintId}`).click()
    await reviewer.getByTestId('verify-card').waitFor()
    await reviewer.getByTestId('verify-founded-yes').click()
    await reviewer.getByTestId('verify-findings').fill('经核实，测试环境密钥配置有误，企业请求被错误拒绝，投诉属实。')
    await reviewer.getByTestId('verify-submit').click()
    await confirm(reviewer, '提交')
    await expect.poll(() => reviewer.getByTestId('complaint-state').textContent(), { timeout: 10_000 }).toContain('整改中')

    // Tech support: 整改工单 → 报告整改完成.
    await menu(support, '整改工单')
    await support.getByTestId(`rect-report-${complaintId}`).click()
    await support.waitForURL(new RegExp(`/complaints/${complaintId}$`))
    await screenshot(support, 'process-05-support-rectification')
    await support.getByTestId('rectify-report').fill('已修正测试环境的密钥配置，并重新提供接口地址。')
    await support.getByTestId('rectify-submit').click()
    await confirm(support, '提交')
    await support.getByTestId('rectified-result').waitFor()

    const app = await application()
    expect(app.state).toBe('joint_testing')
    expect(app.test_keys.filter((k: { status: string }) => k.status === 'revoked').length).toBeGreaterThanOrEqual(1)
    expect(app.deadlines.filter((d: { kind: string }) => d.kind === 'joint_test')).toHaveLength(2)
    // The first window was ended by the new key, not done.
    const ended = app.deadlines.find((d: { kind: string; done_at: string | null }) => d.kind === 'joint_test' && d.done_at)
    expect(ended.closed_by).toBe('reissue_key')
  })

  step('the vendor claims the new key, the device runs with the faults switched on and the checklist fills in live', async () => {
    // The reviewer switches the three fault scenarios on for this application.
    await menu(reviewer, '联调测试')
    await reviewer.getByTestId(`joint-row-${appId}`).click()
    await reviewer.getByTestId('faults-panel').waitFor()
    for (const fault of ['delay_async', 'rate_limit_once', 'server_error_once']) {
      const saved = reviewer.waitForResponse(
        (r) => r.url().endsWith(`/applications/${appId}/faults`) && r.request().method() === 'PUT' && r.ok(),
      )
      await reviewer.getByTestId(`fault-${fault}`).click()
      await saved
    }

    await menu(vendor, '我的申请')
    await vendor.getByTestId(`application-link-${appId}`).click()
    await detailState(vendor, 'joint_testing')
    await vendor.getByTestId('test-key-claim-btn').click()
    await confirm(vendor, '我已知晓，领取')
    const claim = {
      app_id: (await vendor.getByTestId('claim-app_id').textContent())!.trim(),
      secret: (await vendor.getByTestId('claim-secret').textContent())!.trim(),
      endpoint: (await vendor.getByTestId('claim-endpoint').textContent())!.trim(),
      profile: (await vendor.getByTestId('claim-profile').textContent())!.trim(),
    }
    expect(claim.endpoint).toBe(`${server.url}/sandbox/${CITY}/open.api`)
    await vendor.getByTestId('conformance-summary').waitFor()
    expect(await vendor.getByTestId('conformance-summary').textContent()).not.toContain('必测项全部通过')

    // The device: the reference simulator with the secret as claimed.
    await clockToRealTime()
    const run = spawnSync(
      BINARY,
      ['device', '--profile', claim.profile, '--endpoint', claim.endpoint, '--app-id', claim.app_id, '--secret-stdin', '--quiet', '--poll-ms', '0'],
      { cwd: REPO_DIR, input: claim.secret + '\n', encoding: 'utf8', timeout: 60_000 },
    )
    expect(run.status, run.stderr).toBe(0)

    // The checklist re-reads itself while the joint test runs.
    await vendor
      .getByTestId('conformance-summary')
      .getByText('必测项全部通过')
      .waitFor({ timeout: 30_000 })
    await screenshot(vendor, 'process-06-vendor-checklist')
    const conformance = (await vendorApi.call('GET', `/applications/${appId}/conformance`)).body
    expect(conformance.summary.all_required_passed).toBe(true)
  })

  step('the joint-test window passes: the province urges the alert and the reviewer answers it', async () => {
    const window = (await application()).deadlines.find(
      (d: { kind: string; done_at: string | null }) => d.kind === 'joint_test' && !d.done_at,
    )
    clock = Math.max(clock, Date.parse(window.due_at) + 3600_000)
    await server.setClock(shanghai(clock))
    await server.sweep()
    const alerts = (await reviewerApi.call('GET', '/alerts?status=open')).body as {
      id: number
      kind: string
      application_id: number
    }[]
    const alert = alerts.find((a) => a.application_id === appId && a.kind === 'joint_test_overdue')
    expect(alert).toBeTruthy()
    const alertId = alert!.id

    // 省级主管部门: 预警 → 督办.
    await menu(province, '预警')
    await province.getByTestId(`alert-urge-${alertId}`).click()
    await province.getByTestId('alert-urge-note').fill('请于今日内核实联调超期原因并反馈。')
    await province.getByTestId('alert-urge-submit').click()
    await province.getByTestId(`alert-urges-${alertId}`).waitFor()
    await screenshot(province, 'process-07-province-urge')

    // The reviewer sees the urged alert and answers it (核实情况).
    await menu(reviewer, '预警')
    await reviewer.getByTestId(`alert-urges-${alertId}`).waitFor()
    await reviewer.getByTestId(`alert-respond-${alertId}`).click()
    const feedback = '已核实：因测试密钥配置问题经投诉整改后重新发放密钥，企业已完成联调测试，必测项全部通过，今日确认联调成功。'
    await reviewer.getByTestId('alert-feedback-input').fill(feedback)
    await reviewer.getByTestId('alert-respond-submit').click()
    // Answered, it leaves the list of open alerts, and is among the answered ones.
    await expect.poll(() => reviewer.getByTestId(`alert-status-${alertId}`).count(), { timeout: 10_000 }).toBe(0)
    await reviewer.getByTestId('alerts-status').getByText('已反馈').click()
    await expect
      .poll(() => reviewer.getByTestId(`alert-status-${alertId}`).textContent(), { timeout: 10_000 })
      .toContain('已反馈')

    // The province reads the answer.
    await province.getByTestId('alerts-status').getByText('已反馈').click()
    await expect
      .poll(() => province.getByTestId(`alert-feedback-${alertId}`).textContent(), { timeout: 10_000 })
      .toContain(feedback)
  })

  step('the reviewer records 联调成功 and the vendor downloads the report PDF; the complaint is closed', async () => {
    await menu(reviewer, '联调测试')
    await reviewer.getByTestId(`joint-row-${appId}`).click()
    await detailState(reviewer, 'joint_testing')
    await reviewer.getByTestId('review-succeed').click()
    await reviewer.getByTestId('succeed-note').fill('必测项全部通过，逾期原因已反馈。')
    await reviewer.getByTestId('succeed-submit').click()
    await reviewer.getByTestId('succeed-report').waitFor()
    await screenshot(reviewer, 'process-08-reviewer-succeeded')
    await reviewer.getByRole('button', { name: '知道了' }).click()
    await detailState(reviewer, 'succeeded')

    await menu(vendor, '我的申请')
    await vendor.getByTestId(`application-link-${appId}`).click()
    await detailState(vendor, 'succeeded')
    await screenshot(vendor, 'process-09-vendor-succeeded')
    // The checklist is the one the decision was taken on, and says so.
    await vendor.getByTestId('conformance-frozen').waitFor()
    expect(await vendor.getByTestId('conformance-frozen').textContent()).toContain('记录联调结果时留存的检查结果')
    // The server sends the PDF as an attachment: a download, not a page.
    const downloaded = vendor.waitForEvent('download')
    await vendor.getByTestId('report-pdf').click()
    const file = await downloaded
    expect(file.suggestedFilename()).toMatch(/\.pdf$/)
    const path = await file.path()
    expect(readFileSync(path).subarray(0, 5).toString('latin1')).toBe('%PDF-')
    // When every render is taken the server answers 503: the page says when to try
    // again, and nothing is downloaded nor opened.
    await vendor.route('**/report.pdf', (route) =>
      route.fulfill({
        status: 503,
        headers: { 'Content-Type': 'application/json', 'Retry-After': '5' },
        body: JSON.stringify({
          error: { code: 'server_busy', message: '服务器繁忙，请稍后重试', details: { retry_after_seconds: 5 } },
        }),
      }),
    )
    const pagesBefore = vendor.context().pages().length
    await vendor.getByTestId('report-pdf').click()
    await expect
      .poll(() => vendor.locator('.el-message--error').last().textContent())
      .toContain('报告正在排队生成，请 5 秒后再下载')
    expect(vendor.context().pages().length).toBe(pagesBefore)
    await vendor.unroute('**/report.pdf')
    // The evidence the kept report covers is checked against the database as it is now.
    await vendor.getByTestId('report-verify').click()
    await expect
      .poll(() => vendor.getByTestId('report-verify-result').textContent(), { timeout: 10_000 })
      .toContain('证据未改动')
    const verified = await vendor.getByTestId('report-verify-result').textContent()
    expect(verified).toContain('报告留存于')
    // The kept report is what the decision's history entry recorded.
    expect(verified).toContain('报告内容与记录联调结论时写入历史记录')

    const app = await application()
    expect(app.state).toBe('succeeded')
    expect(app.late).toBe(true) // after the window: recorded as late
    const complaint = (await vendorApi.call('GET', `/complaints/${complaintId}`)).body
    expect(complaint.state).toBe('closed')
  })

  step('another vendor opening the application by URL sees only "not found"', async () => {
    const other = await newPage(browser, server)
    await login(other, 'jietong')
    await other.goto(`/applications/${appId}`)
    await other.getByTestId('detail-not-found').waitFor()
    const text = await other.locator('body').textContent()
    expect(text).not.toContain('华安')
    expect(text).not.toContain('人脸识别闸机接入')
    expect(await other.getByTestId('detail-header').count()).toBe(0)
    await screenshot(other, 'process-10-other-vendor-not-found')
    // Its complaint too.
    await other.goto(`/complaints/${complaintId}`)
    await other.getByTestId('complaint-not-found').waitFor()
    expect(await other.locator('body').textContent()).not.toContain('华安')
  })
})

function kindLabel(kind: string): string {
  return (
    {
      business_license: '营业执照',
      product_description: '产品说明',
    } as Record<string, string>
  )[kind]
}
