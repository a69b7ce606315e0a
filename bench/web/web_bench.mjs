// The web app's two measured figures, in headless chromium against the real server:
//
// 1. First load of the login page: every JavaScript response the browser loads for
//    /login until the network is idle (fresh context, empty cache), summed raw and
//    gzipped (each file on its own, zlib level 9, as a server or proxy would send it).
//    Target: <= 300 KB gzipped.
// 2. The reviewer's inbox becoming interactive on the demo data: logged in as
//    reviewer_440100, a fresh navigation to /review/inbox, timed in the page from
//    navigation start (performance.timeOrigin) to the first moment at which an inbox
//    row is visible AND no /api/ request is in flight (the demo data plus SEED_APPS
//    applications submitted to Guangzhou, so the inbox has rows). Median of RUNS runs, each in a
//    new browser context carrying only the session cookie (cold HTTP cache), and the
//    same again with a warm cache. Target: median <= 1 s.
//
// Builds nothing: it serves WEB_DIST (default web/dist) with build/liantiao.
// Prints a report (and a JSON line for tooling); exits non-zero only on errors,
// never because a target is missed.
//
// Run from anywhere: node bench/web/web_bench.mjs [runs]
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync, constants as zlibConstants } from 'node:zlib'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const WEB = join(REPO, 'web')
const BINARY = process.env.LIANTIAO_BINARY ?? join(REPO, 'build', 'liantiao')
const WEB_DIST = process.env.WEB_DIST ?? join(WEB, 'dist')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const RUNS = Number(process.argv[2] ?? process.env.RUNS ?? 7)
const PASSWORD = 'Liantiao@2026'
const REVIEWER = 'reviewer_440100'
// An inbox row: the page's own test id if it has one, else any row of its table.
const ROW_SELECTOR =
  process.env.INBOX_ROW_SELECTOR ?? '[data-testid^="inbox-row"], .el-table__body tr.el-table__row'
// The demo data leaves Guangzhou's inbox empty (its two applications succeeded), so
// the vendors submit this many more to Guangzhou over the API before measuring.
const SEED_APPS = Number(process.env.SEED_APPS ?? 40)
const LOGIN_TARGET_KB = 300
const INBOX_TARGET_MS = 1000

// playwright-core lives in web/node_modules; ES module imports resolve from this
// file's folder, so load it (a CommonJS package) from web/ explicitly.
const { chromium } = createRequire(join(WEB, 'package.json'))('playwright-core')

function serverEnv(dir) {
  return {
    ...process.env,
    LIANTIAO_MASTER_KEY_FILE: join(dir, 'master.key'),
    LIANTIAO_FILES_DIR: join(dir, 'files'),
    LIANTIAO_STATIC_DIR: WEB_DIST,
    // Logging in is not what is measured; the cheap hash keeps set-up short.
    LIANTIAO_PASSWORD_COST: 'min',
  }
}

