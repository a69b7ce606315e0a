// How a history entry reads in Chinese: its state change in the labels of the
// entity it is about, and its reason with the API's stable words translated.
import type { Schemas } from '@/api/client'
import {
  ACTOR_ROLE_LABELS,
  ALERT_KIND_LABELS,
  ALERT_STATUS_LABELS,
  COMPLAINT_STATE_LABELS,
  CONDUCT_LABELS,
  MATERIAL_KIND_LABELS,
  PATH_LABELS,
  ROLE_LABELS,
  STATE_LABELS,
  USER_STATUS_LABELS,
  label,
} from '@/utils/labels'

type Entry = Schemas['HistoryEntry']

// A user's entries record its role when added, then whether it may log in.
const USER_TABLE: Record<string, string> = { ...ROLE_LABELS, ...USER_STATUS_LABELS }

function stateTable(entity: string): Record<string, string> {
  if (entity === 'complaint') return COMPLAINT_STATE_LABELS
  if (entity === 'alert') return ALERT_STATUS_LABELS
  if (entity === 'user') return USER_TABLE
  return STATE_LABELS
}

type Actor = Pick<Entry, 'actor' | 'role'> & { actor_display?: string | null }

// Who acted: the platform itself (the system actor, whatever its account is called)
// is just 平台; a person is the account's display name, with its user name after it
// ("广州市住房城乡建设局（reviewer_440100）"), or the user name alone.
export function actorName(e: Actor): string {
  if (e.role === 'system') return label(ACTOR_ROLE_LABELS, 'system')
  return e.actor_display && e.actor_display !== e.actor ? `${e.actor_display}（${e.actor}）` : e.actor
}

// Who acted with their role: "市级主管部门 · 广州市住房城乡建设局（reviewer_440100）", or 平台.
export function actorWithRole(e: Actor): string {
  return e.role === 'system' ? actorName(e) : `${label(ACTOR_ROLE_LABELS, e.role)} · ${actorName(e)}`
}

// "草稿 → 待审核", "→ 待核实" for a new record, null when nothing changed.
export function historyTransition(e: Entry): string | null {
  if (!e.after || e.before === e.after) return null
  const t = stateTable(e.entity)
  return e.before ? `${label(t, e.before)} → ${label(t, e.after)}` : `→ ${label(t, e.after)}`
}

// Some reasons are stable words (the path chosen, the conduct complained of, the
// alert's kind, a material's kind before its file name).
const REASON_WORDS: Record<string, string> = { ...PATH_LABELS, ...CONDUCT_LABELS, ...ALERT_KIND_LABELS }

// A return or a delay records its problem list as JSON ([{material_id?, clause?, text}]);
// people read it as numbered sentences.
function problemList(r: string): string | null {
  if (!r.startsWith('[')) return null
  try {
    const list = JSON.parse(r)
    if (!Array.isArray(list) || !list.length || !list.every((p) => p && typeof p.text === 'string')) return null
    return list
      .map((p: { text: string; clause?: string }, i: number) => `${i + 1}. ${p.clause ? `${p.clause}：` : ''}${p.text}`)
      .join('；')
  } catch {
    return null
  }
}

// A decision's reason as the server writes it: its note, its problem list as JSON and
// "逾期后记录" when late, joined by "；". Each part that is a problem list is listed.
function decisionReason(r: string): string | null {
  const parts: string[] = []
  let rest = r
  let found = false
  while (rest) {
    const start = rest.startsWith('[') ? 0 : rest.indexOf('；[') + 1
    if (start <= 0 && !rest.startsWith('[')) break
    // The list ends at the "]" after which the reason ends or goes on with "；".
    let end = -1
    for (let i = rest.indexOf(']', start); i >= 0; i = rest.indexOf(']', i + 1)) {
      if (i === rest.length - 1 || rest.startsWith('；', i + 1)) {
        if (problemList(rest.slice(start, i + 1))) {
          end = i
          break
        }
      }
    }
    if (end < 0) break
    if (start > 0) parts.push(rest.slice(0, start - 1))
    parts.push(`问题清单：${problemList(rest.slice(start, end + 1))}`)
    found = true
    rest = rest.slice(end + 2)
  }
  if (!found) return null
  if (rest) parts.push(rest)
  return parts.join('；')
}

export function historyReason(e: Entry): string {
  const r = e.reason
  if (REASON_WORDS[r]) return REASON_WORDS[r]
  const problems = problemList(r)
  if (problems) return problems
  const decision = decisionReason(r)
  if (decision) return decision
  const m = /^([a-z_]+): ([\s\S]*)$/.exec(r)
  if (m && MATERIAL_KIND_LABELS[m[1]]) return `${MATERIAL_KIND_LABELS[m[1]]}：${m[2]}`
  return r
}

export type Tone = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export function historyTone(e: Entry): Tone {
  if (e.entity === 'alert') return 'danger'
  if (e.entity === 'complaint') return 'warning'
  if (e.after === 'succeeded') return 'success'
  if (e.after === 'returned' || e.after === 'delayed') return 'danger'
  if (e.before === e.after) return 'info'
  return 'primary'
}
