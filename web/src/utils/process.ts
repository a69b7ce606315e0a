// Which steps of the process (process.md) an application has been through, read
// from its history, so the diagram can mark them.
import type { Schemas } from '@/api/client'

type HistoryEntry = Schemas['HistoryEntry']

export type StepStatus = 'current' | 'passed' | 'pending'

// Steps of the complaint side path, keyed by what the diagram draws.
export type ComplaintStep = 'complaint' | 'verification' | 'rectification' | 'rekey'

export interface ProcessProgress {
  passed: Set<string> // application states entered at some time
  complaint: Set<ComplaintStep> // complaint steps reached
  complaintCurrent: Set<ComplaintStep> // steps an open complaint waits in (not done yet)
}

// Where a complaint in each state waits: verification until verified, then the
// rectification until it is reported done.
const WAITS_IN: Record<string, ComplaintStep> = {
  submitted: 'verification',
  founded: 'rectification',
  rectifying: 'rectification',
}

export function processProgress(history: HistoryEntry[] | null | undefined): ProcessProgress {
  const passed = new Set<string>()
  const complaint = new Set<ComplaintStep>()
  const complaintState = new Map<number, string>() // each complaint's latest state
  for (const h of [...(history ?? [])].sort((a, b) => a.seq - b.seq)) {
    if (h.entity === 'application') {
      if (h.before) passed.add(h.before)
      if (h.after) passed.add(h.after)
      if (h.action === 'reissue_key') complaint.add('rekey')
    } else if (h.entity === 'complaint') {
      complaint.add('complaint')
      if (h.after) complaintState.set(h.entity_id, h.after)
      if (h.after === 'founded' || h.after === 'unfounded') complaint.add('verification')
      if (h.after === 'rectifying') complaint.add('rectification')
      if (h.after === 'rectified' || h.action === 'report_rectified') complaint.add('rekey')
    }
  }
  const complaintCurrent = new Set<ComplaintStep>()
  for (const state of complaintState.values()) {
    const step = WAITS_IN[state]
    if (step) complaintCurrent.add(step)
  }
  return { passed, complaint, complaintCurrent }
}

// A complaint step: in progress while an open complaint waits in it, passed once
// a complaint went through it, else not reached.
export function complaintStepStatus(step: ComplaintStep, progress: ProcessProgress): StepStatus {
  if (progress.complaintCurrent.has(step)) return 'current'
  return progress.complaint.has(step) ? 'passed' : 'pending'
}

export function stepStatus(step: string, current: string | null | undefined, progress: ProcessProgress): StepStatus {
  if (current && step === current) return 'current'
  return progress.passed.has(step) ? 'passed' : 'pending'
}
