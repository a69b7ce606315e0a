import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CalendarFileError, kindOf, parseCalendarFile, parseCalendarJson, parseIcs, unfoldLines } from '@/utils/ics'

const FEED = resolve(__dirname, '../../tests/domain/testdata/chinese-days-2026.ics')

const ics = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', ...events.flatMap((e) => ['BEGIN:VEVENT', e, 'END:VEVENT']), 'END:VCALENDAR'].join(
    '\r\n',
  )

describe('ics calendar parsing', () => {
  it('reads the chinese-days 2026 feed as the official 2026 schedule', () => {
    const [y] = parseIcs(readFileSync(FEED, 'utf8'))
    expect(y.year).toBe(2026)
    expect(y.holidays).toContain('2026-10-01')
    expect(y.holidays).toContain('2026-10-07')
    expect(y.holidays).toContain('2026-02-23')
    expect(y.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
  })

  it('treats DTEND as exclusive and a missing DTEND as one day', () => {
    const [y] = parseIcs(
      ics(
        'DTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20270104\nSUMMARY:元旦(休)',
        'DTSTART;VALUE=DATE:20270110\nSUMMARY:补班(班)',
      ),
    )
    expect(y).toEqual({ year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: ['2027-01-10'] })
  })

  it('lets X-APPLE-SPECIAL-DAY decide before DESCRIPTION and SUMMARY, and skips unmarked events', () => {
    const [y] = parseIcs(
      ics(
        'DTSTART:20270201\nX-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY\nSUMMARY:春节(休)',
        'DTSTART:20270202\nSUMMARY:生日',
      ),
    )
    expect(y.workdays).toEqual(['2027-02-01'])
    expect(y.holidays).toEqual([])
  })

  it('splits events over a new year into both years', () => {
    const ys = parseIcs(ics('DTSTART:20261231\nDTEND:20270102\nDESCRIPTION:休'))
    expect(ys.map((y) => y.year)).toEqual([2026, 2027])
  })

  it('unfolds continuation lines', () => {
    expect(unfoldLines('SUMMARY:国庆\r\n 节(休)\r\nX:1')).toEqual(['SUMMARY:国庆节(休)', 'X:1'])
    expect(kindOf('国庆节(休)')).toBe('holiday')
    expect(kindOf('休班')).toBeNull()
  })

  it('refuses what is not a calendar, in Chinese', () => {
    expect(() => parseIcs('hello')).toThrow(CalendarFileError)
    expect(() => parseIcs(ics('SUMMARY:(休)'))).toThrow(/DTSTART/)
    expect(() => parseIcs(ics('DTSTART:20271301\nSUMMARY:(休)'))).toThrow(/日期无效/)
    expect(() => parseIcs('BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20270101')).toThrow(/未结束/)
    expect(() => parseIcs(ics('DTSTART:20270101\nSUMMARY:x'))).toThrow(/没有节假日/)
  })
})

describe('JSON calendar parsing', () => {
  it('takes one year, a list, or the shipped {years: [...]} shape', () => {
    const one = { year: 2027, holidays: ['2027-01-01'], workdays: [] }
    expect(parseCalendarJson(JSON.stringify(one))).toEqual([{ year: 2027, holidays: ['2027-01-01'], workdays: [] }])
    expect(parseCalendarJson(JSON.stringify([one, { ...one, year: 2028, holidays: [] }]))).toHaveLength(2)
    expect(parseCalendarJson(JSON.stringify({ source: 'x', years: [one] }))[0].year).toBe(2027)
  })

  it('refuses dates outside their year, bad dates and bad JSON', () => {
    expect(() => parseCalendarJson('{')).toThrow(/JSON/)
    expect(() => parseCalendarJson('{"year": 2027, "holidays": ["2028-01-01"]}')).toThrow(/不在 2027 年内/)
    expect(() => parseCalendarJson('{"year": 2027, "holidays": ["2027-02-30"]}')).toThrow(/日期无效/)
    expect(() => parseCalendarJson('{"year": 1800}')).toThrow(/年份无效/)
    expect(() => parseCalendarJson('{"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}')).toThrow(
      /既是节假日又是调休上班日/,
    )
  })

  it('chooses the parser by name or content', () => {
    expect(parseCalendarFile('cal.json', '\uFEFF{"year": 2027, "holidays": []}')[0].year).toBe(2027)
    expect(parseCalendarFile('feed.txt', ics('DTSTART:20270501\nSUMMARY:(休)'))[0].holidays).toEqual(['2027-05-01'])
  })
})
