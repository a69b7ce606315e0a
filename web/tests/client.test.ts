import { afterEach, describe, expect, it, vi } from 'vitest'
import { api } from '@/api/client'

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
