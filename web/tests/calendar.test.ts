import { describe, expect, it } from 'vitest'
import { countWorkingDays, dayKind, monthWeeks } from '@/utils/calendar'
import { processProgress, stepStatus } from '@/utils/process'

describe('calendar year view', () => {
  const holidays = new Set(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'])
  const workdays = new Set(['2026-10-10'])

  it('marks holidays, adjusted working days and weekends', () => {
    expect(dayKind('2026-10-01', holidays, workdays)).toBe('holiday')
    expect(dayKind('2026-10-10', holidays, workdays)).toBe('workday') // a Saturday worked in lieu
    expect(dayKind('2026-10-11', holidays, workdays)).toBe('weekend')
    expect(dayKind('2026-10-12', holidays, workdays)).toBe('normal')
  })

  it('lays a month out in Monday-first weeks', () => {
    const weeks = monthWeeks(2026, 10, holidays, workdays)
    // 1 October 2026 is a Thursday: three empty cells first.
    expect(weeks[0].slice(0, 3)).toEqual([null, null, null])
    expect(weeks[0][3]).toMatchObject({ date: '2026-10-01', day: 1, kind: 'holiday' })
    expect(weeks.every((w) => w.length === 7)).toBe(true)
    expect(weeks.flat().filter(Boolean)).toHaveLength(31)
  })

  it('counts working days in a year', () => {
    expect(countWorkingDays(2027, new Set(), new Set())).toBe(261)
    expect(countWorkingDays(2026, holidays, workdays)).toBe(261 - 5 + 1)
  })
})

describe('process progress', () => {
  const entry = (entity: string, action: string, before: string, after: string) => ({
    seq: 1,
    entity,
    entity_id: 1,
    actor: 'x',
    role: 'vendor',
    action,
    before,
    after,
    reason: '',
    at: '2026-10-01T00:00:00+08:00',
    hash: 'h',
    report_digest: null,
  })

  it('marks the states passed and the complaint steps reached', () => {
    const p = processProgress([
      entry('application', 'create', '', 'draft'),
      entry('application', 'submit', 'draft', 'under_review'),
      entry('application', 'approve', 'under_review', 'joint_testing'),
      entry('complaint', 'file', '', 'submitted'),
      entry('complaint', 'verify_founded', 'submitted', 'founded'),
      entry('complaint', 'order_rectification', 'founded', 'rectifying'),
    ])
    expect(stepStatus('joint_testing', 'joint_testing', p)).toBe('current')
    expect(stepStatus('under_review', 'joint_testing', p)).toBe('passed')
    expect(stepStatus('returned', 'joint_testing', p)).toBe('pending')
    expect([...p.complaint].sort()).toEqual(['complaint', 'rectification', 'verification'])
    expect(processProgress(undefined).passed.size).toBe(0)
  })
})
