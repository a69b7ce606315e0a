// What the application pages derive from an application: the vendor's actions
// in each state, the reviewer's problems per material, which files preview in
// the browser. Pure functions, so the rules are tested without a page.
import type { Schemas } from '@/api/client'

type Application = Schemas['Application']
type Review = Schemas['Review']
type Problem = Schemas['Problem']
type Deadline = Schemas['Deadline']
type Material = Schemas['Material']

export type VendorAction = 'submit' | 'resubmit' | 'withdraw'

export const FINAL_STATES = ['succeeded', 'delayed', 'withdrawn']

// Mirrors the server's transition table for the vendor's row: submit from
// draft, resubmit from returned, withdraw from any state that is not final.
export function vendorActions(state: string): VendorAction[] {
  const out: VendorAction[] = []
  if (state === 'draft') out.push('submit')
  if (state === 'returned') out.push('resubmit')
  if (!FINAL_STATES.includes(state)) out.push('withdraw')
  return out
}

export const VENDOR_ACTION_CONFIRM: Record<VendorAction, { title: string; text: string; button: string }> = {
  submit: {
    title: '提交材料',
    text: '提交后材料不能再修改，城市主管部门将在 3 个工作日内完成审核。确定提交吗？',
    button: '提交审核',
  },
  resubmit: {
    title: '重新提交',
    text: '请确认已按审核意见修改并重新上传了材料。重新提交后将开始新的 3 个工作日审核期限。',
    button: '重新提交',
  },
  withdraw: {
    title: '撤回申请',
    text: '撤回后申请结束，不能恢复；如需继续对接须重新创建申请。确定撤回吗？',
    button: '撤回申请',
  },
}

// Materials can be changed only before submission and after a return.
export function materialsEditable(state: string): boolean {
  return state === 'draft' || state === 'returned'
}

export function showsJointTest(state: string): boolean {
  return state === 'joint_testing' || state === 'succeeded' || state === 'delayed'
}

function byTime(a: Review, b: Review): number {
  return Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id
}

// The return that still stands: the newest review, when it is a return. Once the
// application is approved (a later review), old problems are history only.
export function standingReturn(reviews: Review[]): Review | null {
  if (!reviews.length) return null
  const last = [...reviews].sort(byTime)[reviews.length - 1]
  return last.action === 'return' ? last : null
}

export interface ProblemsByMaterial {
  byMaterial: Map<number, Problem[]>
  general: Problem[] // problems not tied to one material
}

export function problemsByMaterial(review: Review | null): ProblemsByMaterial {
  const byMaterial = new Map<number, Problem[]>()
  const general: Problem[] = []
  for (const p of review?.problems ?? []) {
    if (p.material_id != null) {
      const list = byMaterial.get(p.material_id) ?? []
      list.push(p)
      byMaterial.set(p.material_id, list)
    } else {
      general.push(p)
    }
  }
  return { byMaterial, general }
}

export type PreviewKind = 'image' | 'pdf' | null

export function previewKind(contentType: string | null | undefined, filename = ''): PreviewKind {
  const ct = (contentType || '').toLowerCase()
  if (ct === 'image/png' || ct === 'image/jpeg' || ct === 'image/gif' || ct === 'image/webp') return 'image'
  if (ct === 'application/pdf') return 'pdf'
  if (!ct || ct === 'application/octet-stream') {
    if (/\.(png|jpe?g)$/i.test(filename)) return 'image'
    if (/\.pdf$/i.test(filename)) return 'pdf'
  }
  return null
}

export function shortHash(sha: string | null | undefined, n = 12): string {
  return sha ? sha.slice(0, n) : '—'
}

// Open deadlines first (soonest due on top), then the finished ones, newest first.
export function orderDeadlines(deadlines: Deadline[]): Deadline[] {
  const open = deadlines.filter((d) => !d.done_at).sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at))
  const done = deadlines.filter((d) => d.done_at).sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at))
  return [...open, ...done]
}

export function productNames(app: Pick<Application, 'products'>): string {
  return app.products.map((p) => `${p.name}（${p.model} ${p.version}）`).join('、') || '—'
}

// Which submission a material came with, for an application submitted more than once:
// "第 2 次提交", and whether a later submission brought a newer file of the same kind
// (the reviewer reads the newest; the older stays on record). A material's `round` is
// the application's round when it was uploaded: 0 in the draft, so it goes with
// submission round + 1.
export interface MaterialRound {
  round: string
  replaced: boolean
}
export function materialRound(m: Material, all: Material[], applicationRound: number): MaterialRound | null {
  const r = m.round ?? 0
  if (applicationRound <= 1 && all.every((x) => (x.round ?? 0) === r)) return null
  const replaced = all.some((x) => x.kind === m.kind && (x.round ?? 0) > r)
  return { round: `第 ${r + 1} 次提交`, replaced }
}
