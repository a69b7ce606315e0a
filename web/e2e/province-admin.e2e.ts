// The province's and the admin's pages, and the pages everyone uses, on the demo
// data: statistics with charts and the .xlsx export, users (adding, disabling,
// resetting a password; changing one's own), enterprises (releasing one), cities, the
// working-day calendar and its import, history verification, notifications,
// 申请查询 and the process page.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { creditCodeCheckChar } from '../src/utils/creditCode'
import { DEMO_PASSWORD, login, newPage, screenshot, type Server, withDemoServerAndBrowser } from './harness'

// The machine is shared and slow: give the page time to show what it loads.
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 200 })

const ALERT_KINDS: Record<string, string> = {
  review_overdue: '审核超期',
  joint_test_overdue: '联调超期',
  rectification_overdue: '整改超期',
  complaint_overdue: '投诉核实超期',
}

// Picks an option of an Element Plus select opened by clicking `testid`.
async function choose(page: Page, testid: string, option: string | RegExp): Promise<void> {
  await page.getByTestId(testid).click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: option }).first().click()
}

describe('province and admin', () => {
  let server: Server
  let browser: Browser
  withDemoServerAndBrowser((s, b) => {
    server = s
    browser = b
  })

  it('shows the province the statistics with charts and per-city figures, and exports them as .xlsx', async () => {
    const page = await newPage(browser, server)
    await login(page, 'province')
    expect(new URL(page.url()).pathname).toBe('/province/dashboard')
    await page.getByTestId('chart-rates').locator('canvas').waitFor()
    await page.getByTestId('chart-problems').locator('canvas').waitFor()
    await page.getByTestId('chart-trend').locator('canvas').waitFor()
    const table = page.getByTestId('stats-table')
    await eventually(() => table.locator('.el-table__body tr').count()).toBe(21)
    await eventually(() => table.textContent()).toContain('广州市')
    expect(await table.textContent()).toContain('云浮市')
    expect(await table.locator('.el-table__footer').textContent()).toContain('合计')
    // The alerts nobody answered yet: the demo's two deadlines still open past due, and
    // the steps it did late (how many depends on the weekday the demo's month began).
    const open = await (await server.apiAs('province')).call<unknown[]>('GET', '/alerts?status=open')
    expect(open.body.length).toBeGreaterThanOrEqual(2)
    await eventually(() => page.getByTestId('open-alerts').textContent()).toContain(`待反馈预警（${open.body.length}）`)
    await screenshot(page, 'province-dashboard')

    // A period picked: the figures and the export cover it.
    await page.locator('.el-date-editor').first().click()
    const reloaded = page.waitForResponse((r) => r.url().includes('/api/v1/stats?from='))
    await page.locator('.el-picker-panel__shortcut:visible').filter({ hasText: '本年' }).click()
    await reloaded
    await eventually(() => page.getByTestId('stats-period-text').textContent()).toMatch(/\d{4}年1月1日 00:00 至/)

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stats-export').click()])
    expect(download.suggestedFilename()).toMatch(/^联调对接统计_\d{4}0101-\d{8}\.xlsx$/)
    const path = (await download.path())!
    const file = readFileSync(path)
    expect(file.subarray(0, 2).toString('latin1')).toBe('PK')
    expect(file.length).toBeGreaterThan(1000)
    // Chinese headers and one row per city inside the workbook.
    const unzipped = spawnSync('unzip', ['-p', path], { encoding: 'utf8' })
    if (unzipped.status === 0) {
      expect(unzipped.stdout).toContain('按期审核率（%）')
      expect(unzipped.stdout).toContain('云浮市')
    }
  })

  it('narrows the alerts to a city and a kind on the server, a page at a time', async () => {
    const api = await server.apiAs('province')
    const all = await api.call<{ city_code: string; city_name: string; kind: string }[]>('GET', '/alerts')
    expect(all.body.length).toBeGreaterThan(0)
    const { city_code: code, city_name: name, kind } = all.body[0]
    const expected = await api.call<unknown[]>('GET', `/alerts?city_code=${code}&kind=${kind}`)
    const page = await newPage(browser, server)
    await login(page, 'province')
    await page.goto('/alerts')
    await page.getByTestId('alerts-status').getByText('全部').click()
    const table = page.getByTestId('alerts-table')
    await eventually(() => table.locator('.el-table__body tr').count()).toBe(Math.min(all.body.length, 50))
    let asked = page.waitForRequest((r) => r.url().includes(`city_code=${code}`))
    await choose(page, 'alerts-city', name)
    await asked
    asked = page.waitForRequest((r) => r.url().includes(`kind=${kind}`) && r.url().includes(`city_code=${code}`))
    await choose(page, 'alerts-kind', ALERT_KINDS[kind])
    await asked
    await eventually(() => table.locator('.el-table__body tr').count()).toBe(expected.body.length)
    for (const text of await table.locator('.el-table__body tr').allTextContents()) expect(text).toContain(name)
  })

  it("shows a city reviewer only their own city's figures", async () => {
    const page = await newPage(browser, server)
    await login(page, 'reviewer_440100')
    await page.goto('/province/dashboard')
    await page.getByTestId('chart-rates').locator('canvas').waitFor()
    const rows = page.getByTestId('stats-table').locator('.el-table__body tr')
    await eventually(() => rows.count()).toBe(1)
    expect(await rows.first().textContent()).toContain('广州市')
    expect(await page.getByTestId('stats-period-text').textContent()).toContain('本市')
  })

  it('lists applications for the province with filters, deadlines and links to the detail', async () => {
    const page = await newPage(browser, server)
    await login(page, 'province')
    await page.goto('/applications?state=joint_testing')
    const rows = page.getByTestId('applications-table').locator('.el-table__body tr')
    await eventually(() => rows.count()).toBeGreaterThan(0)
    for (const text of await rows.allTextContents()) expect(text).toContain('联调中')
    expect(await page.getByTestId('applications-table').textContent()).toMatch(/联调测试/)
    await rows.first().click()
    await page.waitForURL(/\/applications\/\d+$/)
    // The detail shows where the application is in the process, and its history.
    const node = (state: string) => page.getByTestId(`process-node-${state}`)
    await eventually(() => node('joint_testing').getAttribute('data-status')).toBe('current')
    expect(await node('under_review').getAttribute('data-status')).toBe('passed')
    expect(await node('draft').getAttribute('data-status')).toBe('passed')
    expect(await node('succeeded').getAttribute('data-status')).toBe('pending')
    const timeline = page.getByTestId('history-timeline')
    await eventually(() => timeline.textContent()).toContain('审核通过并发放测试密钥')
    expect(await timeline.textContent()).toContain('待审核 → 联调中')
    // The province reads the joint test as the city does: checklist, evidence, report.
    await eventually(() => page.getByTestId('joint-test-panel').count()).toBe(1)
    await screenshot(page, 'application-process')
  })

  it('lets the admin add a user', async () => {
    const page = await newPage(browser, server)
    await login(page, 'admin')
    expect(new URL(page.url()).pathname).toBe('/admin/users')
    await eventually(() => page.getByTestId('users-table').textContent()).toContain('reviewer_440300')
    await page.getByTestId('user-add').click()
    await choose(page, 'user-role', '技术支持单位')
    await page.getByTestId('user-username').fill('support_sz_2')
    await page.getByTestId('user-display-name').fill('深圳市第二技术支持单位')
    await page.getByTestId('user-password').fill('Secret@2026x')
    await choose(page, 'user-city', '深圳市（440300）')
    await page.getByTestId('user-submit').click()
    await eventually(() => page.getByTestId('users-table').textContent()).toContain('support_sz_2')
    const admin = await server.apiAs('admin')
    const users = (await admin.call('GET', '/users')).body as { username: string; role: string; city_code: string }[]
    expect(users.find((u) => u.username === 'support_sz_2')).toMatchObject({ role: 'tech_support', city_code: '440300' })
    // The new user can log in.
    await server.apiAs('support_sz_2', 'Secret@2026x')
    await screenshot(page, 'admin-users')

    // An enterprise that registered and filed nothing yet is offered for a vendor user.
    const first17 = '91440101MA5E2E8Q1'
    const registered = await fetch(`${server.url}/api/v1/vendors/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        enterprise: {
          name: '东莞新注册科技有限公司',
          credit_code: first17 + creditCodeCheckChar(first17),
          legal_rep: '李四',
          address: '东莞市南城街道',
          contact_name: '李四',
          contact_phone: '13800138000',
          contact_email: 'li@example.com',
        },
        username: 'newvendor01',
        password: 'Secret@2026x',
      }),
    })
    expect(registered.status).toBe(201)
    await page.reload()
    await page.getByTestId('user-add').click()
    await choose(page, 'user-role', '软硬件企业')
    await page.getByTestId('user-vendor').click()
    await eventually(() => page.locator('.el-select-dropdown__item:visible').allTextContents()).toContainEqual(
      expect.stringContaining('东莞新注册科技有限公司'),
    )
    // Typing searches the server's list of enterprises; the user then added is listed
    // with its enterprise's name.
    await page.getByTestId('user-vendor').locator('input').fill('新注册')
    await eventually(() => page.locator('.el-select-dropdown__item:visible').allTextContents()).toEqual([
      expect.stringContaining('东莞新注册科技有限公司'),
    ])
    await page.locator('.el-select-dropdown__item:visible').first().click()
    await page.getByTestId('user-username').fill('newvendor02')
    await page.getByTestId('user-password').fill('Secret@2026x')
    await page.getByTestId('user-submit').click()
    await page.getByTestId('user-search').fill('newvendor02')
    await eventually(() => page.getByTestId('users-table').textContent()).toContain('东莞新注册科技有限公司')
  })

  it('lets the admin disable, enable and reset the password of a user, but not their own', async () => {
    const user = 'reviewer_441300'
    // A session of that user from before: each change below that ends sessions ends it.
    let held = await server.apiAs(user)
    const page = await newPage(browser, server)
    await page.setViewportSize({ width: 1366, height: 768 })
    await login(page, 'admin')
    const status = page.getByTestId(`user-status-${user}`)
    await eventually(() => status.textContent()).toContain('启用')
    expect(await page.getByTestId('user-status-admin').textContent()).toContain('启用')
    // No actions on the admin's own row.
    expect(await page.getByTestId('user-toggle-admin').count()).toBe(0)
    expect(await page.getByTestId('user-reset-admin').count()).toBe(0)

    // Disabling is confirmed first.
    await page.getByTestId(`user-toggle-${user}`).click()
    await eventually(() => page.locator('.el-message-box').textContent()).toContain('停用后该用户不能登录，已登录的会话立即失效')
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await eventually(() => status.textContent()).toContain('已停用')
    expect(await page.getByTestId(`user-toggle-${user}`).textContent()).toContain('启用')
    expect((await held.call('GET', '/me')).status).toBe(401)
    await expect(server.apiAs(user)).rejects.toThrow(/login of reviewer_441300 failed/)
    await screenshot(page, 'admin-users-status')
    // The user, with the right password, is told the account is disabled.
    const disabledPage = await newPage(browser, server)
    await disabledPage.goto('/login')
    await disabledPage.getByTestId('login-username').fill(user)
    await disabledPage.getByTestId('login-password').fill(DEMO_PASSWORD)
    await disabledPage.getByTestId('login-submit').click()
    await eventually(() => disabledPage.locator('.el-alert').textContent()).toContain('账号已停用，请联系系统管理员')
    await disabledPage.close()

    // Enabling again needs no confirmation.
    await page.getByTestId(`user-toggle-${user}`).click()
    await eventually(() => status.textContent()).not.toContain('已停用')
    expect(await status.textContent()).toContain('启用')
    held = await server.apiAs(user)

    // A new password: checked in the form, then set; the user's sessions end.
    await page.getByTestId('user-search').fill('441300')
    await eventually(() => page.getByTestId('users-table').locator('.el-table__body tr').count()).toBe(2)
    await page.getByTestId(`user-reset-${user}`).click()
    const dialog = page.getByTestId('reset-dialog')
    await eventually(() => dialog.textContent()).toContain('已登录的会话立即失效')
    await page.getByTestId('reset-password').fill('short')
    await page.getByTestId('reset-confirm').fill('different')
    await page.getByTestId('reset-submit').click()
    const errors = () => dialog.locator('.el-form-item__error').allTextContents()
    await eventually(errors).toEqual(['密码长度为 8–128 位', '两次输入的密码不一致'])
    await screenshot(page, 'admin-users-reset')
    await page.getByTestId('reset-password').fill('Huizhou@2026x')
    await page.getByTestId('reset-confirm').fill('Huizhou@2026x')
    await page.getByTestId('reset-submit').click()
    await eventually(() => page.locator('.el-message--success').last().textContent()).toContain(`已重置 ${user} 的密码`)
    await eventually(() => dialog.isVisible()).toBe(false)
    expect((await held.call('GET', '/me')).status).toBe(401)
    await expect(server.apiAs(user)).rejects.toThrow()
    await server.apiAs(user, 'Huizhou@2026x')
  })

  it("lets the admin release an enterprise that registered another's credit code, for its holder", async () => {
    const first17 = '91440300MA5E2E8Q1'
    const code = first17 + creditCodeCheckChar(first17)
    const register = (name: string, username: string) =>
      fetch(`${server.url}/api/v1/vendors/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          enterprise: {
            name,
            credit_code: code,
            legal_rep: '王五',
            address: '深圳市南山区',
            contact_name: '王五',
            contact_phone: '13900139000',
            contact_email: 'wang@example.com',
          },
          username,
          password: 'Secret@2026x',
        }),
      })
    expect((await register('冒用注册科技有限公司', 'squatter01')).status).toBe(201)
    const squatter = await server.apiAs('squatter01', 'Secret@2026x')
    // The holder of the code cannot register while it is taken.
    expect((await register('深圳真实持有人科技有限公司', 'holder01')).status).toBe(409)

    const page = await newPage(browser, server)
    await page.setViewportSize({ width: 1366, height: 768 })
    await login(page, 'admin')
    await page.goto('/admin/vendors')
    await page.getByTestId('vendor-search').fill(code)
    await eventually(() => page.getByTestId('vendors-table').locator('.el-table__body tr').count()).toBe(1)
    expect(await page.getByTestId('vendors-table').textContent()).toContain('冒用注册科技有限公司')
    const id = (
      ((await (await server.apiAs('admin')).call('GET', `/vendors?q=${code}`)).body as { id: number }[])[0]
    ).id
    await eventually(() => page.getByTestId(`vendor-status-${id}`).textContent()).toContain('正常')

    // A reason is required; the release is then recorded and shown on the row.
    await page.getByTestId(`vendor-release-${id}`).click()
    const dialog = page.getByTestId('release-dialog')
    await eventually(() => dialog.textContent()).toContain('该企业的用户全部停用')
    await page.getByTestId('release-submit').click()
    await eventually(() => dialog.locator('.el-form-item__error').allTextContents()).toEqual([
      '请填写注销原因（如核实冒用的经过）',
    ])
    await screenshot(page, 'admin-vendors-release')
    await page.getByTestId('release-reason').fill('经核实，该代码属于深圳真实持有人科技有限公司')
    await page.getByTestId('release-submit').click()
    await eventually(() => page.getByTestId(`vendor-status-${id}`).textContent()).toContain('已注销')
    expect(await page.getByTestId('vendors-table').textContent()).toContain('由 admin 注销：经核实')
    expect(await page.getByTestId(`vendor-release-${id}`).count()).toBe(0)

    // The squatter is logged out; the holder registers the code.
    expect((await squatter.call('GET', '/me')).status).toBe(401)
    await expect(server.apiAs('squatter01', 'Secret@2026x')).rejects.toThrow()
    expect((await register('深圳真实持有人科技有限公司', 'holder01')).status).toBe(201)
    await page.getByTestId('vendor-search').fill('')
    await page.getByTestId('vendor-search').fill(code)
    await eventually(() => page.getByTestId('vendors-table').locator('.el-table__body tr').count()).toBe(2)
    expect(await page.getByTestId('vendors-table').textContent()).toContain('深圳真实持有人科技有限公司')
    await screenshot(page, 'admin-vendors')
  })

  it('lets a user change their own password: refusals under the fields, other sessions end', async () => {
    const user = 'reviewer_440500'
    const elsewhere = await server.apiAs(user)
    const page = await newPage(browser, server)
    await page.setViewportSize({ width: 1366, height: 768 })
    await login(page, user)
    await page.getByTestId('change-password').click()
    const dialog = page.getByTestId('password-dialog')
    await dialog.waitFor()
    const errors = () => dialog.locator('.el-form-item__error').allTextContents()

    // Checked in the form: the new password must differ and be confirmed.
    await page.getByTestId('password-current').fill(DEMO_PASSWORD)
    await page.getByTestId('password-new').fill(DEMO_PASSWORD)
    await page.getByTestId('password-confirm').fill('Shantou@2026')
    await page.getByTestId('password-submit').click()
    await eventually(errors).toEqual(['新密码不能与当前密码相同', '两次输入的密码不一致'])

    // Refused by the server: the wrong current password, shown under that field.
    await page.getByTestId('password-current').fill('not-my-password')
    await page.getByTestId('password-new').fill('Shantou@2026')
    await page.getByTestId('password-confirm').fill('Shantou@2026')
    await page.getByTestId('password-submit').click()
    await eventually(errors).toEqual(['当前密码不正确'])
    await screenshot(page, 'change-password')

    await page.getByTestId('password-current').fill(DEMO_PASSWORD)
    await page.getByTestId('password-submit').click()
    await eventually(() => page.locator('.el-message--success').last().textContent()).toContain(
      '密码已修改，其他设备上的登录已退出',
    )
    await eventually(() => dialog.isVisible()).toBe(false)
    // The other session ended; this one goes on.
    expect((await elsewhere.call('GET', '/me')).status).toBe(401)
    await page.reload()
    await eventually(() => page.getByTestId('who').textContent()).toContain('汕头市')
    expect(new URL(page.url()).pathname).toBe('/review/inbox')

    // The new password logs in; the old one no longer does.
    const fresh = await newPage(browser, server)
    await login(fresh, user, 'Shantou@2026')
    expect(new URL(fresh.url()).pathname).toBe('/review/inbox')
    await expect(server.apiAs(user)).rejects.toThrow()
  })

  it("lets the admin change a city's interface standard and test environment", async () => {
    const page = await newPage(browser, server)
    await login(page, 'admin')
    await page.goto('/admin/cities')
    await page.getByTestId('city-edit-440200').click()
    await choose(page, 'city-profile', 'national-1.0')
    await page.getByTestId('city-env-url').click()
    await page.getByTestId('city-url').fill('not a url')
    await page.getByTestId('city-save').click()
    await eventually(() => page.getByTestId('city-dialog').textContent()).toContain('请输入以 http:// 或 https:// 开头')
    await page.getByTestId('city-url').fill('http://127.0.0.1:9/shaoguan-test')
    await page.getByTestId('city-save').click()
    await eventually(() => page.getByTestId('city-env-440200').textContent()).toContain('http://127.0.0.1:9/shaoguan-test')
    expect(await page.getByTestId('city-profile-440200').textContent()).toContain('全国数据接口标准')
    const admin = await server.apiAs('admin')
    const cities = (await admin.call('GET', '/cities')).body as { code: string; profile: string; test_env: string }[]
    expect(cities.find((c) => c.code === '440200')).toMatchObject({
      profile: 'national-1.0',
      test_env: 'http://127.0.0.1:9/shaoguan-test',
    })
    await screenshot(page, 'admin-cities')
  })

  it('shows the calendar year view, official and provisional years, and imports an .ics file', async () => {
    const page = await newPage(browser, server)
    await login(page, 'admin')
    await page.goto('/admin/calendar?year=2026')
    await page.getByTestId('calendar-official').waitFor()
    const view = page.getByTestId('calendar-year-view')
    expect(await view.locator('td[data-date="2026-10-01"]').getAttribute('data-kind')).toBe('holiday')
    expect(await view.locator('td[data-date="2026-10-10"]').getAttribute('data-kind')).toBe('workday')
    expect(await view.locator('td[data-date="2026-10-11"]').getAttribute('data-kind')).toBe('weekend')
    expect(await view.locator('td[data-date="2026-10-12"]').getAttribute('data-kind')).toBe('normal')
    await screenshot(page, 'admin-calendar')

    await page.goto('/admin/calendar?year=2031')
    await eventually(() => page.getByTestId('calendar-provisional').textContent()).toContain('暂定：未公布')

    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20310101',
      'DTEND;VALUE=DATE:20310104',
      'SUMMARY:元旦(休)',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20310104',
      'SUMMARY:元旦(班)',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n')
    await page.getByTestId('calendar-file').setInputFiles({
      name: 'holidays-2031.ics',
      mimeType: 'text/calendar',
      buffer: Buffer.from(ics, 'utf8'),
    })
    await eventually(() => page.getByTestId('calendar-import-dialog').textContent()).toContain('节假日 3 天，调休上班 1 天')
    await page.getByTestId('calendar-import-confirm').click()
    await eventually(() => page.locator('.el-message-box').textContent()).toContain('重新计算')
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.getByTestId('calendar-official').waitFor()
    expect(await view.locator('td[data-date="2031-01-02"]').getAttribute('data-kind')).toBe('holiday')
    expect(await view.locator('td[data-date="2031-01-04"]').getAttribute('data-kind')).toBe('workday')
    const admin = await server.apiAs('admin')
    const stored = (await admin.call('GET', '/calendar/2031')).body
    expect(stored).toMatchObject({ official: true, holidays: ['2031-01-01', '2031-01-02', '2031-01-03'], workdays: ['2031-01-04'] })

    // A file that is not a calendar is refused in the browser, with a reason.
    await page.getByTestId('calendar-file').setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"year": 2032, "holidays": ["2033-01-01"]}'),
    })
    await eventually(() => page.locator('.el-message-box').textContent()).toContain('不在 2032 年内')
  })

  it('verifies the history chain for the admin', async () => {
    const page = await newPage(browser, server)
    await login(page, 'admin')
    await page.goto('/admin/history')
    const result = page.getByTestId('history-result')
    await eventually(() => result.getAttribute('data-ok')).toBe('true')
    expect(await result.textContent()).toMatch(/已校验 \d+ 条记录/)
  })

  it('lists notifications, unread highlighted, and marks one and then all read', async () => {
    // Answering an alert notifies the province: one more unread notification.
    const reviewer = await server.apiAs('reviewer_442000')
    const alerts = (await reviewer.call('GET', '/alerts?status=open')).body as { id: number }[]
    expect(alerts.length).toBeGreaterThan(0)
    expect((await reviewer.call('POST', `/alerts/${alerts[0].id}/respond`, { feedback: '已联系企业，本周内完成联调' })).status).toBe(200)

    const page = await newPage(browser, server)
    await login(page, 'province')
    await page.goto('/notifications')
    const unread = page.locator('[data-testid^="notification-"][data-read="false"]')
    await eventually(() => unread.count()).toBeGreaterThanOrEqual(2)
    await screenshot(page, 'notifications')
    const first = unread.first()
    const id = (await first.getAttribute('data-testid'))!.replace('notification-', '')
    await page.getByTestId(`notification-read-${id}`).click()
    await eventually(() => page.getByTestId(`notification-${id}`).getAttribute('data-read')).toBe('true')

    await page.getByTestId('notifications-read-all').click()
    await eventually(() => unread.count()).toBe(0)
    const province = await server.apiAs('province')
    expect(((await province.call('GET', '/notifications?unread=true')).body as unknown[]).length).toBe(0)
    await eventually(() => page.locator('[data-testid="notifications-link"] .el-badge__content').isVisible()).toBe(false)
  })

  it('shows the process page to everyone', async () => {
    const page = await newPage(browser, server)
    await login(page, 'huaan')
    await page.goto('/process')
    await page.getByTestId('process-diagram').waitFor()
    expect(await page.getByTestId('process-node-joint_testing').textContent()).toContain('联调中')
    expect(await page.getByTestId('process-diagram').textContent()).toContain('审核时限 3 个工作日')
    expect(await page.getByTestId('process-diagram').textContent()).toContain('联调时限 5 个工作日')
    expect(await page.getByTestId('process-complaints').textContent()).toContain('重新发放密钥')
    await screenshot(page, 'process')
  })

  // Last: it alters the database under the running server.
  const hasSqlite = spawnSync('sqlite3', ['-version']).status === 0
  it.skipIf(!hasSqlite)('shows the first altered history entry when the chain is broken', async () => {
    const db = server.dbUrl.replace(/^sqlite:/, '')
    const r = spawnSync('sqlite3', [db, "UPDATE history SET reason = '被改过的理由' WHERE seq = 5"], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    const page = await newPage(browser, server)
    await login(page, 'admin')
    await page.goto('/admin/history')
    const result = page.getByTestId('history-result')
    await eventually(() => result.getAttribute('data-ok')).toBe('false')
    expect(await result.textContent()).toContain('第 5 条')
    await screenshot(page, 'admin-history-broken')
  })
})
