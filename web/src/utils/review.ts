// Pure helpers of the city reviewer's and the tech support's pages: what waits in
// the inbox and in which order, what a 联调延期 decision is pre-filled with, and
// the checks a return or delay form makes before it is sent.
import type { Schemas } from '@/api/client'
import { compareDeadlines, type Deadline } from '@/utils/format'

export type ApplicationSummary = Schemas['ApplicationSummary']
export type Application = Schemas['Application']

// The checklist of GET /applications/{id}/conformance (typed loosely in the API).
export interface ConformanceCase {
  id: string
  title: string
  required: boolean
  status: 'pass' | 'fail' | 'pending'
  evidence_ids: number[]
  clause: string
  scenario: string | null
  applicable: boolean
}

export type ConformanceSummary = Schemas['ConformanceSummary']

export interface Conformance {
  application_id: number
  cases: ConformanceCase[]
  failures?: { case_id: string; rule?: string; path?: string; message?: string; clause?: string; evidence_id?: number }[]
  delay_problems?: { clause: string; text: string }[]
  summary: ConformanceSummary
  profile?: string
}

export interface DelayProblemRow {
  clause: string
  text: string
}

export interface ReturnProblemRow {
  material_id: number | null // null: a general problem, not of one material
  text: string
}

// What waits for the reviewer: every review, and each joint test whose window
// has expired (it needs 联调成功 or 联调延期); a joint test still in its window
// is the vendor's to finish and is listed under 联调测试.
export function needsReviewerAction(a: ApplicationSummary): boolean {
  return a.state === 'under_review' || jointWindowExpired(a)
}

// A joint test whose window has passed waits for 联调成功 or 联调延期.
export function jointWindowExpired(a: { state: string; next_deadline?: Deadline | null }): boolean {
  return a.state === 'joint_testing' && !!a.next_deadline && a.next_deadline.kind === 'joint_test' && a.next_deadline.overdue
}

// What the reviewer should do next, in words for the inbox row.
export function inboxTodo(a: ApplicationSummary): string {
  if (a.state === 'under_review') return a.next_deadline?.overdue ? '审核已超期，请尽快审核' : '审核材料'
  if (jointWindowExpired(a)) return '联调窗口已到期，请确认联调成功或联调延期'
  if (a.state === 'joint_testing') return '联调进行中，可随时确认联调成功'
  return ''
}

// The inbox: what needs action, the most overdue first, then the soonest due;
// among equal deadlines the review before the joint test, then the oldest id.
export function inboxItems(items: ApplicationSummary[]): ApplicationSummary[] {
  const rank = (s: string) => (s === 'under_review' ? 0 : 1)
  return items
    .filter(needsReviewerAction)
    .slice()
    .sort((a, b) => compareDeadlines(a.next_deadline, b.next_deadline) || rank(a.state) - rank(b.state) || a.id - b.id)
}

export interface InboxSummary {
  underReview: number
  overdue: number
  jointTesting: number
  complaintsToVerify: number
  openAlerts: number
}

export function inboxSummary(items: ApplicationSummary[], complaintsToVerify: number, openAlerts: number): InboxSummary {
  return {
    underReview: items.filter((a) => a.state === 'under_review').length,
    overdue: items.filter((a) => needsReviewerAction(a) && a.next_deadline?.overdue).length,
    jointTesting: items.filter((a) => a.state === 'joint_testing').length,
    complaintsToVerify,
    openAlerts,
  }
}

// The problem list a 联调延期 decision starts from: the server's own delay_problems
// (failing required cases with the refusals behind them, then the required cases not
// yet met) when it offers them; else
// every applicable case that failed, then the required ones never shown to pass,
// each naming its clause. The reviewer edits the list before sending.
export function prefillDelayProblems(c: Conformance | null | undefined): DelayProblemRow[] {
  if (!c) return []
  if (c.delay_problems && c.delay_problems.length > 0) {
    return c.delay_problems.map((p) => ({ clause: p.clause, text: p.text }))
  }
  const cases = (c.cases ?? []).filter((k) => k.applicable)
  const failed = cases.filter((k) => k.status === 'fail').map((k) => ({ clause: k.clause, text: `未通过：${k.title}` }))
  const untested = cases
    .filter((k) => k.required && k.status === 'pending')
    .map((k) => ({ clause: k.clause, text: `未完成测试：${k.title}` }))
  return [...failed, ...untested]
}

// What the 联调成功 dialog warns of when the checklist does not back the decision
// (required cases not all passed, or no request from the device with the current key;
// an earlier key's requests do not count for its cases), or ''.
// The reviewer may still record the success.
export function succeedWarning(s: ConformanceSummary | null | undefined): string {
  if (!s || s.all_required_passed) return ''
  const passed = `已通过 ${s.required_passed}/${s.required}`
  if (!s.requests) return `当前测试密钥尚未收到设备的任何请求，必测用例未全部通过（${passed}），仍要记录联调成功吗？`
  return `必测用例未全部通过（${passed}），仍要记录联调成功吗？`
}

// Checks a delay problem list; answers the Chinese reason it cannot be sent, or ''.
export function delayProblemsError(rows: DelayProblemRow[]): string {
  if (rows.length === 0) return '联调延期须列明至少一项问题'
  const i = rows.findIndex((r) => !r.clause.trim() || !r.text.trim())
  if (i >= 0) return `第 ${i + 1} 项问题须填写对应的接口标准条款和问题说明`
  return ''
}

export function returnProblemsError(rows: ReturnProblemRow[]): string {
  if (rows.length === 0) return '退回修改须列明至少一项问题'
  const i = rows.findIndex((r) => !r.text.trim())
  if (i >= 0) return `第 ${i + 1} 项问题须填写问题说明`
  return ''
}

// The body of a return: trimmed texts, material_id only when one is named.
export function returnBody(rows: ReturnProblemRow[]): { problems: { material_id?: number; text: string }[] } {
  return {
    problems: rows.map((r) => (r.material_id ? { material_id: r.material_id, text: r.text.trim() } : { text: r.text.trim() })),
  }
}

export function delayBody(rows: DelayProblemRow[]): { problems: { clause: string; text: string }[] } {
  return { problems: rows.map((r) => ({ clause: r.clause.trim(), text: r.text.trim() })) }
}

// The application's current joint-test window (its own, not a complaint's): the
// latest started one, since a key re-issued after rectification starts a new one.
export function openJointDeadline(a: Pick<Application, 'deadlines'>): Deadline | null {
  const ds = (a.deadlines ?? [])
    .filter((d) => d.kind === 'joint_test' && !d.complaint_id)
    .sort((x, y) => Date.parse(x.started_at) - Date.parse(y.started_at))
  return ds[ds.length - 1] ?? null
}

// A date-time picker's Date as the API's ISO 8601 in Beijing time.
export function toShanghaiIso(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return (
    `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` +
    `T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}+08:00`
  )
}

// Complaints a city reviewer must verify come first, then the rest newest first.
export function orderComplaints<T extends { state: string; created_at: string; id: number }>(items: T[], verifyFirst: boolean): T[] {
  const rank = (c: T) => (verifyFirst ? (c.state === 'submitted' ? 0 : c.state === 'rectifying' ? 1 : 2) : 0)
  return items.slice().sort((a, b) => rank(a) - rank(b) || Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)
}
