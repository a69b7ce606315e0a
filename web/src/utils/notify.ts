import { ElMessage } from 'element-plus'
import { ApiError } from '@/api/client'

// Shows an API error's Chinese message (the server's own words) to the person.
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message
  return '操作失败，请稍后重试'
}

export function showError(e: unknown): void {
  ElMessage.error({ message: errorMessage(e), grouping: true })
}

export function showSuccess(message: string): void {
  ElMessage.success(message)
}

// The form field a refusal is about (the server's details.field, e.g. "current_password"),
// when it is one of `fields`; null otherwise.
export function errorField<F extends string>(e: unknown, fields: readonly F[]): F | null {
  if (!(e instanceof ApiError)) return null
  const f = e.details.field
  return typeof f === 'string' && (fields as readonly string[]).includes(f) ? (f as F) : null
}
