// Reads a working-day calendar file in the browser before it is sent as
// PUT /calendar/{year}: the chinese-days .ics feed (VEVENTs marked 休 / 班) or the
// JSON shapes the server's own import takes. Same rules as the server's parser
// (src/domain/workdays.cc), so what the admin previews is what gets stored.

export interface CalendarYearData {
  year: number
  holidays: string[] // sorted YYYY-MM-DD
  workdays: string[]
}

export class CalendarFileError extends Error {}

const MAX_EVENT_DAYS = 366
const pad = (n: number) => String(n).padStart(2, '0')

// RFC 5545 3.1: a line starting with a space or tab continues the previous one.
export function unfoldLines(text: string): string[] {
  const out: string[] = []
  for (const raw of text.split(/\r?\n/)) {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && out.length) out[out.length - 1] += raw.slice(1)
    else out.push(raw)
  }
  return out
}

type Kind = 'holiday' | 'workday' | null

// The feed marks each event three ways (X-APPLE-SPECIAL-DAY, DESCRIPTION, SUMMARY);
// a text saying both or neither decides nothing.
export function kindOf(text: string): Kind {
  const off = text.includes('休') || text.includes('Holiday') || text === 'WORK-HOLIDAY'
  const on = text.includes('班') || text.includes('Workday') || text === 'ALTERNATE-WORKDAY'
  if (off === on) return null
  return off ? 'holiday' : 'workday'
}

// YYYYMMDD, or a DATE-TIME taken by its date.
function icsDate(value: string): Date {
  if (!/^\d{8}(T.*)?$/.test(value)) throw new CalendarFileError(`日历事件日期无效：${value}`)
  const y = Number(value.slice(0, 4))
  const m = Number(value.slice(4, 6))
  const d = Number(value.slice(6, 8))
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) throw new CalendarFileError(`日历事件日期无效：${value}`)
  return date
}

function dayString(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

interface Event {
  dtstart: string
  dtend: string
  apple: Kind
  description: Kind
  summary: Kind
  summaryText: string
}

function collect(map: Map<number, { holidays: Set<string>; workdays: Set<string> }>, year: number) {
  let y = map.get(year)
  if (!y) {
    y = { holidays: new Set(), workdays: new Set() }
    map.set(year, y)
  }
  return y
}

function finish(map: Map<number, { holidays: Set<string>; workdays: Set<string> }>): CalendarYearData[] {
  return [...map.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([year, v]) => {
      const both = [...v.holidays].filter((d) => v.workdays.has(d))
      if (both.length) throw new CalendarFileError(`同一天既是节假日又是调休上班日：${both[0]}`)
      return { year, holidays: [...v.holidays].sort(), workdays: [...v.workdays].sort() }
    })
}

export function parseIcs(text: string): CalendarYearData[] {
  const events: Event[] = []
  let current: Event | null = null
  let sawCalendar = false
  for (const line of unfoldLines(text)) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const head = line.slice(0, colon)
    const name = head.split(';')[0].toUpperCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'BEGIN' && value === 'VCALENDAR') sawCalendar = true
    if (name === 'BEGIN' && value === 'VEVENT') {
      current = { dtstart: '', dtend: '', apple: null, description: null, summary: null, summaryText: '' }
    } else if (name === 'END' && value === 'VEVENT') {
      if (!current) throw new CalendarFileError('日历文件结构无效：END:VEVENT 没有对应的 BEGIN')
      events.push(current)
      current = null
    } else if (current) {
      if (name === 'DTSTART') current.dtstart = value
      else if (name === 'DTEND') current.dtend = value
      else if (name === 'X-APPLE-SPECIAL-DAY') current.apple = kindOf(value)
      else if (name === 'DESCRIPTION') current.description = kindOf(value)
      else if (name === 'SUMMARY') {
        current.summary = kindOf(value)
        current.summaryText = value
      }
    }
  }
  if (!sawCalendar) throw new CalendarFileError('不是有效的 iCalendar（.ics）文件')
  if (current) throw new CalendarFileError('日历文件结构无效：VEVENT 未结束')

  const years = new Map<number, { holidays: Set<string>; workdays: Set<string> }>()
  for (const e of events) {
    const kind = e.apple ?? e.description ?? e.summary
    if (!kind) continue // neither a day off nor a day worked
    if (!e.dtstart) throw new CalendarFileError(`日历事件缺少开始日期（DTSTART）：${e.summaryText}`)
    const first = icsDate(e.dtstart)
    // DTEND is exclusive; without it an all-day event lasts one day.
    const end = e.dtend ? icsDate(e.dtend) : new Date(first.getTime() + 86_400_000)
    const span = Math.round((end.getTime() - first.getTime()) / 86_400_000)
    if (span < 1 || span > MAX_EVENT_DAYS) {
      throw new CalendarFileError(`日历事件的起止日期无效：${e.dtstart} – ${e.dtend}`)
    }
    for (let t = first.getTime(); t < end.getTime(); t += 86_400_000) {
      const d = new Date(t)
      const y = collect(years, d.getUTCFullYear())
      ;(kind === 'holiday' ? y.holidays : y.workdays).add(dayString(d))
    }
  }
  if (!years.size) throw new CalendarFileError('日历文件中没有节假日或调休上班日')
  return finish(years)
}

