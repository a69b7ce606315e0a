import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, fetchFile, filenameOf, setMaxFileBytes } from '@/api/client'
import { answerEveryFetch, answerEveryFetchWith } from './fetchStub'

function respond(body: unknown, headers: Record<string, string> = {}) {
  return Promise.resolve(
    new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json', ...headers } }),
  )
}

describe('api.getPage', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('reads the rows and the size of the whole list from X-Total-Count', async () => {
    const fetch = vi.fn((_url: string) => respond([{ id: 1 }, { id: 2 }], { 'X-Total-Count': '1050' }))
    vi.stubGlobal('fetch', fetch)
    const page = await api.getPage<{ id: number }>('/alerts', { status: 'open', city: undefined })
    expect(page.items.map((a) => a.id)).toEqual([1, 2])
    expect(page.total).toBe(1050)
    expect(fetch.mock.calls[0][0]).toBe('/api/v1/alerts?status=open')
  })

  it('counts the rows it got when the server does not say', async () => {
    vi.stubGlobal('fetch', vi.fn(() => respond([{ id: 1 }])))
    expect((await api.getPage<{ id: number }>('/complaints')).total).toBe(1)
  })
})

describe('api.upload', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    setMaxFileBytes(0)
  })

  it('refuses a file over the server\'s limit before sending anything', async () => {
    const open = vi.fn()
    vi.stubGlobal('XMLHttpRequest', vi.fn(() => ({ open, send: vi.fn(), setRequestHeader: vi.fn(), upload: {} })))
    setMaxFileBytes(1024)
    const form = new FormData()
    form.append('kind', 'other')
    form.append('file', new File([new Uint8Array(2048)], '营业执照.pdf'))
    const refused = (await api.upload('/applications/1/materials', form).catch((e: unknown) => e)) as ApiError
    expect(refused).toBeInstanceOf(ApiError)
    expect(refused.code).toBe('payload_too_large')
    expect(refused.message).toBe('文件「营业执照.pdf」大小 2.0 KB，超过上传上限 1.0 KB')
    expect(open).not.toHaveBeenCalled()
  })

  it('sends a file within the limit', async () => {
    const send = vi.fn()
    vi.stubGlobal('XMLHttpRequest', vi.fn(() => ({ open: vi.fn(), send, setRequestHeader: vi.fn(), upload: {} })))
    setMaxFileBytes(4096)
    const form = new FormData()
    form.append('file', new File([new Uint8Array(2048)], 'a.pdf'))
    void api.upload('/applications/1/materials', form)
    expect(send).toHaveBeenCalledWith(form)
  })
})

describe('fetchFile', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('answers the file and the name the server gives it', async () => {
    const fetch = answerEveryFetchWith(() =>
      Promise.resolve(
        new Response(new Uint8Array([0x25, 0x50, 0x44, 0x46]), {
          status: 200,
          headers: {
            'Content-Type': 'application/pdf',
            'Content-Disposition': "attachment; filename*=UTF-8''%E8%81%94%E8%B0%83%E6%B5%8B%E8%AF%95%E6%8A%A5%E5%91%8A-7.pdf",
          },
        }),
      ),
    )
    const file = await fetchFile('/applications/7/report.pdf', 'fallback.pdf')
    expect(fetch.mock.calls[0][0]).toBe('/api/v1/applications/7/report.pdf')
    expect(file.filename).toBe('联调测试报告-7.pdf')
    expect(new Uint8Array(await file.blob.arrayBuffer())).toEqual(new Uint8Array([0x25, 0x50, 0x44, 0x46]))
  })

  it('names the file itself when the server does not', async () => {
    answerEveryFetchWith(() => Promise.resolve(new Response('x', { status: 200 })))
    expect((await fetchFile('/applications/7/report.pdf', '联调测试报告-7.pdf')).filename).toBe('联调测试报告-7.pdf')
  })

  it('turns a full render queue into a message saying when to try again', async () => {
    answerEveryFetch(503, {
      error: { code: 'server_busy', message: '服务器繁忙，请稍后重试', details: { retry_after_seconds: 5 } },
    })
    const err = await fetchFile('/applications/7/report.pdf', 'x.pdf').catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(503)
    expect(err.code).toBe('server_busy')
    expect(err.message).toBe('报告正在排队生成，请 5 秒后再下载')
  })

  it('keeps the server\'s own refusal otherwise', async () => {
    answerEveryFetch(404, { error: { code: 'not_found', message: '申请不存在' } })
    const err = await fetchFile('/applications/9/report.pdf', 'x.pdf').catch((e) => e)
    expect(err.code).toBe('not_found')
    expect(err.message).toBe('申请不存在')
  })

  it('reports a failed connection as a network error', async () => {
    answerEveryFetchWith(() => Promise.reject(new TypeError('Failed to fetch')))
    expect((await fetchFile('/applications/7/report.pdf', 'x.pdf').catch((e) => e)).code).toBe('network')
  })
})

describe('filenameOf', () => {
  it('prefers the UTF-8 name and falls back to the plain one', () => {
    expect(filenameOf("attachment; filename=\"a.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf")).toBe('报告.pdf')
    expect(filenameOf('attachment; filename="a.pdf"')).toBe('a.pdf')
    expect(filenameOf("attachment; filename*=UTF-8''%E6%8A; filename=b.pdf")).toBe('b.pdf')
    expect(filenameOf('attachment')).toBeNull()
    expect(filenameOf(null)).toBeNull()
  })
})
