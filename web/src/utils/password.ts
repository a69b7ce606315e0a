// Password rules the server applies (8–128 bytes of UTF-8; a new password differs
// from the current one), checked in the form before anything is sent, and the
// form-item rules built from them.
import type { FormItemRule } from 'element-plus'

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

// The server measures a password in UTF-8 bytes, so a character outside ASCII
// counts for more than one.
export function passwordBytes(password: string): number {
  return new TextEncoder().encode(password).length
}

// Each check returns the Chinese reason shown under the field, '' when acceptable.

export function currentPasswordError(current: string): string {
  return current ? '' : '请输入当前密码'
}

// A new password (own or set by the admin); `current` is given when the person
// changes their own, which must then differ from it.
export function newPasswordError(next: string, current?: string): string {
  if (!next) return '请输入新密码'
  const n = passwordBytes(next)
  if (n < PASSWORD_MIN || n > PASSWORD_MAX) return `密码长度为 ${PASSWORD_MIN}–${PASSWORD_MAX} 位`
  if (current !== undefined && current !== '' && next === current) return '新密码不能与当前密码相同'
  return ''
}

export function confirmPasswordError(confirm: string, next: string): string {
  if (!confirm) return '请再次输入新密码'
  return confirm === next ? '' : '两次输入的密码不一致'
}

// An Element Plus rule from one of the checks above, run on blur and on submit.
export function checkRule(check: (value: string) => string): FormItemRule {
  return {
    required: true,
    trigger: 'blur',
    validator: (_rule, value, callback) => {
      const reason = check(typeof value === 'string' ? value : '')
      if (reason) callback(new Error(reason))
      else callback()
    },
  }
}
