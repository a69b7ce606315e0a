import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

const calls: string[] = []
let list: Record<string, unknown>[] = []
vi.mock('@/api/client', () => ({
  api: {
    get: vi.fn(async (path: string, params?: Record<string, string>) => {
      calls.push(`GET ${path}${params?.unread ? '?unread' : ''}`)
      return params?.unread ? list.filter((n) => !n.read) : list
    }),
    post: vi.fn(async (path: string) => {
      calls.push(`POST ${path}`)
      return { ok: true }
    }),
  },
}))

import { notificationLink, useNotificationStore, type Notification } from '@/stores/notifications'

const n = (id: number, over: Partial<Notification> = {}): Notification => ({
  id,
  kind: 'review_due',
  title: 't',
  body: '',
  application_id: null,
  complaint_id: null,
  alert_id: null,
  created_at: '2026-11-30T07:30:00+08:00',
  read: false,
  ...over,
})

describe('notification links', () => {
  it('leads to the application, else the complaint, else the alerts for those who see them', () => {
    expect(notificationLink(n(1, { kind: 'review_due', application_id: 7 }), 'vendor')).toBe('/applications/7')
    expect(notificationLink(n(1, { kind: 'alert_raised', application_id: 7, complaint_id: 2, alert_id: 3 }), 'city_reviewer')).toBe(
      '/applications/7',
    )
    expect(notificationLink(n(1, { complaint_id: 2 }), 'tech_support')).toBe('/complaints/2')
    expect(notificationLink(n(1, { alert_id: 3 }), 'province')).toBe('/alerts')
    expect(notificationLink(n(1, { kind: 'alerts_raised' }), 'admin')).toBe('/alerts')
    expect(notificationLink(n(1, { alert_id: 3 }), 'vendor')).toBeNull()
    expect(notificationLink(n(1), 'province')).toBeNull()
  })

  it("leads a complaint's news to the complaint, not its application", () => {
    for (const kind of ['complaint_filed', 'complaint_founded', 'complaint_unfounded', 'rectification_ordered', 'rectified']) {
      expect(notificationLink(n(1, { kind, application_id: 7, complaint_id: 2 }), 'vendor')).toBe('/complaints/2')
    }
  })

  it('never leads technical support to an application page', () => {
    expect(notificationLink(n(1, { kind: 'alert_raised', application_id: 7, complaint_id: 2, alert_id: 3 }), 'tech_support')).toBe(
      '/complaints/2',
    )
    expect(notificationLink(n(1, { kind: 'review_due', application_id: 7 }), 'tech_support')).toBeNull()
  })
})

describe('notification store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    list = [n(1), n(2, { read: true }), n(3)]
  })

  it('counts the unread, marks one and then all read', async () => {
    const s = useNotificationStore()
    await s.refreshUnread()
    expect(s.unread).toBe(2)
    await s.load()
    expect(s.items).toHaveLength(3)
    expect(s.loaded).toBe(true)
    await s.markRead(1)
    expect(s.unread).toBe(1)
    await s.markRead(1) // already read: the count does not go below what is unread
    expect(s.unread).toBe(1)
    await s.markAllRead()
    expect(s.unread).toBe(0)
    expect(s.items.every((x) => x.read)).toBe(true)
    expect(calls).toEqual([
      'GET /notifications?unread',
      'GET /notifications',
      'POST /notifications/1/read',
      'POST /notifications/1/read',
      'POST /notifications/read-all',
    ])
  })
})
