// Dates and deadlines the way Chinese government systems write them:
// 2026年10月10日 23:59, always in Beijing time whatever the browser's zone.
import type { Schemas } from '@/api/client'

const SHANGHAI_OFFSET_MINUTES = 8 * 60
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

interface Parts {
  y: number
  m: number
  d: number
  hh: number
  mm: number
  ss: number
  wd: number
}

// Shanghai has had no daylight saving since 1991: a fixed +08:00 is exact.
function shanghaiParts(iso: string): Parts | null {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return null
  const d = new Date(t + SHANGHAI_OFFSET_MINUTES * 60_000)
  return {
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    hh: d.getUTCHours(),
    mm: d.getUTCMinutes(),
    ss: d.getUTCSeconds(),
    wd: d.getUTCDay(),
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    const [y, m, d] = iso.split('-').map(Number)
    return `${y}年${m}月${d}日`
  }
  const p = shanghaiParts(iso)
  return p ? `${p.y}年${p.m}月${p.d}日` : '—'
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const p = shanghaiParts(iso)
  return p ? `${p.y}年${p.m}月${p.d}日 ${pad(p.hh)}:${pad(p.mm)}` : '—'
}

// The time of day alone (23:59, or 23:59:59), for tables that put it under the date.
export function formatTime(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '—'
  const p = shanghaiParts(iso)
  if (!p) return '—'
  return seconds ? `${pad(p.hh)}:${pad(p.mm)}:${pad(p.ss)}` : `${pad(p.hh)}:${pad(p.mm)}`
}

export function formatDateWithWeekday(iso: string | null | undefined): string {
  if (!iso) return '—'
  const p = shanghaiParts(iso)
  return p ? `${p.y}年${p.m}月${p.d}日（星期${WEEKDAYS[p.wd]}）` : '—'
}

export type Deadline = Schemas['Deadline']

export type DeadlineTone = 'done' | 'done_late' | 'ended' | 'overdue' | 'due_soon' | 'open'

export interface DeadlineView {
  tone: DeadlineTone
  text: string // e.g. 剩余 2 个工作日 / 已超期 1 个工作日 / 已按期完成
  due: string // 2026年10月10日 24:00 前
  provisional: boolean
}

// Deadlines that an action other than their step's ended (closed_by). A delay
// decision ends the joint test without it being passed: it is not "completed late".
const ENDED_BY: Record<string, string> = {
  withdraw: '申请撤回，期限终止',
  reissue_key: '重新发放密钥，期限重新起算',
  close: '申请办结，期限终止',
  delay: '已记录联调延期',
}

// The due instant is 23:59:59 of the last working day; people read that as "24:00
// of that day" (the procedure's own words), so it is shown that way.
export function describeDeadline(d: Deadline): DeadlineView {
  const due = `${formatDate(d.due_at)} 24:00 前`
  const provisional = !!d.provisional
  // Ended without its step being done: neither on time nor late.
  const ended = d.closed_by ? ENDED_BY[d.closed_by] : undefined
  if (d.done_at && ended) return { tone: 'ended', text: ended, due, provisional }
  if (d.done_at) {
    return d.overdue
      ? { tone: 'done_late', text: `逾期 ${d.overdue_working_days} 个工作日后完成`, due, provisional }
      : { tone: 'done', text: '已按期完成', due, provisional }
  }
  if (d.overdue) {
    const days = d.overdue_working_days
    return { tone: 'overdue', text: days > 0 ? `已超期 ${days} 个工作日` : '已超期', due, provisional }
  }
  const left = d.working_days_left ?? 0
  if (left <= 0) return { tone: 'due_soon', text: '今日到期', due, provisional }
  return { tone: left <= 1 ? 'due_soon' : 'open', text: `剩余 ${left} 个工作日`, due, provisional }
}

// The word before a closed deadline's done_at: when its step was done, when it was
// ended, or when the delay was recorded.
export function deadlineClosedWord(d: Deadline): string {
  if (d.closed_by === 'delay') return '记录于'
  return d.closed_by && ENDED_BY[d.closed_by] ? '终止于' : '完成于'
}

// Sorts open deadlines soonest first; overdue ones come first, the most overdue on top.
export function compareDeadlines(a: Deadline | null | undefined, b: Deadline | null | undefined): number {
  if (!a && !b) return 0
  if (!a) return 1
  if (!b) return -1
  return Date.parse(a.due_at) - Date.parse(b.due_at)
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}
