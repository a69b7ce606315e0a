import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, setMaxFileBytes } from '@/api/client'

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
