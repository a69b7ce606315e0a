// The city reviewer's, the tech support's and the province's pages on the demo
// data: the inbox in deadline order, return and approve, delay after the window
// with the pre-filled problems, an alert answered and urged, and a complaint
// verified as founded and its rectification reported done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, login, newPage, screenshot, shanghai, startServer, type ApiClient, type Server } from './harness'

// Generous: the test machine is shared and slow at times.
const WAIT = { timeout: 15_000 }
const PDF = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'

// A vendor's application in a city, with one material, submitted for review. Product 1
// succeeded in 广州 in the demo data, so it comes by the second path with that success
// linked as its proof.
async function submittedApplication(server: Server, vendor: ApiClient, city: string): Promise<number> {
  const created = await vendor.call('POST', '/applications', {
    city_code: city,
    product_ids: [1],
    path: 'connected_elsewhere',
    connected_city_code: '440100',
    description: '联调申请（测试）',
  })
  expect(created.status).toBe(201)
  const id = created.body.id as number
  const form = new FormData()
  form.append('kind', 'business_license')
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'business_license.pdf')
  const up = await fetch(`${server.url}/api/v1/applications/${id}/materials`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${vendor.token}` },
    body: form,
  })
  expect(up.status).toBe(201)
  const submitted = await vendor.call('POST', `/applications/${id}/actions/submit`, {})
  expect(submitted.body.state).toBe('under_review')
  return id
}

// Screenshots wait for finite transitions (a tag fading in, a dialog opening) to end.
async function shot(page: Page, name: string) {
  await expect
    .poll(
      () =>
        page.evaluate(
          () =>
            document
              .getAnimations()
              .filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity).length,
        ),
      WAIT,
    )
    .toBe(0)
  await screenshot(page, name)
}

async function confirmBox(page: Page) {
  await page.locator('.el-message-box__btns .el-button--primary').click()
}

describe('city reviewer, tech support and province', () => {
  let server: Server
  let browser: Browser
  let reviewer: Page
  let huaan: ApiClient
  let reviewerApi: ApiClient
  let fresh = 0 // the application submitted for this test in 佛山

  beforeAll(async () => {
    server = await startServer({ demo: true })
    browser = await launchBrowser()
    huaan = await server.apiAs('huaan')
    reviewerApi = await server.apiAs('reviewer_440600')
    fresh = await submittedApplication(server, huaan, '440600')
    reviewer = await newPage(browser, server)
    await login(reviewer, 'reviewer_440600')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('orders the inbox by deadline, the overdue review on top in red, and loads it at once', async () => {
    const started = Date.now()
    await reviewer.goto('/review/inbox')
    const rows = reviewer.locator('[data-testid=inbox-table] .el-table__body tr')
    await expect.poll(() => rows.count(), WAIT).toBe(2)
    const elapsed = Date.now() - started
    // The demo's 佛山 review (#8) is overdue; the fresh one is due later. The demo replays
    // the 30 days before it ran, so by how many working days depends on the weekday: the
    // page must say what the API says.
    const late = (await reviewerApi.call('GET', '/applications/8')).body
    const days = late.deadlines.find((d: { kind: string; done_at: string | null }) => d.kind === 'review' && !d.done_at)
      .overdue_working_days
    expect(days).toBeGreaterThan(0)
    expect(await rows.nth(0).getAttribute('class')).toContain('row-overdue')
    expect(await rows.nth(0).textContent()).toContain('#8')
    expect(await rows.nth(0).locator('.deadline').getAttribute('data-tone')).toBe('overdue')
    expect(await rows.nth(0).textContent()).toContain(`已超期 ${days} 个工作日`)
    expect(await rows.nth(1).textContent()).toContain(`#${fresh}`)
    expect(await rows.nth(1).textContent()).toContain('剩余')
    // What each one is for, without opening it.
    expect(await reviewer.getByTestId('inbox-products-8').textContent()).toBe('实名制考勤终端（HA-AT20）')
    expect(await reviewer.getByTestId(`inbox-products-${fresh}`).textContent()).toBe('人脸识别闸机（HA-FG300）')
    expect(await reviewer.getByTestId('stat-under-review').textContent()).toContain('2')
    expect(await reviewer.getByTestId('stat-overdue').textContent()).toContain('1')
    await expect.poll(() => reviewer.getByTestId('stat-alerts').textContent(), WAIT).toContain('1')
    // The goal is ≤ 1 s; on this shared machine, under parallel builds, it measured
    // 0.8–2.4 s, so the bound only catches a regression such as calls per row.
    console.log(`inbox shown ${elapsed} ms after navigation`)
    expect(elapsed).toBeLessThan(5000)
    await shot(reviewer, 'reviewer-inbox')
  })

  it('returns an application with a problem of one material', async () => {
    await reviewer.getByTestId('inbox-row-8').click()
    await reviewer.waitForURL(/\/applications\/8$/)
    await reviewer.getByTestId('review-return').click()
    // An empty problem is refused in the form, nothing sent.
    await reviewer.getByTestId('return-submit').click()
    await expect.poll(() => reviewer.getByTestId('return-error').textContent(), WAIT).toContain('问题说明')
    // The first material is chosen by default; a general problem is added too.
    await reviewer.getByTestId('return-text-0').fill('营业执照扫描件不清晰，请重新上传加盖公章的彩色扫描件')
    await reviewer.getByTestId('return-add').click()
    await reviewer.getByTestId('return-text-1').fill('申请说明未写明设备型号')
    await shot(reviewer, 'reviewer-review')
    const answer = reviewer.waitForResponse((r) => r.url().endsWith('/applications/8/actions/return'))
    await reviewer.getByTestId('return-submit').click()
    expect((await answer).status()).toBe(200)
    const app = (await reviewerApi.call('GET', '/applications/8')).body
    expect(app.state).toBe('returned')
    const problems = app.reviews.at(-1).problems
    expect(problems[0].material_id).toBe(app.materials[0].id)
    expect(problems[1].material_id ?? null).toBeNull()
  })

  it('approves one, and allows delay only after the window, pre-filled with the failing cases', async () => {
    await reviewer.goto(`/applications/${fresh}`)
    await reviewer.getByTestId('review-approve').click()
    const answer = reviewer.waitForResponse((r) => r.url().endsWith(`/applications/${fresh}/actions/approve`))
    await confirmBox(reviewer)
    expect((await answer).status()).toBe(200)
    await expect.poll(() => reviewer.getByTestId('review-delay').isDisabled(), WAIT).toBe(true)
    expect(await reviewer.getByTestId('delay-hint').textContent()).toContain('期限届满后')
    const app = (await reviewerApi.call('GET', `/applications/${fresh}`)).body
    expect(app.state).toBe('joint_testing')
    expect(app.test_key).not.toBeNull()

    // A fault scenario switched on from the detail page.
    const faults = reviewer.waitForResponse((r) => r.url().endsWith(`/applications/${fresh}/faults`) && r.request().method() === 'PUT')
    await reviewer.getByTestId('fault-rate_limit_once').click()
    expect((await faults).status()).toBe(200)
    expect((await reviewerApi.call('GET', `/applications/${fresh}/faults`)).body.scenarios.rate_limit_once.enabled).toBe(true)

    // The joint tests in progress list it with its checklist summary, from the list
    // alone (no application's checklist is read for it).
    const checklists: string[] = []
    const onRequest = (r: { url(): string }) => {
      if (/\/conformance$/.test(new URL(r.url()).pathname)) checklists.push(r.url())
    }
    reviewer.on('request', onRequest)
    await reviewer.goto('/review/joint-tests')
    await expect.poll(() => reviewer.getByTestId(`joint-summary-${fresh}`).textContent(), WAIT).toContain('必测 0/')
    reviewer.off('request', onRequest)
    expect(checklists).toEqual([])
    await reviewer.goto(`/applications/${fresh}`)

    // Past the joint-test window (an hour after its deadline, which depends on the day the
    // test runs: the clock starts at the real time): the sweep raises the joint-test alert.
    const window = app.deadlines.find((d: { kind: string; done_at: string | null }) => d.kind === 'joint_test' && !d.done_at)
    expect(window).toBeTruthy()
    await server.setClock(shanghai(Date.parse(window.due_at) + 3600_000))
    await server.sweep()
    await reviewer.reload()
    await expect.poll(() => reviewer.getByTestId('review-delay').isDisabled(), WAIT).toBe(false)
    await reviewer.getByTestId('review-delay').click()
    await expect.poll(() => reviewer.getByTestId('delay-clause-0').inputValue(), WAIT).toContain('数据接口标准')
    expect(await reviewer.getByTestId('delay-text-0').inputValue()).toMatch(/未通过|未完成测试/)
    const prefilled = await reviewer.locator('[data-testid^=delay-clause-]').count()
    expect(prefilled).toBeGreaterThan(1)
    // The reviewer edits the list: drops the last row, adds an own one.
    await reviewer.getByTestId(`delay-remove-${prefilled - 1}`).click()
    await reviewer.getByTestId('delay-add').click()
    await reviewer.getByTestId(`delay-clause-${prefilled - 1}`).fill('数据接口标准 4.2 错误码')
    await reviewer.getByTestId(`delay-text-${prefilled - 1}`).fill('收到 -5 后未按规定重试')
    await shot(reviewer, 'reviewer-delay')
    await reviewer.getByTestId('delay-submit').click()
    const delayed = reviewer.waitForResponse((r) => r.url().endsWith(`/applications/${fresh}/actions/delay`))
    await confirmBox(reviewer)
    expect((await delayed).status()).toBe(200)
    const after = (await reviewerApi.call('GET', `/applications/${fresh}`)).body
    expect(after.state).toBe('delayed')
    const problems = after.reviews.at(-1).problems
    expect(problems).toHaveLength(prefilled)
    expect(problems.at(-1)).toMatchObject({ clause: '数据接口标准 4.2 错误码', text: '收到 -5 后未按规定重试' })
  })

  it('answers an alert the sweep raised', async () => {
    const alerts = (await reviewerApi.call('GET', '/alerts?status=open')).body as { id: number; kind: string; application_id: number }[]
    const alert = alerts.find((a) => a.application_id === fresh && a.kind === 'joint_test_overdue')
    expect(alert).toBeTruthy()
    await reviewer.goto('/alerts')
    await reviewer.getByTestId(`alert-respond-${alert!.id}`).click()
    await reviewer.getByTestId('alert-feedback-input').fill('经核实，企业设备未按标准重试，已于当日作出联调延期结论。')
    const answer = reviewer.waitForResponse((r) => r.url().endsWith(`/alerts/${alert!.id}/respond`))
    await reviewer.getByTestId('alert-respond-submit').click()
    expect((await answer).status()).toBe(200)
    // Answered alerts leave the open list at once; the answered view shows the feedback.
    await expect.poll(() => reviewer.getByTestId(`alert-status-${alert!.id}`).count(), WAIT).toBe(0)
    await reviewer.locator('[data-testid=alerts-status]').getByText('全部').click()
    await expect.poll(() => reviewer.getByTestId(`alert-feedback-${alert!.id}`).textContent(), WAIT).toContain('经核实')
    expect(await reviewer.getByTestId(`alert-status-${alert!.id}`).textContent()).toContain('已反馈')
    await shot(reviewer, 'alerts')
  })

  it('verifies a complaint as founded, and the support unit reports the rectification done', async () => {
    // 中山 #7 is in joint testing in the demo; the vendor files over the API.
    const filed = await huaan.call('POST', '/complaints', {
      application_id: 7,
      respondent: '中山市实名制管理系统技术支持单位',
      conduct: 'key_unusable',
      facts: '测试密钥调用 Team.Add 一律返回 -3，无法开展联调。',
      occurred_at: '2026-12-14T09:30:00+08:00',
      declaration: true,
    })
    expect(filed.status).toBe(201)
    const id = filed.body.id as number

    const city = await newPage(browser, server)
    await login(city, 'reviewer_442000')
    const details: string[] = []
    city.on('request', (r) => {
      if (/\/api\/v1\/complaints\/\d+$/.test(new URL(r.url()).pathname)) details.push(r.url())
    })
    await city.goto('/complaints')
    // Complaints to verify come first, with their verification deadline, from the list
    // alone (no complaint's detail is read for it).
    const first = city.locator('[data-testid=complaints-table] .el-table__body tr').first()
    await expect.poll(() => first.textContent(), WAIT).toContain('投诉核实')
    expect(await first.textContent()).toContain(`#${id}`)
    expect(details).toEqual([])
    await city.getByTestId(`complaint-row-${id}`).click()
    await city.waitForURL(new RegExp(`/complaints/${id}$`))
    await expect.poll(() => city.getByTestId('complaint-state').textContent(), WAIT).toContain('待核实')
    expect(await city.getByTestId('platform-evidence').count()).toBeGreaterThan(0)
    await city.getByTestId('verify-founded-yes').click()
    await city.getByTestId('verify-findings').fill('经核实，测试环境未登记该密钥，投诉属实。')
    await city.getByTestId('verify-submit').click()
    const verified = city.waitForResponse((r) => r.url().endsWith(`/complaints/${id}/actions/verify`))
    await confirmBox(city)
    expect((await verified).status()).toBe(200)
    await expect.poll(() => city.getByTestId('complaint-state').textContent(), WAIT).toContain('整改中')
    await expect.poll(() => city.getByTestId('complaint-deadline-rectification').textContent(), WAIT).toContain('剩余')
    await shot(city, 'complaint-detail')
    // The platform orders the rectification: its history names it 平台, not its account.
    await expect.poll(() => city.getByTestId('complaint-history').textContent(), WAIT).toContain('平台：下达整改')
    expect(await city.getByTestId('complaint-history').textContent()).not.toContain('platform')
    // On the application's process the rectification is in progress, not passed.
    await city.goto('/applications/7')
    await expect.poll(() => city.getByTestId('process-node-rectification').getAttribute('data-status'), WAIT).toBe('current')
    expect(await city.getByTestId('process-node-rectification').textContent()).not.toContain('✓')

    const support = await newPage(browser, server)
    await login(support, 'support_442000')
    expect(new URL(support.url()).pathname).toBe('/support/rectifications')
    await expect.poll(() => support.getByTestId(`rect-row-${id}`).count(), WAIT).toBe(1)
    expect(await support.locator('[data-testid=rectifications-table]').textContent()).toContain('剩余')
    await shot(support, 'support-rectifications')
    await support.getByTestId(`rect-report-${id}`).click()
    await support.waitForURL(new RegExp(`/complaints/${id}$`))
    // Support units cannot open application pages: the application is named, not linked.
    await expect.poll(() => support.getByTestId('complaint-application').textContent(), WAIT).toContain('联调申请 #7')
    expect(await support.getByTestId('complaint-application-link').count()).toBe(0)
    const before = (await huaan.call('GET', '/applications/7')).body.test_key.app_id as string
    await support.getByTestId('rectify-report').fill('已在测试环境重新登记密钥并恢复接口服务。')
    await support.getByTestId('rectify-submit').click()
    const done = support.waitForResponse((r) => r.url().endsWith(`/complaints/${id}/actions/rectified`))
    await confirmBox(support)
    expect((await done).status()).toBe(200)
    await expect.poll(() => support.getByTestId('rectified-result').textContent(), WAIT).toContain('新的测试密钥')
    const app = (await huaan.call('GET', '/applications/7')).body
    expect(app.test_key.app_id).not.toBe(before)
    await expect.poll(() => support.getByTestId('rectified-result').textContent(), WAIT).toContain(app.test_key.app_id)
    expect(await support.getByTestId('rectified-result').textContent()).toContain('剩余 5 个工作日')

    // The city records the joint test's success and sees the report it was decided on.
    await city.goto('/applications/7')
    await city.getByTestId('review-succeed').click()
    // Nothing has reached the sandbox on the new key: the dialog warns, and still allows it.
    await expect.poll(() => city.getByTestId('succeed-warning').textContent(), WAIT).toContain('必测用例未全部通过（已通过 0/')
    expect(await city.getByTestId('succeed-submit').textContent()).toContain('仍记录联调成功')
    await city.getByTestId('succeed-note').fill('整改后联调通过')
    const succeeded = city.waitForResponse((r) => r.url().endsWith('/applications/7/actions/succeed'))
    await city.getByTestId('succeed-submit').click()
    expect((await succeeded).status()).toBe(200)
    await expect.poll(() => city.getByTestId('succeed-report').textContent(), WAIT).toContain('测试用例')
    expect((await huaan.call('GET', `/complaints/${id}`)).body.state).toBe('closed')
  })

  it("files the vendor's complaint with the report form and an evidence file", async () => {
    const vendor = await newPage(browser, server)
    await login(vendor, 'huaan')
    await vendor.goto('/complaints')
    await vendor.getByTestId('complaint-new').click()
    // A refused form sends nothing and says what is missing.
    await vendor.getByTestId('complaint-submit').click()
    await expect.poll(() => vendor.locator('[data-testid=complaint-form] .el-form-item__error').count(), WAIT).toBeGreaterThan(3)
    await vendor.getByTestId('complaint-app').click()
    await vendor.locator('.el-select-dropdown__item:not(.is-disabled)', { hasText: '#9 ' }).click()
    expect(await vendor.getByTestId('complaint-respondent').inputValue()).toContain('珠海市')
    // The respondent the page filled in is no longer said to be missing.
    await expect.poll(() => vendor.locator('[data-testid=complaint-form] .el-form-item__error', { hasText: '被投诉单位' }).count(), WAIT).toBe(0)
    await vendor.getByTestId('complaint-conduct').click()
    await vendor.locator('.el-select-dropdown__item', { hasText: '设置技术壁垒' }).click()
    await vendor.getByTestId('complaint-facts').fill('测试环境要求使用指定厂商的中间件方可接入。')
    const occurred = vendor.locator('[data-testid=complaint-form] .el-date-editor input')
    await occurred.fill('2026年11月28日 09:30')
    await occurred.press('Enter')
    await vendor.locator('[data-testid=complaint-form] input[type=file]').setInputFiles({
      name: 'screenshot.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from(PDF),
    })
    // Each chosen file is listed once.
    await expect.poll(() => vendor.locator('[data-testid=complaint-form]').getByText('screenshot.pdf').count(), WAIT).toBe(1)
    await vendor.getByTestId('complaint-declaration').click()
    const filed = vendor.waitForResponse((r) => r.url().endsWith('/api/v1/complaints') && r.request().method() === 'POST')
    await vendor.getByTestId('complaint-submit').click()
    const answer = await filed
    expect(answer.status()).toBe(201)
    const created = await answer.json()
    expect(created).toMatchObject({ application_id: 9, conduct: 'technical_barrier', occurred_at: '2026-11-28T09:30:00+08:00' })
    await vendor.waitForURL(new RegExp(`/complaints/${created.id}$`))
    await expect.poll(() => vendor.getByTestId('vendor-evidence').textContent(), WAIT).toContain('screenshot.pdf')
    expect(await vendor.getByTestId('complaint-state').textContent()).toContain('待核实')
    // More evidence from the complaint's page, with its progress.
    const added = vendor.waitForResponse((r) => r.url().endsWith(`/complaints/${created.id}/evidence`))
    await vendor.locator('.card-head input[type=file]').setInputFiles({ name: 'call-log.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) })
    expect((await added).status()).toBe(201)
    await expect.poll(() => vendor.getByTestId('vendor-evidence').textContent(), WAIT).toContain('call-log.pdf')
  })

  it('shows a refused decision in Chinese and keeps what was typed', async () => {
    const city = await newPage(browser, server)
    await login(city, 'reviewer_440400')
    await city.goto('/applications/9')
    await city.getByTestId('review-succeed').click()
    await city.getByTestId('succeed-note').fill('设备各项用例均已通过')
    // Meanwhile the vendor withdraws the application.
    expect((await huaan.call('POST', '/applications/9/actions/withdraw', {})).status).toBe(200)
    const refused = city.waitForResponse((r) => r.url().endsWith('/applications/9/actions/succeed'))
    await city.getByTestId('succeed-submit').click()
    expect((await refused).status()).toBe(409)
    await expect.poll(() => city.getByTestId('succeed-error').textContent(), WAIT).toMatch(/[\u4e00-\u9fa5]/)
    expect(await city.getByTestId('succeed-note').inputValue()).toBe('设备各项用例均已通过')
    // Underneath, the page has read the application again: withdrawn, nothing to decide.
    await expect.poll(() => city.getByTestId('detail-state').getAttribute('data-state'), WAIT).toBe('withdrawn')
    expect(await city.getByTestId('review-succeed').count()).toBe(0)
  })

  it('lets the province urge an open alert', async () => {
    const province = await newPage(browser, server)
    await login(province, 'province')
    await province.goto('/alerts')
    const open = (await (await server.apiAs('province')).call('GET', '/alerts?status=open')).body as { id: number }[]
    expect(open.length).toBeGreaterThan(0)
    const target = open[0].id
    await province.getByTestId(`alert-urge-${target}`).click()
    await province.getByTestId('alert-urge-note').fill('请于两个工作日内反馈核实情况')
    const urged = province.waitForResponse((r) => r.url().endsWith(`/alerts/${target}/urge`))
    await province.getByTestId('alert-urge-submit').click()
    expect((await urged).status()).toBe(200)
    await expect.poll(() => province.getByTestId(`alert-urges-${target}`).textContent(), WAIT).toContain('督办 1 次')
  })
})
