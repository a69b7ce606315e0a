import { describe, expect, it } from 'vitest'
import {
  compareDeadlines,
  deadlineClosedWord,
  describeDeadline,
  formatDate,
  formatDateTime,
  formatDateWithWeekday,
  formatTime,
} from '@/utils/format'
import type { Deadline } from '@/utils/format'

const deadline = (over: Partial<Deadline>): Deadline => ({
  kind: 'review',
  started_at: '2026-09-30T10:00:00+08:00',
  due_at: '2026-10-10T23:59:59+08:00',
  done_at: null,
  overdue: false,
  overdue_working_days: 0,
  provisional: false,
  working_days: 3,
  ...over,
})

describe('dates in Beijing time', () => {
  it('formats an instant in Shanghai whatever its offset', () => {
    expect(formatDateTime('2026-10-10T15:59:59Z')).toBe('2026年10月10日 23:59')
    expect(formatDateTime('2026-10-10T16:00:00Z')).toBe('2026年10月11日 00:00')
    expect(formatDate('2026-10-10T23:59:59+08:00')).toBe('2026年10月10日')
    expect(formatDate('2027-02-05')).toBe('2027年2月5日')
    expect(formatDateWithWeekday('2026-10-10T23:59:59+08:00')).toBe('2026年10月10日（星期六）')
  })
  it('gives the time of day alone, in Beijing time', () => {
    expect(formatTime('2026-10-10T15:59:07Z')).toBe('23:59')
    expect(formatTime('2026-10-10T15:59:07Z', true)).toBe('23:59:07')
    expect(formatTime(null)).toBe('—')
  })
  it('shows a dash for no date and for garbage', () => {
    expect(formatDate(null)).toBe('—')
    expect(formatDateTime('not a date')).toBe('—')
  })
})

describe('describeDeadline', () => {
  it('counts working days left and names the last day as 24:00', () => {
    const v = describeDeadline(deadline({ working_days_left: 2 }))
    expect(v).toEqual({ tone: 'open', text: '剩余 2 个工作日', due: '2026年10月10日 24:00 前', provisional: false })
    expect(describeDeadline(deadline({ working_days_left: 1 })).tone).toBe('due_soon')
    expect(describeDeadline(deadline({ working_days_left: 0 })).text).toBe('今日到期')
  })
  it('says how many working days overdue', () => {
    const v = describeDeadline(deadline({ overdue: true, overdue_working_days: 3 }))
    expect(v.tone).toBe('overdue')
    expect(v.text).toBe('已超期 3 个工作日')
  })
  it('tells done on time from done late', () => {
    expect(describeDeadline(deadline({ done_at: '2026-10-09T09:00:00+08:00' })).text).toBe('已按期完成')
    const late = describeDeadline(deadline({ done_at: '2026-10-13T09:00:00+08:00', overdue: true, overdue_working_days: 1 }))
    expect(late.tone).toBe('done_late')
    expect(late.text).toBe('逾期 1 个工作日后完成')
  })
  it('says a deadline that a withdrawal or a new key ended was neither done nor late', () => {
    const withdrawn = describeDeadline(
      deadline({ done_at: '2026-10-13T09:00:00+08:00', overdue: true, overdue_working_days: 1, closed_by: 'withdraw' }),
    )
    expect(withdrawn.tone).toBe('ended')
    expect(withdrawn.text).toBe('申请撤回，期限终止')
    expect(describeDeadline(deadline({ done_at: '2026-10-09T09:00:00+08:00', closed_by: 'reissue_key' })).text).toBe(
      '重新发放密钥，期限重新起算',
    )
    // A decision is the step done.
    expect(describeDeadline(deadline({ done_at: '2026-10-09T09:00:00+08:00', closed_by: 'approve' })).text).toBe('已按期完成')
  })
  it('says a joint test closed by a delay decision was recorded as delayed, not completed late', () => {
    const delayed = deadline({
      kind: 'joint_test',
      done_at: '2026-11-14T10:00:00+08:00',
      overdue: true,
      overdue_working_days: 3,
      closed_by: 'delay',
    })
    expect(describeDeadline(delayed)).toMatchObject({ tone: 'ended', text: '已记录联调延期' })
    expect(deadlineClosedWord(delayed)).toBe('记录于')
    expect(deadlineClosedWord(deadline({ done_at: '2026-10-13T09:00:00+08:00', closed_by: 'withdraw' }))).toBe('终止于')
    expect(deadlineClosedWord(deadline({ done_at: '2026-10-09T09:00:00+08:00', closed_by: 'approve' }))).toBe('完成于')
  })
  it('flags provisional deadlines', () => {
    expect(describeDeadline(deadline({ provisional: true, working_days_left: 3 })).provisional).toBe(true)
  })
})

describe('compareDeadlines', () => {
  it('orders soonest first and missing last', () => {
    const a = deadline({ due_at: '2026-10-09T23:59:59+08:00' })
    const b = deadline({ due_at: '2026-10-12T23:59:59+08:00' })
    expect([b, null, a].sort(compareDeadlines)).toEqual([a, b, null])
  })
})
