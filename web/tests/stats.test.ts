import { describe, expect, it } from 'vitest'
import {
  exportFileName,
  formatPct,
  lastMonths,
  rangeFromDates,
  statsSheetRows,
  STATS_COLUMNS,
  totalOf,
  trendPoint,
  type CityStats,
} from '@/utils/stats'

// A city's figures: the empty ones (checked below) with a name and `over`.
const city = (over: Partial<CityStats>): CityStats => ({
  ...totalOf(null),
  city_code: '440100',
  city_name: '广州市',
  ...over,
})

describe('stats helpers', () => {
  it('lists the months up to the anchor in Beijing time, oldest first', () => {
    // 2026-11-30 18:00 UTC is already 1 December in Beijing.
    const ms = lastMonths('2026-11-30T18:00:00Z', 3)
    expect(ms.map((m) => m.label)).toEqual(['2026年10月', '2026年11月', '2026年12月'])
    expect(ms[2]).toMatchObject({ from: '2026-12-01T00:00:00+08:00', to: '2027-01-01T00:00:00+08:00' })
    expect(lastMonths('2026-02-10T00:00:00+08:00', 2)[0].from).toBe('2026-01-01T00:00:00+08:00')
  })

  it('makes a picked date range half-open, the last day included', () => {
    expect(rangeFromDates('2026-06-01', '2026-12-31')).toEqual({
      from: '2026-06-01T00:00:00+08:00',
      to: '2027-01-01T00:00:00+08:00',
    })
  })

  it("shows the server's total, and zeros before the figures arrive", () => {
    const gz = city({ reviews_done: 3, reviews_on_time: 3, reviews_on_time_pct: 100, median_review_working_days: 1 })
    const total = city({ city_code: '', city_name: '合计', reviews_done: 4, reviews_on_time_pct: 75, median_review_working_days: 1.5 })
    const t = totalOf({ from: '', to: '', cities: [gz], total })
    expect(t.median_review_working_days).toBe(1.5) // the pooled median, which no sum of cities gives
    expect(formatPct(t.reviews_on_time_pct)).toBe('75%')
    const none = totalOf(null)
    expect(none.city_name).toBe('合计')
    expect(none.applications_received).toBe(0)
    expect(formatPct(none.reviews_on_time_pct)).toBe('—')
  })

  it('writes one sheet row per city under Chinese headers, gaps left empty', () => {
    const rows = statsSheetRows([city({ reviews_on_time_pct: 66.666 }), city({ city_code: '440300', city_name: '深圳市' })])
    expect(rows).toHaveLength(3)
    expect(rows[0][0]).toBe('行政区划代码')
    expect(rows[0]).toContain('按期审核率（%）')
    expect(rows[0]).toHaveLength(STATS_COLUMNS.length)
    const pctIndex = STATS_COLUMNS.findIndex((c) => c.key === 'reviews_on_time_pct')
    expect(rows[1][pctIndex]).toBe(66.7)
    expect(rows[2][pctIndex]).toBeNull()
    expect(rows[2][1]).toBe('深圳市')
  })

  it('names the export after its period', () => {
    expect(exportFileName('2026-06-01T00:00:00+08:00', '2027-01-01T00:00:00+08:00')).toBe(
      '联调对接统计_20260601-20261231.xlsx',
    )
    expect(exportFileName(null, '2026-11-30T10:00:00+08:00')).toBe('联调对接统计_截至20261130.xlsx')
  })

  it('sums a month of all cities into one trend point', () => {
    const [m] = lastMonths('2026-06-15T00:00:00+08:00', 1)
    const total = city({ city_code: '', city_name: '合计', applications_received: 3, complaints_filed: 1 })
    const p = trendPoint(m, { from: m.from, to: m.to, cities: [city({ applications_received: 2, complaints_filed: 1 })], total })
    expect(p).toMatchObject({ month: '2026年6月', received: 3, complaints: 1, reviewOnTimePct: null })
  })
})
