// Starts the real server (build/liantiao) on a temporary SQLite database with the
// test clock, serving the built app from web/dist, and drives Debian's chromium
// through playwright-core. Every e2e file uses this; nothing here sleeps: waits
// are on the server's announced port and on what the page shows.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const REPO_DIR = resolve(WEB_DIR, '..')
export const BINARY = process.env.LIANTIAO_BINARY ?? join(REPO_DIR, 'build', 'liantiao')
export const SCREENSHOT_DIR = join(WEB_DIR, 'e2e', 'artifacts', 'screenshots')
// E2E_WEB_DIST lets several builds of the app be tested side by side.
export const WEB_DIST = process.env.E2E_WEB_DIST ?? join(WEB_DIR, 'dist')
export const DEMO_PASSWORD = 'Liantiao@2026'

export interface Server {
  url: string // http://127.0.0.1:PORT
  dir: string
  dbUrl: string
  stop(): Promise<void>
  // Admin-only test routes (the server runs with --test-clock).
  setClock(now: string): Promise<void>
  sweep(): Promise<void>
  // Logs in over the API and calls it as that user (setting up state a test is
  // not about, or reading what the page should show).
  apiAs(username: string, password?: string): Promise<ApiClient>
}

export interface ApiClient {
  token: string
  call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>
}

function env(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LIANTIAO_MASTER_KEY_FILE: join(dir, 'master.key'),
    LIANTIAO_FILES_DIR: join(dir, 'files'),
    LIANTIAO_STATIC_DIR: WEB_DIST,
    LIANTIAO_PASSWORD_COST: 'min',
  }
}

export interface StartOptions {
  demo?: boolean // fill the database with `liantiao demo` first (21 cities, every role)
  now?: string // the test clock's start
}

// An instant as the API writes times: Shanghai time with its offset.
export function shanghai(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00')
}

export async function startServer(options: StartOptions = {}): Promise<Server> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run make build first`)
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST} has no index.html: build the app first`)
  const dir = mkdtempSync(join(tmpdir(), 'liantiao-e2e-'))
  const dbUrl = `sqlite:${join(dir, 'liantiao.db')}`
  if (options.demo) {
    const r = spawnSync(BINARY, ['demo', '--db', dbUrl], { cwd: dir, env: env(dir), encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`liantiao demo failed: ${r.stderr}`)
  }
  const child: ChildProcess = spawn(BINARY, ['serve', '--db', dbUrl, '--listen', '127.0.0.1:0', '--test-clock'], {
    cwd: dir,
    env: env(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = ''
    child.stdout!.on('data', (d) => {
      out += d
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)
      if (m) resolveUrl(m[1])
    })
    child.on('exit', (code) => reject(new Error(`liantiao serve exited with ${code}: ${stderr}`)))
  })

  const apiAs = async (username: string, password = DEMO_PASSWORD): Promise<ApiClient> => {
    const login = await fetch(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
    if (login.status !== 200) throw new Error(`login of ${username} failed: ${await login.text()}`)
    const { token } = (await login.json()) as { token: string }
    return {
      token,
      async call(method, path, body) {
        const r = await fetch(`${url}/api/v1${path}`, {
          method,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        const text = await r.text()
        let parsed: any = text
        try {
          parsed = text ? JSON.parse(text) : undefined
        } catch {
          // not JSON (a PDF, CSV): keep the text
        }
        return { status: r.status, body: parsed }
      },
    }
  }

  let admin: ApiClient | null = null
  const asAdmin = async () => (admin ??= await apiAs('admin'))
  const server: Server = {
    url,
    dir,
    dbUrl,
    apiAs,
    async setClock(now) {
      const r = await (await asAdmin()).call('PUT', '/test/clock', { now })
      if (r.status !== 200) throw new Error(`set clock: ${JSON.stringify(r.body)}`)
    },
    async sweep() {
      const r = await (await asAdmin()).call('POST', '/test/sweep')
      if (r.status !== 200) throw new Error(`sweep: ${JSON.stringify(r.body)}`)
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
  if (options.now) await server.setClock(options.now)
  return server
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

// A fresh browser context (own cookies) per person, Chinese locale, Beijing time.
export async function newPage(
  browser: Browser,
  server: Server,
  viewport: { width: number; height: number } = { width: 1440, height: 900 },
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: server.url,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport,
    acceptDownloads: true,
  })
  return context.newPage()
}

export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login')
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

// The demo server and one browser for the enclosing describe block: started before
// its tests, closed after them; `use` receives both once they are up.
export function withDemoServerAndBrowser(use: (server: Server, browser: Browser) => void): void {
  let server: Server | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    server = await startServer({ demo: true })
    browser = await launchBrowser()
    use(server, browser)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })
}
