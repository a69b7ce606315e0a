import { describe, expect, it } from 'vitest'
import { evidenceTagLabel } from '@/utils/labels'

describe('evidenceTagLabel', () => {
  it('names what the sandbox noted in Chinese', () => {
    expect(evidenceTagLabel('signed')).toBe('签名有效')
    expect(evidenceTagLabel('direction_in')).toBe('考勤：进')
    expect(evidenceTagLabel('via_get')).toBe('以 GET 方式提交')
  })
  it('keeps the method a tag names', () => {
    expect(evidenceTagLabel('fetched:Team.Add')).toBe('取得结果：Team.Add')
    expect(evidenceTagLabel('pending:WorkerAttendance.Add')).toBe('处理中：WorkerAttendance.Add')
  })
  it('shows a tag it does not know as it is', () => {
    expect(evidenceTagLabel('something_new')).toBe('something_new')
  })
})
