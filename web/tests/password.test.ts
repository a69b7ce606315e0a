import { describe, expect, it } from 'vitest'
import { ApiError, type Schemas } from '@/api/client'
import { historyTransition } from '@/utils/history'
import { HISTORY_ACTION_LABELS, label } from '@/utils/labels'
import { errorField } from '@/utils/notify'
import {
  checkRule,
  confirmPasswordError,
  currentPasswordError,
  newPasswordError,
  passwordBytes,
} from '@/utils/password'

describe('password checks', () => {
  it('requires the current password', () => {
    expect(currentPasswordError('')).toBe('请输入当前密码')
    expect(currentPasswordError('x')).toBe('')
  })

  it('accepts new passwords of 8 to 128 bytes and refuses others', () => {
    expect(newPasswordError('')).toBe('请输入新密码')
    expect(newPasswordError('1234567')).toBe('密码长度为 8–128 位')
    expect(newPasswordError('12345678')).toBe('')
    expect(newPasswordError('a'.repeat(128))).toBe('')
    expect(newPasswordError('a'.repeat(129))).toBe('密码长度为 8–128 位')
  })

  it('counts UTF-8 bytes like the server', () => {
    expect(passwordBytes('密码')).toBe(6)
    expect(newPasswordError('密码1')).toBe('密码长度为 8–128 位') // 7 bytes
    expect(newPasswordError('密码12')).toBe('') // 8 bytes, 4 characters
    expect(newPasswordError('密'.repeat(43))).toBe('密码长度为 8–128 位') // 129 bytes
  })

  it('refuses a new password equal to the current one, only when one is given', () => {
    expect(newPasswordError('Liantiao@2026', 'Liantiao@2026')).toBe('新密码不能与当前密码相同')
    expect(newPasswordError('Liantiao@2027', 'Liantiao@2026')).toBe('')
    expect(newPasswordError('Liantiao@2026', '')).toBe('')
    expect(newPasswordError('Liantiao@2026')).toBe('')
  })

  it('requires the confirmation to match', () => {
    expect(confirmPasswordError('', 'Secret@2026')).toBe('请再次输入新密码')
    expect(confirmPasswordError('Secret@2025', 'Secret@2026')).toBe('两次输入的密码不一致')
    expect(confirmPasswordError('Secret@2026', 'Secret@2026')).toBe('')
  })

  it('turns a check into a form rule that reports its reason', () => {
    const rule = checkRule(currentPasswordError)
    const run = (v: unknown) => {
      let got: Error | undefined | 'none' = 'none'
      rule.validator!(rule, v, (e?: string | Error) => (got = e as Error | undefined), {}, {})
      return got
    }
    expect((run('') as unknown as Error).message).toBe('请输入当前密码')
    expect((run(undefined) as unknown as Error).message).toBe('请输入当前密码')
    expect(run('secret')).toBeUndefined()
  })
})

describe('errorField', () => {
  const refusal = (field?: string) =>
    new ApiError(422, 'invalid_field', '当前密码不正确', field === undefined ? {} : { field })

  it('names the field a refusal is about when the form has it', () => {
    expect(errorField(refusal('current_password'), ['current_password', 'new_password'])).toBe('current_password')
    expect(errorField(refusal('new_password'), ['current_password', 'new_password'])).toBe('new_password')
  })

  it('is null for another field, no field or another kind of error', () => {
    expect(errorField(refusal('id'), ['current_password'])).toBeNull()
    expect(errorField(refusal(), ['current_password'])).toBeNull()
    expect(errorField(new Error('boom'), ['current_password'])).toBeNull()
  })
})

describe('user history in Chinese', () => {
  const entry = (action: string, before: string, after: string): Schemas['HistoryEntry'] => ({
    seq: 1,
    entity: 'user',
    entity_id: 9,
    actor: 'admin',
    role: 'admin',
    action,
    before,
    after,
    reason: 'reviewer_440500',
    at: '2026-11-14T02:00:00Z',
    hash: 'x',
    report_digest: null,
  })

  it('labels the password and status actions', () => {
    expect(label(HISTORY_ACTION_LABELS, 'password_change')).toBe('修改密码')
    expect(label(HISTORY_ACTION_LABELS, 'user_disable')).toBe('停用用户')
    expect(label(HISTORY_ACTION_LABELS, 'user_enable')).toBe('启用用户')
    expect(label(HISTORY_ACTION_LABELS, 'password_reset')).toBe('重置密码')
  })

  it('shows a status change and a new user in their labels', () => {
    expect(historyTransition(entry('user_disable', 'active', 'disabled'))).toBe('启用 → 已停用')
    expect(historyTransition(entry('user_enable', 'disabled', 'active'))).toBe('已停用 → 启用')
    expect(historyTransition(entry('user_add', '', 'tech_support'))).toBe('→ 技术支持单位')
    expect(historyTransition(entry('password_reset', '', ''))).toBeNull()
  })
})
