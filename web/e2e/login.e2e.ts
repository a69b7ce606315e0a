import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { login, newPage, screenshot, type Server, withDemoServerAndBrowser } from './harness'

describe('login', () => {
  let server: Server
  let browser: Browser
  withDemoServerAndBrowser((s, b) => {
    server = s
    browser = b
  })

  it('refuses a wrong password with the server message and lands each role on its page', async () => {
    const page = await newPage(browser, server)
    // A browser without a session opens the login page without asking who it is: no
    // GET /me answered 401, nothing in the console.
    const errors: string[] = []
    const asked: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/me') asked.push(r.url())
    })
    await page.goto('/login')
    await page.getByTestId('login-username').waitFor()
    expect(asked).toEqual([])
    expect(errors).toEqual([])
    await screenshot(page, 'login')
    await page.getByTestId('login-username').fill('huaan')
    await page.getByTestId('login-password').fill('wrong-password')
    await page.getByTestId('login-submit').click()
    await expect.poll(() => page.locator('.el-alert__title').textContent()).toMatch(/用户名或密码/)

    await login(page, 'huaan')
    expect(new URL(page.url()).pathname).toBe('/vendor/applications')
    await expect.poll(() => page.getByTestId('who').textContent()).toContain('广州华安智能科技有限公司')

    const reviewer = await newPage(browser, server)
    await login(reviewer, 'reviewer_440100')
    expect(new URL(reviewer.url()).pathname).toBe('/review/inbox')
  })

  it('folds the menu into a drawer on a phone, and fits a dialog to its screen', async () => {
    const page = await newPage(browser, server, { width: 390, height: 844 })
    await login(page, 'huaan')
    expect(await page.locator('.el-aside').count()).toBe(0) // no side menu taking half the screen
    await page.getByTestId('menu-button').click()
    const drawer = page.getByTestId('menu-drawer')
    await drawer.getByText('企业信息与产品').click()
    await page.waitForURL((u) => u.pathname !== '/vendor/applications')
    await expect.poll(() => drawer.isVisible()).toBe(false) // closed once a page is chosen
    await page.goto('/vendor/applications')
    await page.getByRole('button', { name: /新建申请/ }).click()
    const dialog = page.locator('.el-dialog').filter({ hasText: '新建联调申请' })
    await dialog.waitFor()
    const box = await dialog.boundingBox()
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true)
    await screenshot(page, 'phone-new-application')
  })

  it('sends a deep link through login and back, and survives a reload', async () => {
    const page = await newPage(browser, server)
    await page.goto('/alerts')
    await page.waitForURL(/\/login\?redirect=/)
    await page.getByTestId('login-username').fill('province')
    await page.getByTestId('login-password').fill('Liantiao@2026')
    await page.getByTestId('login-submit').click()
    await page.waitForURL((u) => u.pathname === '/alerts')
    await page.reload()
    await page.waitForURL((u) => u.pathname === '/alerts')
    expect(await page.getByTestId('who').textContent()).toContain('省')
  })
})
