import { defineStore } from 'pinia'
import { api, type Schemas } from '@/api/client'

type Notification = Schemas['Notification']

// The unread count in the header and the notification list share this store.
export const useNotificationStore = defineStore('notifications', {
  state: () => ({ unread: 0, items: [] as Notification[] }),
  actions: {
    async refreshUnread(): Promise<void> {
      const list = await api.get<Notification[]>('/notifications', { unread: 'true' })
      this.unread = list.length
    },
    async load(): Promise<void> {
      this.items = await api.get<Notification[]>('/notifications')
      this.unread = this.items.filter((n) => !n.read).length
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
