import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useSessionStore } from '@/stores/session'
import { answerEveryFetch } from './fetchStub'

const ME = { id: 3, username: 'vendor_demo', role: 'vendor', csrf_token: 'c', max_file_bytes: 1024 }

function setCookie(value: string) {
  document.cookie = value
}

describe('session store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.unstubAllGlobals()
    setCookie('lt_signed_in=; Path=/; Max-Age=0')
  })

  it('does not ask the server who we are when no session was signalled', async () => {
    const fetch = answerEveryFetch(401, { error: { code: 'unauthorized', message: '请先登录', details: {} } })
    const session = useSessionStore()
    await session.restore()
    expect(fetch).not.toHaveBeenCalled()
    expect(session.checked).toBe(true)
    expect(session.me).toBeNull()
  })

  it('restores a signalled session from /me', async () => {
    setCookie('lt_signed_in=1; Path=/')
    const fetch = answerEveryFetch(200, ME)
    const session = useSessionStore()
    await session.restore()
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0][0]).toBe('/api/v1/me')
    expect(session.role).toBe('vendor')
    expect(document.cookie).toContain('lt_signed_in=1')
  })

  it('forgets the signal of a session the server no longer knows', async () => {
    setCookie('lt_signed_in=1; Path=/')
    const fetch = answerEveryFetch(401, { error: { code: 'unauthorized', message: '请先登录', details: {} } })
    const session = useSessionStore()
    await session.restore()
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(session.me).toBeNull()
    expect(document.cookie).not.toContain('lt_signed_in=1')
  })
})
