// The one way the app talks to the server: JSON over /api/v1 with the session
// cookie, the CSRF token on unsafe methods, and every failure turned into an
// ApiError that carries the server's stable code and its Chinese message.
import type { components, operations } from './schema'
import { formatBytes } from '@/utils/format'

export type Schemas = components['schemas']

// The JSON body an operation takes and its 200 answer, by operationId
// (RequestBody<'changeMyPassword'>), for the calls whose shapes are not named schemas.
export type RequestBody<K extends keyof operations> = operations[K] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never
export type OkAnswer<K extends keyof operations> = operations[K] extends {
  responses: { 200: { content: { 'application/json': infer A } } }
}
  ? A
  : never

export const API_BASE = '/api/v1'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

let csrfToken = ''
let onUnauthorized: (() => void) | null = null
let maxFileBytes = 0 // 0: not known yet (before /me), nothing checked here

export function setCsrfToken(token: string): void {
  csrfToken = token
}

// The server's upload limit (GET /me). A file over it is refused here, before any byte
// is sent: a body past the server's hard cap is cut off with the connection, which
// would reach the person as a network failure.
export function setMaxFileBytes(bytes: number): void {
  maxFileBytes = bytes
}

// The refusal of a file over that limit; null for one within it (or before /me).
export function oversizeFileError(file: Blob): ApiError | null {
  if (!maxFileBytes || file.size <= maxFileBytes) return null
  const name = file instanceof File ? `「${file.name}」` : ''
  const message = `文件${name}大小 ${formatBytes(file.size)}，超过上传上限 ${formatBytes(maxFileBytes)}`
  return new ApiError(413, 'payload_too_large', message, { max_bytes: maxFileBytes })
}

// Called when a logged-in call answers 401 (the session ended or expired).
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler
}

// The server's error body is {"error": {code, message, details}}; anything else
// (a proxy's HTML page, an empty body) still gets a Chinese message.
export function errorFromResponse(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text)
    if (body && typeof body === 'object' && body.error && typeof body.error.code === 'string') {
      return new ApiError(status, body.error.code, body.error.message || '请求失败', body.error.details || {})
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, 'http_' + status, `服务器返回错误（HTTP ${status}），请稍后重试`)
}

export const networkError = () => new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')

function headers(method: string, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', ...extra }
  if (method !== 'GET' && csrfToken) h['X-CSRF-Token'] = csrfToken
  return h
}

export function buildQuery(params?: Record<string, string | number | boolean | undefined | null>): string {
  if (!params) return ''
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await exchange<T>(method, path, body)).body
}

// The answer's body and headers; every failure as an ApiError.
async function exchange<T>(method: string, path: string, body?: unknown): Promise<{ body: T; headers: Headers }> {
  const res = await send(path, {
    method,
    headers: headers(method, body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers }
}

// One call to the server with the session cookie: the answer when it is a success, every
// failure (no connection, a refusal) as an ApiError. A 401 outside logging in tells the
// app that the session ended.
async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response
  try {
    res = await fetch(API_BASE + path, { ...init, credentials: 'same-origin' })
  } catch {
    throw networkError()
  }
  if (!res.ok) {
    const err = errorFromResponse(res.status, await res.text())
    if (res.status === 401 && path !== '/session' && onUnauthorized) onUnauthorized()
    throw err
  }
  return res
}

// A list the API answers as an array a page at a time (GET /applications, /alerts, /complaints):
// its rows and how many the whole list has (X-Total-Count), so that a page can say
// when it shows only part of the list.
export interface Page<T> {
  items: T[]
  total: number
}
async function getPage<T>(
  path: string,
  params?: Record<string, string | number | boolean | undefined | null>,
): Promise<Page<T>> {
  const { body, headers } = await exchange<T[]>('GET', path + buildQuery(params))
  const total = Number(headers.get('X-Total-Count'))
  return { items: body, total: Number.isFinite(total) && headers.has('X-Total-Count') ? total : body.length }
}

// Multipart upload with progress (fetch cannot report upload progress).
function upload<T>(path: string, form: FormData, onProgress?: (percent: number) => void): Promise<T> {
  for (const value of form.values()) {
    const oversize = value instanceof Blob ? oversizeFileError(value) : null
    if (oversize) return Promise.reject(oversize)
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', API_BASE + path)
    xhr.withCredentials = true
    for (const [k, v] of Object.entries(headers('POST'))) xhr.setRequestHeader(k, v)
    xhr.upload.onprogress = (e) => {
      if (onProgress && e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100))
    }
    xhr.onerror = () => reject(networkError())
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T)
      } else {
        if (xhr.status === 401 && onUnauthorized) onUnauthorized()
        reject(errorFromResponse(xhr.status, xhr.responseText))
      }
    }
    xhr.send(form)
  })
}

// Downloads a file the session may read (report PDF, material, export) by
// following a link: the cookie goes with it and the browser saves the file.
export function downloadUrl(path: string): string {
  return API_BASE + path
}

// A file the API answers (a report PDF), fetched rather than opened as a link: a refusal
// (503 server_busy while the PDF renders are all taken, 404, an ended session) then reaches
// the person as an ApiError with the server's Chinese message (for server_busy, one saying
// when to try again, from details.retry_after_seconds), instead of the error's JSON shown
// in a tab of its own. The name is the server's (Content-Disposition, RFC 5987's
// filename*), or `fallbackName` when it gives none.
export async function fetchFile(path: string, fallbackName: string): Promise<{ blob: Blob; filename: string }> {
  let res: Response
  try {
    res = await send(path, { method: 'GET' })
  } catch (e) {
    const seconds = e instanceof ApiError && e.code === 'server_busy' ? Number(e.details.retry_after_seconds) : NaN
    if (e instanceof ApiError && seconds > 0) {
      throw new ApiError(e.status, e.code, `报告正在排队生成，请 ${seconds} 秒后再下载`, e.details)
    }
    throw e
  }
  return { blob: await res.blob(), filename: filenameOf(res.headers.get('Content-Disposition')) ?? fallbackName }
}

// The file name of a Content-Disposition header: filename* (UTF-8, percent-encoded) first,
// then a plain filename; null when it names none.
export function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim())
    } catch {
      // a malformed escape: try the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)
  return plain ? plain[1].trim() : null
}

export const api = {
  get: <T>(path: string, params?: Record<string, string | number | boolean | undefined | null>) =>
    request<T>('GET', path + buildQuery(params)),
  getPage,
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
  upload,
}
