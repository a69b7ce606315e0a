import { createRouter, createWebHistory, type Router } from 'vue-router'
import { routes } from './routes'
import { useSessionStore } from '@/stores/session'

export function createAppRouter(): Router {
  const router = createRouter({ history: createWebHistory(), routes })
  router.beforeEach(async (to) => {
    const session = useSessionStore()
    // The page's code starts loading while the session is checked, instead of after:
    // the router only fetches lazy components once every guard has passed. A second
    // import() of the same module is the same promise, so nothing loads twice.
    for (const record of to.matched) {
      const load = record.components?.default
      if (typeof load === 'function' && !('setup' in load) && !('render' in load)) {
        Promise.resolve((load as () => Promise<unknown>)()).catch(() => undefined)
      }
    }
    await session.restore().catch(() => undefined)
    if (to.meta.public) {
      return session.me && to.path === '/login' ? session.home : true
    }
    if (!session.me) return { path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    const roles = to.matched.flatMap((r) => r.meta.roles ?? [])
    // A page of another role is "not found", like the API's scoping (never a hint).
    if (roles.length && session.role && !roles.includes(session.role)) return { name: 'home' }
    return true
  })
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} - 实名制设备联调对接平台` : '实名制设备联调对接平台'
  })
  return router
}