async function startServer() {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run make build first`)
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST} has no index.html: build the web app first`)
  const dir = mkdtempSync(join(tmpdir(), 'liantiao-webbench-'))
  const db = `sqlite:${join(dir, 'liantiao.db')}`
  const demo = spawnSync(BINARY, ['demo', '--db', db], { cwd: dir, env: serverEnv(dir), encoding: 'utf8' })
  if (demo.status !== 0) throw new Error(`liantiao demo failed: ${demo.stderr}`)
  const child = spawn(BINARY, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env: serverEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const url = await new Promise((ok, fail) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)
      if (m) ok(m[1])
    })
    child.on('exit', (code) => fail(new Error(`liantiao serve exited with ${code}: ${stderr}`)))
  })
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function apiAs(url, username) {
  const r = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  if (r.status !== 200) throw new Error(`login of ${username}: ${r.status} ${await r.text()}`)
  const { token } = await r.json()
  return async (method, path, body) => {
    const form = body instanceof FormData
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(form || body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: form ? body : body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path} as ${username}: ${res.status} ${text}`)
    return text ? JSON.parse(text) : undefined
  }
}

// SEED_APPS applications submitted to Guangzhou (440100), alternating the two demo
// vendors, each with one small PDF, so the inbox has that many rows waiting for review.
async function seedInbox(url) {
  const pdf = new Blob(['%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'], { type: 'application/pdf' })
  const vendors = []
  for (const name of ['huaan', 'jietong']) {
    const call = await apiAs(url, name)
    const products = await call('GET', '/products')
    if (!products.length) throw new Error(`${name} has no product in the demo data`)
    vendors.push({ call, product: products[0].id })
  }
  for (let i = 0; i < SEED_APPS; i++) {
    const { call, product } = vendors[i % vendors.length]
    const app = await call('POST', '/applications', {
      city_code: '440100',
      product_ids: [product],
      path: 'first',
      description: `性能测试申请 ${i + 1}`,
    })
    const form = new FormData()
    form.set('kind', 'product_description')
    form.set('file', pdf, `产品说明${i + 1}.pdf`)
    await call('POST', `/applications/${app.id}/materials`, form)
    await call('POST', `/applications/${app.id}/actions/submit`, {})
  }
}

const gz = (buf) => gzipSync(buf, { level: zlibConstants.Z_BEST_COMPRESSION }).length
const kb = (n) => (n / 1024).toFixed(1)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function newContext(browser, url, storageState) {
  return browser.newContext({
    baseURL: url,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    storageState,
  })
}

async function measureLogin(browser, url) {
  const context = await newContext(browser, url)
  const page = await context.newPage()
  const pending = []
  const files = []
  page.on('response', (res) => {
    const type = res.headers()['content-type'] ?? ''
    const isJs = res.request().resourceType() === 'script' || /javascript/.test(type) || /\.m?js(\?|$)/.test(res.url())
    const isCss = /text\/css/.test(type) || /\.css(\?|$)/.test(res.url())
    if (!isJs && !isCss) return
    pending.push(
      res.body().then((body) => {
        files.push({
          kind: isJs ? 'js' : 'css',
          path: new URL(res.url()).pathname,
          raw: body.length,
          gzip: gz(body),
          served: res.headers()['content-encoding'] ?? 'identity',
        })
      }),
    )
  })
  await page.goto('/login', { waitUntil: 'networkidle' })
  await page.getByTestId('login-submit').waitFor({ state: 'visible' })
  await Promise.all(pending)
  await context.close()
  const js = files.filter((f) => f.kind === 'js').sort((a, b) => b.gzip - a.gzip)
  const css = files.filter((f) => f.kind === 'css')
  const sum = (fs, k) => fs.reduce((n, f) => n + f[k], 0)
  return {
    jsFiles: js,
    jsRaw: sum(js, 'raw'),
    jsGzip: sum(js, 'gzip'),
    cssRaw: sum(css, 'raw'),
    cssGzip: sum(css, 'gzip'),
    servedEncoding: [...new Set(js.map((f) => f.served))].join(','),
  }
}

// Installed before any page script: counts /api/ requests in flight (fetch and XHR)
// and records performance.now() the first time a row is visible with none pending.
const PROBE = (rowSelector) => {
  const state = { pending: 0, readyAt: null, rows: 0, firstApiAt: null, lastApiEnd: null, rowVisibleAt: null }
  window.__inboxBench = state
  const check = () => {
    if (state.readyAt !== null) return
    const rows = document.querySelectorAll(rowSelector)
    for (const row of rows) {
      const r = row.getBoundingClientRect()
      if (r.width > 0 && r.height > 0) {
        state.rowVisibleAt ??= performance.now()
        if (state.pending > 0) return
        state.readyAt = performance.now()
        // Rows, not matches: the first alternative of the selector list that matches.
        for (const one of rowSelector.split(',')) {
          state.rows = document.querySelectorAll(one).length
          if (state.rows) break
        }
        return
      }
    }
  }
  const isApi = (u) => {
    try {
      return new URL(String(u), location.href).pathname.startsWith('/api/')
    } catch {
      return false
    }
  }
  const origFetch = window.fetch
  window.fetch = function (input, init) {
    const url = typeof input === 'string' || input instanceof URL ? input : input.url
    if (!isApi(url)) return origFetch.call(this, input, init)
    state.pending++
    state.firstApiAt ??= performance.now()
    // Counted until the response arrives; the body read and the rendering that
    // follow show up as DOM changes, which the MutationObserver checks.
    return origFetch.call(this, input, init).finally(() => {
      state.pending--
      if (state.readyAt === null) state.lastApiEnd = performance.now()
      queueMicrotask(check)
      setTimeout(check, 0)
    })
  }
  const origOpen = XMLHttpRequest.prototype.open
  const origSend = XMLHttpRequest.prototype.send
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.__benchApi = isApi(url)
    return origOpen.call(this, method, url, ...rest)
  }
  XMLHttpRequest.prototype.send = function (...args) {
    if (this.__benchApi) {
      state.pending++
      state.firstApiAt ??= performance.now()
      this.addEventListener('loadend', () => {
        state.pending--
        if (state.readyAt === null) state.lastApiEnd = performance.now()
        setTimeout(check, 0)
      })
    }
    return origSend.apply(this, args)
  }
  const observe = () => {
    new MutationObserver(check).observe(document.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
    })
  }
  if (document.documentElement) observe()
  else document.addEventListener('DOMContentLoaded', observe)
}

async function inboxRun(browser, url, storageState, context) {
  const own = !context
  context ??= await newContext(browser, url, storageState)
  const page = await context.newPage()
  await page.addInitScript(PROBE, ROW_SELECTOR)
  await page.goto('/review/inbox', { waitUntil: 'commit' })
  const handle = await page
    .waitForFunction(() => window.__inboxBench?.readyAt ?? null, null, { timeout: 30_000, polling: 'raf' })
    .catch((e) => {
      throw new Error(`no inbox row (${ROW_SELECTOR}) at ${page.url()} within 30 s: ${e.message}`)
    })
  const readyAt = await handle.jsonValue()
  const { rows, firstApiAt, lastApiEnd, rowVisibleAt, dcl, api } = await page.evaluate((readyAt) => ({
    ...window.__inboxBench,
    dcl: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null,
    // Each API call made before the page was ready: when it started and how long it took.
    api: performance
      .getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.startsWith('/api/') && e.startTime < readyAt)
      .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, ms: e.responseEnd - e.startTime })),
  }), readyAt)
  // Clickable: the row is the top element at its own centre (no loading mask over it).
  const row = page.locator(ROW_SELECTOR).first()
  await row.click({ trial: true, timeout: 5_000 })
  if (!page.url().endsWith('/review/inbox')) throw new Error(`inbox navigation ended on ${page.url()}`)
  await page.close()
  if (own) await context.close()
  return { ms: readyAt, rows, firstApiAt, lastApiEnd, rowVisibleAt, dcl, api }
}

async function measureInbox(browser, url) {
  // Log in through the page once, keep the session cookie for every run.
  const context = await newContext(browser, url)
  const page = await context.newPage()
  await page.goto('/login')
  await page.getByTestId('login-username').fill(REVIEWER)
  await page.getByTestId('login-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  const storageState = await context.storageState()
  await page.close()

  // One unmeasured run so the server's own caches (profiles, SQLite pages) are warm.
  await inboxRun(browser, url, storageState)
  const cold = []
  for (let i = 0; i < RUNS; i++) cold.push(await inboxRun(browser, url, storageState))
  // Warm: the same context each time, so chunks come from the browser's cache.
  const warm = []
  for (let i = 0; i < RUNS; i++) warm.push(await inboxRun(browser, url, storageState, context))
  await context.close()
  return { cold, warm, rows: cold[0].rows }
}

function report(login, inbox, loadBefore) {
  const lines = []
  const load = (l) => l.map((x) => x.toFixed(1)).join(' ')
  lines.push(`web app benchmark (${new Date().toISOString()}, dist ${WEB_DIST}, ${RUNS} runs)`)
  lines.push(`load average before: ${load(loadBefore)}, after: ${load(loadavg())} (other work on the machine skews the times)`)
  lines.push('')
  lines.push(`login page first load: ${login.jsFiles.length} JavaScript files, ${kb(login.jsRaw)} KB raw, ` +
    `${kb(login.jsGzip)} KB gzipped (level 9, per file); target <= ${LOGIN_TARGET_KB} KB gzipped: ` +
    (login.jsGzip <= LOGIN_TARGET_KB * 1024 ? 'met' : 'NOT MET'))
  lines.push(`  CSS alongside: ${kb(login.cssRaw)} KB raw, ${kb(login.cssGzip)} KB gzipped; served with content-encoding: ${login.servedEncoding}`)
  for (const f of login.jsFiles) lines.push(`  ${f.path.padEnd(48)} ${kb(f.raw).padStart(8)} KB raw ${kb(f.gzip).padStart(7)} KB gz`)
  lines.push('')
  const c = inbox.cold.map((r) => r.ms)
  const w = inbox.warm.map((r) => r.ms)
  const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`
  lines.push(`reviewer inbox interactive (${REVIEWER}, demo data + ${SEED_APPS} applications submitted to 广州, ${inbox.rows} rows shown): navigation start -> first row visible with no /api/ request pending`)
  lines.push(`  cold cache (new context per run): ${fmt(c)}; target <= ${INBOX_TARGET_MS} ms: ` +
    (median(c) <= INBOX_TARGET_MS ? 'met' : 'NOT MET'))
  lines.push(`  warm cache (same context):        ${fmt(w)}`)
  const phase = (runs, k) => median(runs.map((r) => r[k] ?? NaN)).toFixed(0)
  for (const [name, runs] of [['cold', inbox.cold], ['warm', inbox.warm]]) {
    lines.push(`  ${name} medians: DOMContentLoaded ${phase(runs, 'dcl')} ms, first API request ${phase(runs, 'firstApiAt')} ms, ` +
      `last API answer before ready ${phase(runs, 'lastApiEnd')} ms, first row visible ${phase(runs, 'rowVisibleAt')} ms, ready ${phase(runs, 'ms')} ms`)
  }
  const calls = new Map()
  for (const r of inbox.cold) for (const c of r.api) {
    const k = c.path.replace(/\/\d+/g, '/{id}')
    if (!calls.has(k)) calls.set(k, { start: [], ms: [] })
    calls.get(k).start.push(c.start)
    calls.get(k).ms.push(c.ms)
  }
  lines.push('  API calls before ready (cold, medians): ' +
    [...calls].map(([k, v]) => `${k} at ${median(v.start).toFixed(0)} ms for ${median(v.ms).toFixed(0)} ms`).join('; '))
  lines.push(`  runs cold: ${c.map((x) => x.toFixed(0)).join(' ')} ms; warm: ${w.map((x) => x.toFixed(0)).join(' ')} ms`)
  console.log(lines.join('\n'))
  console.log(
    JSON.stringify({
      login_js_files: login.jsFiles.length,
      login_js_raw_bytes: login.jsRaw,
      login_js_gzip_bytes: login.jsGzip,
      inbox_seeded_apps: SEED_APPS,
      inbox_rows: inbox.rows,
      inbox_cold_median_ms: Math.round(median(c)),
      inbox_warm_median_ms: Math.round(median(w)),
      runs: RUNS,
    }),
  )
}

const loadBefore = loadavg()
const server = await startServer()
let browser
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  await seedInbox(server.url)
  const login = await measureLogin(browser, server.url)
  const inbox = await measureInbox(browser, server.url)
  report(login, inbox, loadBefore)
} finally {
  await browser?.close()
  await server.stop()
}
