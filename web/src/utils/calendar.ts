// The year view of the working-day calendar: each month as weeks (Monday first,
// as Chinese calendars print them), each day marked holiday / adjusted working
// day / weekend / ordinary working day.
export type DayKind = 'holiday' | 'workday' | 'weekend' | 'normal'

export interface CalendarDay {
  date: string // YYYY-MM-DD
  day: number
  kind: DayKind
}

const pad = (n: number) => String(n).padStart(2, '0')

export function isoDate(y: number, m: number, d: number): string {
  return `${y}-${pad(m)}-${pad(d)}`
}

export function dayKind(date: string, holidays: Set<string>, workdays: Set<string>): DayKind {
  if (holidays.has(date)) return 'holiday'
  if (workdays.has(date)) return 'workday'
  const [y, m, d] = date.split('-').map(Number)
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay()
  return wd === 0 || wd === 6 ? 'weekend' : 'normal'
}

// Weeks of one month; days of the neighbouring months are null.
export function monthWeeks(
  year: number,
  month: number,
  holidays: Set<string>,
  workdays: Set<string>,
): (CalendarDay | null)[][] {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay() // 0 = Sunday
  const lead = (first + 6) % 7 // Monday first
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const cells: (CalendarDay | null)[] = Array.from({ length: lead }, () => null)
  for (let d = 1; d <= days; d++) {
    const date = isoDate(year, month, d)
    cells.push({ date, day: d, kind: dayKind(date, holidays, workdays) })
  }
  while (cells.length % 7) cells.push(null)
  const weeks: (CalendarDay | null)[][] = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return weeks
}

// Working days in a year under the given calendar (shown as a sanity figure).
export function countWorkingDays(year: number, holidays: Set<string>, workdays: Set<string>): number {
  let n = 0
  for (let m = 1; m <= 12; m++) {
    const days = new Date(Date.UTC(year, m, 0)).getUTCDate()
    for (let d = 1; d <= days; d++) {
      const k = dayKind(isoDate(year, m, d), holidays, workdays)
      if (k === 'normal' || k === 'workday') n++
    }
  }
  return n
}
