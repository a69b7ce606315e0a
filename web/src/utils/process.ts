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
}

export function processProgress(history: HistoryEntry[] | null | undefined): ProcessProgress {
  const passed = new Set<string>()
  const complaint = new Set<ComplaintStep>()
  for (const h of history ?? []) {
    if (h.entity === 'application') {
      if (h.before) passed.add(h.before)
      if (h.after) passed.add(h.after)
      if (h.action === 'reissue_key') complaint.add('rekey')
    } else if (h.entity === 'complaint') {
      complaint.add('complaint')
      if (h.after === 'founded' || h.after === 'unfounded') complaint.add('verification')
      if (h.after === 'rectifying') complaint.add('rectification')
      if (h.after === 'rectified' || h.action === 'report_rectified') complaint.add('rekey')
    }
  }
  return { passed, complaint }
}

export function stepStatus(step: string, current: string | null | undefined, progress: ProcessProgress): StepStatus {
  if (current && step === current) return 'current'
  return progress.passed.has(step) ? 'passed' : 'pending'
}
