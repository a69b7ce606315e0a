import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
// A new vendor's whole way through, in the browser against the real server:
// registration (credit code checked while typing), a product, an application,
// a material uploaded with progress, submission; the reviewer's return (over the
// API) seen next to the material, a new upload and resubmission; approval (API);
// the test key claimed once; the checklist waiting for the device; a request with two
// mistakes, the second listed beside the first in the evidence log.
import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { BINARY, login, newPage, screenshot, type Server, withDemoServerAndBrowser } from './harness'
import { creditCodeCheckChar } from '../src/utils/creditCode'

const PASSWORD = 'Liantiao@2026'
// The machine is shared: give the server and page time, never a fixed sleep.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 })
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')

// Element Plus tags fade in; a screenshot waits until they are all shown.
async function settled(page: Page) {
  await poll(() => page.locator('[class*="-enter-active"], [class*="-leave-active"]').count()).toBe(0)
}

async function confirmBox(page: Page) {
  const btn = page.locator('.el-message-box__btns .el-button--primary')
  await btn.waitFor({ state: 'visible' })
  await btn.click()
}

async function chooseOption(page: Page, selectTestId: string, text: string) {
  await page.getByTestId(selectTestId).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

describe('vendor', () => {
  let server: Server
  let browser: Browser
  withDemoServerAndBrowser((s, b) => {
    server = s
    browser = b
  })

  it('registers, applies, is returned with a problem per material, resubmits, claims the key once', async () => {
    const page = await newPage(browser, server)

    // --- registration: the credit code is judged as it is typed ---
    await page.goto('/register')
    const status = page.getByTestId('credit-code-status')
    const code = page.getByTestId('reg-credit-code')
    await code.pressSequentially('91440101')
    await poll(() => status.textContent()).toContain('还差 10 位')
    await code.pressSequentially('MA5O')
    await poll(() => status.textContent()).toContain('不使用 I、O、Z、S、V')
    const first17 = '91440101MA5E2E7Q1'
    const check = creditCodeCheckChar(first17)!
    const wrong = check === '0' ? '1' : '0'
    await code.fill(first17 + wrong)
    await poll(() => status.textContent()).toContain(`第 18 位应为“${check}”`)
    expect(await status.getAttribute('data-tone')).toBe('error')
    await code.fill(first17 + check)
    await poll(() => status.getAttribute('data-tone')).toBe('ok')

    await page.getByTestId('reg-name').fill('广州测试联调科技有限公司')
    await page.getByTestId('reg-legal-rep').fill('李明')
    await page.getByTestId('reg-address').fill('广州市天河区珠江新城 1 号')
    await page.getByTestId('reg-contact-name').fill('王芳')
    await page.getByTestId('reg-contact-phone').fill('020-12345678')
    await page.getByTestId('reg-contact-email').fill('wangfang@example.com')
    // A taken user name is refused by the server; nothing typed is lost.
    await page.getByTestId('reg-username').fill('huaan')
    await page.getByTestId('reg-password').fill(PASSWORD)
    await page.getByTestId('reg-confirm').fill(PASSWORD)
    await page.getByTestId('register-submit').click()
    await poll(() => page.getByTestId('register-error').count()).toBe(1)
    expect(new URL(page.url()).pathname).toBe('/register')
    expect(await page.getByTestId('reg-name').inputValue()).toBe('广州测试联调科技有限公司')
    expect(await code.inputValue()).toBe(first17 + check)
    await page.getByTestId('reg-username').fill('e2e_vendor')
    await settled(page)
    await screenshot(page, 'register')
    await page.getByTestId('register-submit').click()
    await page.waitForURL((u) => u.pathname === '/vendor/applications')
    await poll(() => page.getByTestId('who').textContent()).toContain('广州测试联调科技有限公司')

    // --- a product ---
    await page.goto('/vendor/enterprise')
    await poll(() => page.getByTestId('enterprise-info').textContent()).toContain(first17 + check)
    await page.getByTestId('enterprise-edit').click()
    const phone = page.getByTestId('ent-contact-phone')
    await phone.fill('020-87654321')
    await page.getByTestId('enterprise-save').click()
    await poll(() => page.getByTestId('enterprise-info').textContent()).toContain('020-87654321')
    await page.getByTestId('product-add').click()
    await page.getByTestId('product-name').fill('人脸识别考勤闸机')
    await page.getByTestId('product-model').fill('GZ-FG100')
    await chooseOption(page, 'product-kind', '人脸识别闸机')
    await page.getByTestId('product-version').fill('V1.0.0')
    await page.getByTestId('product-save').click()
    await poll(() => page.getByTestId('product-table').textContent()).toContain('GZ-FG100')
    // Not yet submitted with any application: corrected in the same dialog.
    await page.locator('[data-testid^="product-edit-"]').first().click()
    await page.getByTestId('product-version').fill('V1.0.1')
    await page.getByTestId('product-save').click()
    await poll(() => page.getByTestId('product-table').textContent()).toContain('V1.0.1')
    // A product added by mistake goes, after a confirmation.
    await page.getByTestId('product-add').click()
    await page.getByTestId('product-name').fill('误添加的产品')
    await page.getByTestId('product-model').fill('OOPS-1')
    await chooseOption(page, 'product-kind', '其他')
    await page.getByTestId('product-version').fill('V0')
    await page.getByTestId('product-save').click()
    await poll(() => page.getByTestId('product-table').textContent()).toContain('OOPS-1')
    await page.locator('[data-testid^="product-delete-"]').last().click()
    await confirmBox(page)
    await poll(() => page.getByTestId('product-table').textContent()).not.toContain('OOPS-1')

    // --- an application to 广州 ---
    await page.goto('/vendor/applications')
    await page.getByTestId('application-new').click()
    await chooseOption(page, 'create-city', '广州市')
    await chooseOption(page, 'create-products', 'GZ-FG100')
    await page.keyboard.press('Escape') // close the multi-select's dropdown
    await page.getByTestId('create-description').fill('人脸识别闸机接入广州市实名制管理系统')
    await page.getByTestId('create-submit').click()
    await page.waitForURL(/\/applications\/\d+$/)
    const appId = Number(new URL(page.url()).pathname.split('/').pop())
    await poll(() => page.getByTestId('detail-state').getAttribute('data-state')).toBe('draft')

    // --- nothing to submit before a material is uploaded ---
    await poll(() => page.getByTestId('action-submit').isDisabled()).toBe(true)
    expect(await page.getByTestId('action-submit').getAttribute('title')).toBe('请先上传申请材料再提交')

    // --- a file over the upload limit is refused before it is sent ---
    await chooseOption(page, 'material-kind', '营业执照')
    const me = (await (await server.apiAs('e2e_vendor', PASSWORD)).call('GET', '/me')).body as { max_file_bytes: number }
    let sent = false
    page.on('request', (r) => (sent ||= r.url().endsWith('/materials') && r.method() === 'POST'))
    await page
      .getByTestId('material-file')
      .setInputFiles({ name: '过大的扫描件.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(me.max_file_bytes + 1) })
    await page.getByTestId('material-upload').click()
    await poll(() => page.getByTestId('material-upload-error').textContent()).toContain('超过上传上限 20.0 MB')
    expect(sent).toBe(false)

    // --- a material, with progress ---
    await page.getByTestId('material-file').setInputFiles({ name: '营业执照.pdf', mimeType: 'application/pdf', buffer: PDF })
    await page.getByTestId('material-upload').click()
    await poll(() => page.getByTestId('material-progress').textContent()).toContain('100%')
    await poll(() => page.getByTestId('materials-table').textContent()).toContain('营业执照.pdf')

    // The PDF previews in a dialog (fetched with the session, shown inline).
    const firstMaterial = page.locator('[data-testid^="material-preview-"]').first()
    await firstMaterial.click()
    await poll(() => page.locator('.preview-pdf').count()).toBe(1)
    expect(await page.locator('.preview-pdf').getAttribute('src')).toMatch(/^blob:/)
    await page.keyboard.press('Escape')
    await poll(() => page.locator('.preview-pdf').count()).toBe(0)

    // --- submit ---
    await poll(() => page.getByTestId('action-submit').isDisabled()).toBe(false)
    await page.getByTestId('action-submit').click()
    await confirmBox(page)
    await poll(() => page.getByTestId('detail-state').getAttribute('data-state')).toBe('under_review')
    await poll(() => page.getByTestId('deadline-review').textContent()).toContain('材料审核')

    // --- the reviewer returns it with a problem on that material ---
    const reviewer = await server.apiAs('reviewer_440100')
    const detail = await reviewer.call('GET', `/applications/${appId}`)
    expect(detail.status).toBe(200)
    const materialId = detail.body.materials[0].id as number
    const returned = await reviewer.call('POST', `/applications/${appId}/actions/return`, {
      problems: [{ material_id: materialId, text: '营业执照复印件未加盖企业公章' }],
    })
    expect(returned.status).toBe(200)

    await page.reload()
    await poll(() => page.getByTestId('detail-state').getAttribute('data-state')).toBe('returned')
    await poll(() => page.getByTestId(`material-problem-${materialId}`).textContent())
      .toContain('营业执照复印件未加盖企业公章')
    await settled(page)
    await screenshot(page, 'vendor-application-detail')

    // --- upload again and resubmit ---
    await chooseOption(page, 'material-kind', '营业执照')
    await page
      .getByTestId('material-file')
      .setInputFiles({ name: '营业执照（盖章）.pdf', mimeType: 'application/pdf', buffer: PDF })
    await page.getByTestId('material-upload').click()
    await poll(() => page.getByTestId('materials-table').textContent()).toContain('营业执照（盖章）.pdf')
    await page.getByTestId('action-resubmit').click()
    await confirmBox(page)
    await poll(() => page.getByTestId('detail-state').getAttribute('data-state')).toBe('under_review')
    // Which submission each file came with; the first licence is marked as replaced.
    await poll(() => page.getByTestId(`material-round-${materialId}`).textContent()).toContain('已被后续提交替换')
    expect(await page.getByTestId('materials-table').textContent()).toContain('第 2 次提交')

    // --- approved: the key is claimed once, behind a warning ---
    expect((await reviewer.call('POST', `/applications/${appId}/actions/approve`)).status).toBe(200)
    await page.reload()
    await poll(() => page.getByTestId('detail-state').getAttribute('data-state')).toBe('joint_testing')
    await poll(() => page.getByTestId('test-key-warning').textContent()).toContain('只显示一次')
    await page.getByTestId('test-key-claim-btn').click()
    await poll(() => page.locator('.el-message-box__message').textContent()).toContain('只显示这一次')
    await confirmBox(page)
    const secret = page.getByTestId('claim-secret')
    await poll(async () => ((await secret.textContent()) ?? '').trim().length).toBeGreaterThan(8)
    expect(await page.getByTestId('claim-endpoint').textContent()).toContain('/440100/')
    const projectCode = ((await page.getByTestId('claim-project_code').textContent()) ?? '').trim()
    expect(projectCode).not.toBe('')
    const claimedSecret = ((await secret.textContent()) ?? '').trim()
    const profile = ((await page.getByTestId('claim-profile').textContent()) ?? '').trim()
    await page.getByTestId('copy-secret').click()
    await settled(page)
    await screenshot(page, 'vendor-test-key')

    // After a reload the secret is gone for good; the claim button too.
    await page.reload()
    await poll(() => page.getByTestId('test-key-claimed').textContent()).toContain('secret 不再显示')
    expect(await page.getByTestId('claim-secret').count()).toBe(0)
    expect(await page.getByTestId('test-key-claim-btn').count()).toBe(0)
    // A second claim over the API is refused: the secret really was shown once.
    const vendorApi = await server.apiAs('e2e_vendor', PASSWORD)
    expect((await vendorApi.call('POST', `/applications/${appId}/test-key/claim`)).status).toBe(409)

    // --- the checklist waits for the device ---
    await poll(() => page.getByTestId('conformance-pending').textContent()).toMatch(/待测试 [1-9]\d*/)
    expect(await page.getByTestId('conformance-live').count()).toBe(1)
    const endpoint = ((await page.getByTestId('joint-endpoint').textContent()) ?? '').trim()
    expect(endpoint).toContain('/440100/')

    // The device's first (badly signed) request shows up in the open checklist
    // without a reload, and in the evidence log.
    const appKey = ((await page.getByTestId('test-key-app-id').textContent()) ?? '').trim()
    const sandbox = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        appid: appKey,
        method: 'Team.Add',
        format: 'json',
        version: '1.0',
        timestamp: '20200101000000',
        nonce: 'e2e',
        data: '{}',
        sign: 'deadbeef',
      }).toString(),
    })
    expect(sandbox.status).toBe(200)
    await poll(() => page.getByTestId('conformance-summary').textContent()).toContain('已收到请求 1 次')
    await page.getByRole('tab', { name: '证据日志' }).click()
    await poll(() => page.getByTestId('evidence-table').textContent()).toContain('Team.Add')
    expect(await page.getByTestId('evidence-table').textContent()).toContain('拒绝')
    // Narrowed to days long before the test: nothing; cleared: the request again.
    const period = page.getByTestId('evidence-period')
    const narrowed = page.waitForResponse(
      (r) => r.url().includes('/evidence?') && r.url().includes('from=2020-01-01') && r.url().includes('to=2020-01-03'),
    )
    await period.locator('input').nth(0).fill('2020-01-01')
    await period.locator('input').nth(1).fill('2020-01-02')
    await period.locator('input').nth(1).press('Enter')
    expect((await narrowed).status()).toBe(200)
    await poll(() => page.getByTestId('evidence-log').textContent()).toContain('没有符合条件的记录')
    await period.hover()
    await page.locator('.el-range__close-icon:visible').click()
    await poll(() => page.getByTestId('evidence-table').textContent()).toContain('Team.Add')
    // The log as a spreadsheet, with the same rows.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('evidence-export').click()])
    expect(csv.suggestedFilename()).toBe(`证据日志-${appId}.csv`)
    const csvText = readFileSync((await csv.path())!, 'utf8')
    expect(csvText).toContain('接口方法')
    expect(csvText).toContain('Team.Add,拒绝')

    // A signed request with two mistakes (no team name, a credit code whose check
    // character fails): the answer names the first, the log lists the other beside it.
    const data = join(server.dir, 'team.json') // removed with the server's directory
    writeFileSync(data, JSON.stringify({ projectCode, corpCode: '91350100M0001TGQXM', corpName: '测试劳务公司' }))
    const device = spawnSync(
      BINARY,
      ['device', '--profile', profile, '--endpoint', endpoint, '--app-id', appKey, '--secret-stdin', '--send', 'Team.Add', '--data', data],
      { input: claimedSecret + '\n', encoding: 'utf8', timeout: 60_000 },
    )
    expect(device.status, device.stdout + device.stderr).not.toBe(0)
    expect(device.stdout + device.stderr).toContain('teamName')
    await page.getByTestId('evidence-search').click()
    await poll(() => page.getByTestId('evidence-table').locator('.el-table__row').count()).toBe(2)
    await page.getByTestId('evidence-table').locator('.el-table__expand-icon').first().click()
    const others = page.getByTestId('evidence-violations')
    await poll(() => others.textContent()).toContain('同一请求的其他问题')
    expect(await others.textContent()).toContain('[corpCode]统一社会信用代码无效!')
    expect(await others.locator('li').count()).toBe(1)
    await settled(page)
    await screenshot(page, 'vendor-evidence-violations')
    const [csv2] = await Promise.all([page.waitForEvent('download'), page.getByTestId('evidence-export').click()])
    expect(readFileSync((await csv2.path())!, 'utf8')).toContain('[corpCode]统一社会信用代码无效!')

    // Rotation: confirmed, a new key shown once, the old one revoked.
    await page.getByTestId('test-key-rotate').click()
    await poll(() => page.locator('.el-message-box__message').textContent()).toContain('立即作废')
    await confirmBox(page)
    await poll(async () => ((await page.getByTestId('claim-app_id').textContent()) ?? '').trim()).not.toBe('')
    const rotated = ((await page.getByTestId('claim-app_id').textContent()) ?? '').trim()
    expect(rotated).not.toBe(appKey)
    const keys = (await vendorApi.call('GET', `/applications/${appId}`)).body.test_keys as { app_id: string; status: string }[]
    expect(keys.find((k) => k.app_id === appKey)?.status).toBe('revoked')
    expect(keys.find((k) => k.app_id === rotated)?.status).toBe('active')
    // The key history says the vendor retired the old key itself.
    await poll(() => page.getByTestId('test-key-history').textContent()).toContain('厂商重新生成密钥后作废')

    // A complaint from the application's page: the form opens with this application;
    // cancelled, the complaint list stays.
    await page.getByTestId('file-complaint').click()
    await page.waitForURL(new RegExp(`/complaints\\?application_id=${appId}$`))
    await poll(() => page.getByTestId('complaint-form').textContent()).toContain(`#${appId} `)
    expect(await page.getByTestId('complaint-respondent').inputValue()).toContain('技术支持单位')
    await page.locator('.el-dialog__footer .el-button', { hasText: '取消' }).click()
    await page.waitForURL(/\/complaints$/)

    // --- the list shows it with its deadline ---
    await page.goto('/vendor/applications')
    await poll(() => page.getByTestId(`application-link-${appId}`).count()).toBe(1)
    expect(await page.getByTestId('application-table').textContent()).toContain('联调中')
    await settled(page)
    await screenshot(page, 'vendor-applications')
    // The state filter is kept in the URL: back from an application, the list is as it was.
    await chooseOption(page, 'state-filter', '联调中')
    await page.waitForURL(/\/vendor\/applications\?state=joint_testing$/)
    await poll(() => page.getByTestId(`application-link-${appId}`).count()).toBe(1)
    await page.getByTestId(`application-link-${appId}`).click()
    await page.waitForURL(new RegExp(`/applications/${appId}$`))
    await page.goBack()
    await page.waitForURL(/state=joint_testing/)
    await poll(() => page.getByTestId('application-table').textContent()).toContain('联调中')
    expect(await page.getByTestId('application-table').textContent()).not.toContain('草稿')
  })

  it('applies on path 2, linking the success in the other city as proof', async () => {
    const page = await newPage(browser, server)
    await login(page, 'huaan')
    await page.getByTestId('application-new').click()
    // Asked for as a first connection, HA-FG300 is refused: the platform records its
    // success in 广州. The dialog says so and switches to the second path with 广州 chosen.
    await chooseOption(page, 'create-city', '韶关市')
    await chooseOption(page, 'create-products', 'HA-FG300')
    await page.keyboard.press('Escape')
    await page.getByTestId('create-submit').click()
    await poll(() => page.locator('.el-message--error').first().textContent()).toContain('已在广州市联调成功')
    await poll(() => page.getByTestId('create-connected-city').textContent()).toContain('广州市')
    await page.getByTestId('create-path-connected').click()
    // 广州 is where huaan already succeeded on this platform: offered as such.
    await chooseOption(page, 'create-connected-city', '广州市（本平台已联调成功）')
    await page.getByTestId('create-submit').click()
    await page.waitForURL(/\/applications\/\d+$/)
    await poll(() => page.getByTestId('detail-header').textContent()).toContain('已在其他地市对接')
    const header = (await page.getByTestId('detail-header').textContent()) ?? ''
    expect(header).toContain('广州市')
    expect(header).toMatch(/查看该地市的联调记录 #\d+/)
    expect(header).toContain('联调成功')
    // 韶关's reviewer cannot open 广州's record: the link is this application's report,
    // which is 广州's.
    const appPath = new URL(page.url()).pathname
    const reviewer = await newPage(browser, server)
    await login(reviewer, 'reviewer_440200')
    await reviewer.goto(appPath)
    await poll(() => reviewer.getByTestId('connected-record').textContent()).toContain('查看该地市的联调测试报告')
    expect(await reviewer.getByTestId('connected-record').getAttribute('href')).toContain(`${appPath}/report.pdf`)
  })

  it('offers no new key once the window ended, and says what the key was on an ended application', async () => {
    const page = await newPage(browser, server)
    await login(page, 'huaan')
    const huaan = await server.apiAs('huaan')
    const mine = (await huaan.call('GET', '/applications')).body as { id: number; state: string }[]
    const details = await Promise.all(mine.map(async (a) => (await huaan.call('GET', `/applications/${a.id}`)).body))
    // In joint testing with the window over: the key expired, the city decides next.
    const expired = details.find((a) => a.state === 'joint_testing' && a.test_key?.status === 'expired')
    expect(expired).toBeTruthy()
    await page.goto(`/applications/${expired.id}`)
    await poll(() => page.getByTestId('test-key-expired').textContent()).toContain('不能再领取或重新生成')
    expect(await page.getByTestId('test-key-rotate').count()).toBe(0)
    expect(await page.getByTestId('file-complaint').count()).toBe(1)
    expect(await page.getByTestId('detail-profile').textContent()).toBe('广东省数据接口标准 V1.3')
    // Recorded as delayed: the key stopped, the window "recorded as delayed", not "completed late".
    const delayed = details.find((a) => a.state === 'delayed')
    expect(delayed).toBeTruthy()
    await page.goto(`/applications/${delayed.id}`)
    await poll(() => page.getByTestId('test-key-ended').textContent()).toContain('测试密钥已停用')
    expect(await page.getByTestId('test-key-history').textContent()).toContain('联调延期后收回')
    expect(await page.getByTestId('joint-key-stopped').textContent()).toContain('测试密钥已停用')
    expect(await page.getByTestId('joint-profile').textContent()).toBe('广东省数据接口标准 V1.3')
    const window = (await page.getByTestId('deadline-joint_test').textContent()) ?? ''
    expect(window).toContain('已记录联调延期')
    expect(window).not.toContain('后完成')
    expect(await page.getByTestId('file-complaint').count()).toBe(0)
    await settled(page)
    await screenshot(page, 'vendor-delayed-application')
  })

  it("shows another vendor's application as not found, never its data", async () => {
    const page = await newPage(browser, server)
    await login(page, 'jietong')
    const huaan = await server.apiAs('huaan')
    const theirs = (await huaan.call('GET', '/applications')).body[0].id as number
    await page.goto(`/applications/${theirs}`)
    await poll(() => page.getByTestId('detail-not-found').textContent()).toContain('申请不存在或无权查看')
    expect(await page.getByTestId('detail-header').count()).toBe(0)
  })
})
