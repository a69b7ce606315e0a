import { defineStore } from 'pinia'
import { api, type Schemas } from '@/api/client'
import type { Role } from '@/stores/session'

export type Notification = Schemas['Notification']

// Where a notification leads: a complaint's news (filed, verified, rectification
// ordered or done) to the complaint; else its application, else its complaint, else
// the alert list (alerts have no page of their own; vendors cannot see alerts).
// Technical support units never open application pages.
export function notificationLink(n: Notification, role: Role | null): string | null {
  const alert = n.kind.startsWith('alert')
  if (n.complaint_id && !alert) return `/complaints/${n.complaint_id}`
  if (n.application_id && role !== 'tech_support') return `/applications/${n.application_id}`
  if (n.complaint_id) return `/complaints/${n.complaint_id}`
  if ((n.alert_id || n.kind.startsWith('alert')) && role && role !== 'vendor') return '/alerts'
  return null
}

// The unread count in the header and the notification list share this store.
export const useNotificationStore = defineStore('notifications', {
  state: () => ({ unread: 0, items: [] as Notification[], loaded: false }),
  actions: {
    async refreshUnread(): Promise<void> {
      const list = await api.get<Notification[]>('/notifications', { unread: 'true' })
      this.unread = list.length
    },
    async load(): Promise<void> {
      this.items = await api.get<Notification[]>('/notifications')
      this.unread = this.items.filter((n) => !n.read).length
      this.loaded = true
    },
    async markRead(id: number): Promise<void> {
      await api.post(`/notifications/${id}/read`)
      const n = this.items.find((x) => x.id === id)
      if (n && !n.read) {
        n.read = true
        this.unread = Math.max(0, this.unread - 1)
      }
    },
    async markAllRead(): Promise<void> {
      await api.post('/notifications/read-all')
      for (const n of this.items) n.read = true
      this.unread = 0
    },
  },
})