function dateList(v: unknown, field: string, year: number): string[] {
  if (v === undefined) return []
  if (!Array.isArray(v)) throw new CalendarFileError(`字段 ${field} 应为日期数组`)
  return v.map((x) => {
    if (typeof x !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(x)) {
      throw new CalendarFileError(`字段 ${field} 中的日期无效：${String(x)}`)
    }
    const [y, m, d] = x.split('-').map(Number)
    const date = new Date(Date.UTC(y, m - 1, d))
    if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      throw new CalendarFileError(`字段 ${field} 中的日期无效：${x}`)
    }
    if (y !== year) throw new CalendarFileError(`${x} 不在 ${year} 年内`)
    return x
  })
}

// {year, holidays, workdays}, a list of such objects, or {years: [...]} (the
// shipped data file's own shape).
export function parseCalendarJson(text: string): CalendarYearData[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new CalendarFileError('日历文件不是有效的 JSON')
  }
  let list: unknown[]
  if (Array.isArray(doc)) list = doc
  else if (doc && typeof doc === 'object' && 'years' in doc && !('year' in doc)) {
    const ys = (doc as { years: unknown }).years
    if (!Array.isArray(ys)) throw new CalendarFileError('字段 years 应为数组')
    list = ys
  } else if (doc && typeof doc === 'object') list = [doc]
  else throw new CalendarFileError('日历数据应为一个年份对象或其数组')

  const years = new Map<number, { holidays: Set<string>; workdays: Set<string> }>()
  for (const item of list) {
    if (!item || typeof item !== 'object') throw new CalendarFileError('日历数据应为一个年份对象或其数组')
    const o = item as Record<string, unknown>
    const year = o.year
    if (typeof year !== 'number' || !Number.isInteger(year) || year < 1949 || year > 2200) {
      throw new CalendarFileError(`年份无效：${String(year)}`)
    }
    const y = collect(years, year)
    for (const d of dateList(o.holidays, 'holidays', year)) y.holidays.add(d)
    for (const d of dateList(o.workdays, 'workdays', year)) y.workdays.add(d)
  }
  if (!years.size) throw new CalendarFileError('日历文件中没有年份数据')
  return finish(years)
}

// By file name, then by content (an .ics starts with BEGIN:VCALENDAR).
export function parseCalendarFile(name: string, text: string): CalendarYearData[] {
  const body = text.replace(/^\uFEFF/, '')
  if (/\.ics$/i.test(name) || body.trimStart().startsWith('BEGIN:VCALENDAR')) return parseIcs(body)
  return parseCalendarJson(body)
}
