import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import { releaseRefusal, vendorStatus } from '@/utils/vendors'
import { VENDOR_STATUS_LABELS, label } from '@/utils/labels'

describe('vendorStatus', () => {
  it('is released once the admin released the enterprise', () => {
    expect(vendorStatus({ released: null })).toBe('registered')
    expect(vendorStatus({ released: { at: '2026-12-06T10:00:00+08:00', by: 'admin', reason: '冒用' } })).toBe('released')
    expect(label(VENDOR_STATUS_LABELS, 'released')).toBe('已注销')
  })
  it('counts an enterprise listed without the field as registered', () => {
    expect(vendorStatus({})).toBe('registered')
  })
})

describe('releaseRefusal', () => {
  it('names the open applications that stop a release', () => {
    const e = new ApiError(409, 'invalid_transition', '该企业有审核中或联调中的申请，须先撤回或办结后才能注销', {
      state: 'registered',
      applications: [12, 15],
    })
    expect(releaseRefusal(e)).toBe('该企业有审核中或联调中的申请，须先撤回或办结后才能注销（申请编号 12、15）')
  })
  it("gives any other refusal's message as it is", () => {
    expect(releaseRefusal(new ApiError(409, 'invalid_transition', '该企业已注销', { state: 'released' }))).toBe(
      '该企业已注销',
    )
    expect(releaseRefusal(new Error('network'))).toBe('操作失败，请稍后重试')
  })
})
