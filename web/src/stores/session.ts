import { defineStore } from 'pinia'
import { api, ApiError, setCsrfToken, setMaxFileBytes, type Schemas } from '@/api/client'

export type Role = Schemas['User']['role']
type Me = Schemas['Me']

// Where each role starts: the page that lists what waits for them.
export const HOME_OF_ROLE: Record<Role, string> = {
  vendor: '/vendor/applications',
  city_reviewer: '/review/inbox',
  tech_support: '/support/rectifications',
  province: '/province/dashboard',
  admin: '/admin/users',
}

let restoring: Promise<void> | null = null

// Set and cleared by the server with the HttpOnly session cookie (http/routes.h): without
// it there is no session to restore, and asking /me would only be answered 401.
const SIGNED_IN_COOKIE = 'lt_signed_in'

export function hasSessionCookie(): boolean {
  return document.cookie.split(';').some((c) => c.trim().startsWith(`${SIGNED_IN_COOKIE}=1`))
}

// A session the server no longer knows (expired, ended by a password change): the
// companion cookie goes too, so the next page does not ask again.
function forgetSessionCookie(): void {
  document.cookie = `${SIGNED_IN_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict`
}

export const useSessionStore = defineStore('session', {
  state: () => ({ me: null as Me | null, checked: false }),
  getters: {
    role: (s): Role | null => (s.me ? s.me.role : null),
    home(): string {
      return this.role ? HOME_OF_ROLE[this.role] : '/login'
    },
  },
  actions: {
    // Asks the server who we are (the cookie may still hold a session after a reload).
    // Called at start-up and by the router's guard: both share the one request.
    restore(): Promise<void> {
      if (this.checked) return Promise.resolve()
      if (!hasSessionCookie()) {
        this.me = null
        this.checked = true
        return Promise.resolve()
      }
      restoring ??= this.refresh()
        .catch((e) => {
          if (!(e instanceof ApiError) || e.status !== 401) throw e
          this.clear()
        })
        .finally(() => {
          this.checked = true
          restoring = null
        })
      return restoring
    },
    async refresh(): Promise<void> {
      const me = await api.get<Me>('/me')
      setCsrfToken(me.csrf_token)
      setMaxFileBytes(me.max_file_bytes)
      this.me = me
    },
    async login(username: string, password: string): Promise<void> {
      const r = await api.post<Schemas['LoginResult']>('/session', { username, password })
      setCsrfToken(r.csrf_token)
      await this.refresh()
    },
    async logout(): Promise<void> {
      try {
        await api.del('/session')
      } finally {
        this.clear()
      }
    },
    clear(): void {
      this.me = null
      setCsrfToken('')
      forgetSessionCookie()
    },
  },
})
