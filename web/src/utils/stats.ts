// The statistics page's arithmetic: month ranges in Beijing time, totals over
// cities, chart series and the rows of the Excel export.
import type { Schemas } from '@/api/client'

export type Stats = Schemas['Stats']
export type CityStats = Schemas['CityStats']

export interface MonthRange {
  label: string // 2026年6月
  short: string // 2026-06
  from: string // 2026-06-01T00:00:00+08:00
  to: string // 2026-07-01T00:00:00+08:00 (exclusive)
}

const pad = (n: number) => String(n).padStart(2, '0')

// The year and month in Beijing of an instant, whatever the browser's zone.
export function shanghaiYearMonth(iso: string): { y: number; m: number } {
  const d = new Date(Date.parse(iso) + 8 * 3600_000)
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1 }
}

export function monthStart(y: number, m: number): string {
  return `${y}-${pad(m)}-01T00:00:00+08:00`
}

// The `count` calendar months ending with the month of `anchor`, oldest first.
export function lastMonths(anchor: string, count: number): MonthRange[] {
  const { y, m } = shanghaiYearMonth(anchor)
  const out: MonthRange[] = []
  for (let i = count - 1; i >= 0; i--) {
    const idx = y * 12 + (m - 1) - i
    const yy = Math.floor(idx / 12)
    const mm = (idx % 12) + 1
    const next = idx + 1
    out.push({
      label: `${yy}年${mm}月`,
      short: `${yy}-${pad(mm)}`,
      from: monthStart(yy, mm),
      to: monthStart(Math.floor(next / 12), (next % 12) + 1),
    })
  }
  return out
}

// A [from, to) range from a picked pair of dates (to's whole day included).
export function rangeFromDates(fromDate: string, toDate: string): { from: string; to: string } {
  const [y, m, d] = toDate.split('-').map(Number)
  const next = new Date(Date.UTC(y, m - 1, d + 1))
  const nextDay = `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`
  return { from: `${fromDate}T00:00:00+08:00`, to: `${nextDay}T00:00:00+08:00` }
}

// All cities together, as the server figured them from their pooled records (a median
// of all cities is not a figure of their medians); zeros before the figures arrive.
export function totalOf(stats: Stats | null | undefined): CityStats {
  if (stats?.total) return stats.total
  return {
    city_code: '',
    city_name: '合计',
    applications_received: 0,
    reviews_done: 0,
    reviews_on_time: 0,
    reviews_on_time_pct: null,
    median_review_working_days: null,
    joint_tests_succeeded: 0,
    joint_tests_succeeded_on_time: 0,
    joint_tests_on_time_pct: null,
    joint_tests_delayed: 0,
    complaints_filed: 0,
    complaints_founded: 0,
    alerts_raised: 0,
    alerts_answered: 0,
    alerts_open: 0,
    mean_hours_to_answer: null,
  }
}

export function formatPct(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${Math.round(v * 10) / 10}%`
}

export function formatNumber(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '—' : String(Math.round(v * 10 ** digits) / 10 ** digits)
}

// The export's columns: Chinese headers, one row per city.
export const STATS_COLUMNS: { key: keyof CityStats; header: string; pct?: boolean }[] = [
  { key: 'city_code', header: '行政区划代码' },
  { key: 'city_name', header: '地市' },
  { key: 'applications_received', header: '收到申请数' },
  { key: 'reviews_done', header: '完成审核数' },
  { key: 'reviews_on_time', header: '按期审核数' },
  { key: 'reviews_on_time_pct', header: '按期审核率（%）', pct: true },
  { key: 'median_review_working_days', header: '审核用时中位数（工作日）' },
  { key: 'joint_tests_succeeded', header: '联调成功数' },
  { key: 'joint_tests_succeeded_on_time', header: '按期联调成功数' },
  { key: 'joint_tests_on_time_pct', header: '联调按期率（%）', pct: true },
  { key: 'joint_tests_delayed', header: '联调延期数' },
  { key: 'complaints_filed', header: '收到投诉数' },
  { key: 'complaints_founded', header: '投诉属实数' },
  { key: 'alerts_raised', header: '预警数' },
  { key: 'alerts_answered', header: '已反馈预警数' },
  { key: 'alerts_open', header: '待反馈预警数' },
  { key: 'mean_hours_to_answer', header: '预警平均反馈用时（小时）' },
]

export type Cell = string | number | null

// The sheet: a header row, then one row per city (numbers stay numbers so Excel
// can sum them; a missing ratio is an empty cell, not 0).
export function statsSheetRows(cities: CityStats[]): Cell[][] {
  const header: Cell[] = STATS_COLUMNS.map((c) => c.header)
  const rows = cities.map((c) =>
    STATS_COLUMNS.map(({ key }) => {
      const v = c[key]
      if (v === null || v === undefined) return null
      return typeof v === 'number' ? Math.round(v * 10) / 10 : String(v)
    }),
  )
  return [header, ...rows]
}

// 联调对接统计_20260601-20261130.xlsx, or 联调对接统计_截至20261130.xlsx for all time.
export function exportFileName(from: string | null, to: string): string {
  const day = (iso: string) => {
    const d = new Date(Date.parse(iso) + 8 * 3600_000)
    return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`
  }
  // `to` is exclusive: the last day counted is the one before it.
  const last = new Date(Date.parse(to) - 1).toISOString()
  return from ? `联调对接统计_${day(from)}-${day(last)}.xlsx` : `联调对接统计_截至${day(last)}.xlsx`
}

export interface TrendPoint {
  month: string
  received: number
  reviewOnTimePct: number | null
  jointOnTimePct: number | null
  delayed: number
  complaints: number
  alerts: number
}

export function trendPoint(month: MonthRange, stats: Stats): TrendPoint {
  const t = totalOf(stats)
  return {
    month: month.label,
    received: t.applications_received,
    reviewOnTimePct: t.reviews_on_time_pct,
    jointOnTimePct: t.joint_tests_on_time_pct,
    delayed: t.joint_tests_delayed,
    complaints: t.complaints_filed,
    alerts: t.alerts_raised,
  }
}
