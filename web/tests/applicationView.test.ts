import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import {
  materialRound,
  materialsEditable,
  orderDeadlines,
  previewKind,
  problemsByMaterial,
  productNames,
  shortHash,
  showsJointTest,
  standingReturn,
  vendorActions,
} from '@/utils/applicationView'

type Review = Schemas['Review']
type Deadline = Schemas['Deadline']

const review = (id: number, action: Review['action'], at: string, problems: Review['problems'] = []): Review => ({
  id,
  action,
  note: '',
  problems,
  late: false,
  created_at: at,
  reviewer: '广州市住房城乡建设局',
})

const deadline = (kind: Deadline['kind'], started: string, due: string, done: string | null): Deadline => ({
  kind,
  started_at: started,
  due_at: due,
  done_at: done,
  overdue: false,
  overdue_working_days: 0,
  provisional: false,
  working_days: 3,
})

describe('vendorActions', () => {
  it('follows the transition table of the vendor', () => {
    expect(vendorActions('draft')).toEqual(['submit', 'withdraw'])
    expect(vendorActions('returned')).toEqual(['resubmit', 'withdraw'])
    expect(vendorActions('under_review')).toEqual(['withdraw'])
    expect(vendorActions('joint_testing')).toEqual(['withdraw'])
    for (const s of ['succeeded', 'delayed', 'withdrawn']) expect(vendorActions(s)).toEqual([])
  })
  it('lets materials change only in draft and returned', () => {
    expect(materialsEditable('draft')).toBe(true)
    expect(materialsEditable('returned')).toBe(true)
    expect(materialsEditable('under_review')).toBe(false)
    expect(materialsEditable('joint_testing')).toBe(false)
  })
  it('shows the joint test once the key is issued', () => {
    expect(showsJointTest('joint_testing')).toBe(true)
    expect(showsJointTest('succeeded')).toBe(true)
    expect(showsJointTest('delayed')).toBe(true)
    expect(showsJointTest('under_review')).toBe(false)
  })
})

describe('standingReturn and problemsByMaterial', () => {
  const ret = review(2, 'return', '2026-11-02T10:00:00+08:00', [
    { material_id: 7, text: '营业执照复印件未加盖企业公章' },
    { material_id: 7, text: '营业执照已过期' },
    { text: '接口说明未写明标准版本' },
  ])
  it('is the newest review when it is a return, whatever the order given', () => {
    const approveBefore = review(1, 'approve', '2026-11-01T10:00:00+08:00')
    expect(standingReturn([ret, approveBefore])?.id).toBe(2)
    expect(standingReturn([])).toBeNull()
  })
  it('is gone once a later review approved', () => {
    const approve = review(3, 'approve', '2026-11-05T10:00:00+08:00')
    expect(standingReturn([approve, ret])).toBeNull()
  })
  it('groups problems by material and keeps the general ones apart', () => {
    const g = problemsByMaterial(ret)
    expect(g.byMaterial.get(7)?.map((p) => p.text)).toEqual(['营业执照复印件未加盖企业公章', '营业执照已过期'])
    expect(g.general.map((p) => p.text)).toEqual(['接口说明未写明标准版本'])
    expect(problemsByMaterial(null)).toEqual({ byMaterial: new Map(), general: [] })
  })
})

describe('previewKind', () => {
  it('previews images and PDF only', () => {
    expect(previewKind('application/pdf')).toBe('pdf')
    expect(previewKind('image/png')).toBe('image')
    expect(previewKind('IMAGE/JPEG')).toBe('image')
    expect(previewKind('application/zip', 'a.zip')).toBeNull()
    expect(previewKind('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBeNull()
  })
  it('falls back to the file name when the type is unknown', () => {
    expect(previewKind('', '营业执照.PDF')).toBe('pdf')
    expect(previewKind('application/octet-stream', 'photo.jpg')).toBe('image')
    expect(previewKind(undefined, 'x.docx')).toBeNull()
  })
})

describe('small helpers', () => {
  it('shortens hashes', () => {
    expect(shortHash('5f4bfb337e1fecfce7d48ab26f44d5b7')).toBe('5f4bfb337e1f')
    expect(shortHash('', 8)).toBe('—')
  })
  it('puts open deadlines first, soonest on top, then finished ones newest first', () => {
    const doneOld = deadline('review', '2026-11-01T10:00:00+08:00', '2026-11-04T23:59:59+08:00', '2026-11-02T10:00:00+08:00')
    const doneNew = deadline('review', '2026-11-05T10:00:00+08:00', '2026-11-10T23:59:59+08:00', '2026-11-06T10:00:00+08:00')
    const openLate = deadline('joint_test', '2026-11-06T10:00:00+08:00', '2026-11-13T23:59:59+08:00', null)
    const openSoon = deadline('complaint_verification', '2026-11-07T10:00:00+08:00', '2026-11-12T23:59:59+08:00', null)
    expect(orderDeadlines([doneOld, openLate, doneNew, openSoon])).toEqual([openSoon, openLate, doneNew, doneOld])
  })
  it('names products with model and version', () => {
    expect(
      productNames({ products: [{ id: 1, name: '人脸识别闸机', model: 'HA-FG300', version: 'V2.3.1', kind: 'face_gate' }] }),
    ).toBe('人脸识别闸机（HA-FG300 V2.3.1）')
    expect(productNames({ products: [] })).toBe('—')
  })
})

describe('the submission a material came with', () => {
  const m = (id: number, kind: string, round: number) =>
    ({ id, kind, round, filename: `${kind}.pdf`, size: 1, sha256: 'x', content_type: 'application/pdf' }) as Schemas['Material']
  it('says nothing while the application was submitted once', () => {
    const all = [m(1, 'business_license', 0), m(2, 'other', 0)]
    expect(materialRound(all[0], all, 1)).toBeNull()
  })
  it('names the submission and marks a file a later one replaced', () => {
    const all = [m(1, 'business_license', 0), m(2, 'other', 0), m(3, 'business_license', 1)]
    expect(materialRound(all[0], all, 2)).toEqual({ round: '第 1 次提交', replaced: true })
    expect(materialRound(all[1], all, 2)).toEqual({ round: '第 1 次提交', replaced: false })
    expect(materialRound(all[2], all, 2)).toEqual({ round: '第 2 次提交', replaced: false })
  })
})
