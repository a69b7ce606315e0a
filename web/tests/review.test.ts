import { describe, expect, it } from 'vitest'
import type { Deadline } from '@/utils/format'
import {
  delayBody,
  delayProblemsError,
  inboxItems,
  inboxSummary,
  inboxTodo,
  jointWindowExpired,
  openJointDeadline,
  orderComplaints,
  prefillDelayProblems,
  returnBody,
  returnProblemsError,
  succeedWarning,
  toShanghaiIso,
  type ApplicationSummary,
  type Conformance,
  type ConformanceCase,
} from '@/utils/review'

const deadline = (over: Partial<Deadline>): Deadline => ({
  kind: 'review',
  started_at: '2026-11-20T10:00:00+08:00',
  due_at: '2026-11-25T23:59:59+08:00',
  done_at: null,
  overdue: false,
  overdue_working_days: 0,
  provisional: false,
  working_days: 3,
  ...over,
})

const app = (id: number, state: ApplicationSummary['state'], d: Partial<Deadline> | null): ApplicationSummary => ({
  id,
  vendor: { id: 1, name: '广州华安智能科技有限公司' },
  city_code: '440100',
  city_name: '广州市',
  path: 'first',
  state,
  late: false,
  created_at: '2026-11-01T10:00:00+08:00',
  updated_at: '2026-11-01T10:00:00+08:00',
  submitted_at: null,
  next_deadline: d ? deadline(d) : null,
  products: [{ id: 1, name: '人脸识别闸机', model: 'HA-FG300' }],
})

describe('the inbox', () => {
  const items = [
    app(1, 'succeeded', null),
    app(2, 'under_review', { due_at: '2026-12-02T23:59:59+08:00', working_days_left: 2 }),
    app(3, 'joint_testing', { kind: 'joint_test', due_at: '2026-11-20T23:59:59+08:00', overdue: true, overdue_working_days: 6 }),
    app(4, 'under_review', { due_at: '2026-11-25T23:59:59+08:00', overdue: true, overdue_working_days: 3 }),
    app(5, 'draft', null),
    app(6, 'joint_testing', { kind: 'joint_test', due_at: '2026-12-02T23:59:59+08:00', working_days_left: 2 }),
    app(7, 'returned', null),
  ]

  it('keeps the reviews and the expired joint tests, the most overdue first', () => {
    expect(inboxItems(items).map((a) => a.id)).toEqual([3, 4, 2])
  })

  it('counts the summary', () => {
    expect(inboxSummary(items, 2, 5)).toEqual({ underReview: 2, overdue: 2, jointTesting: 2, complaintsToVerify: 2, openAlerts: 5 })
  })

  it('says what to do next', () => {
    expect(inboxTodo(items[3])).toMatch(/超期/)
    expect(inboxTodo(items[1])).toBe('审核材料')
    expect(jointWindowExpired(items[2])).toBe(true)
    expect(inboxTodo(items[2])).toMatch(/联调延期/)
    expect(jointWindowExpired(items[5])).toBe(false)
  })
})

const kase = (over: Partial<ConformanceCase>): ConformanceCase => ({
  id: 'x',
  title: '用例',
  required: true,
  status: 'pass',
  evidence_ids: [],
  clause: '条款',
  scenario: null,
  applicable: true,
  ...over,
})
const conformance = (cases: ConformanceCase[], delay?: { clause: string; text: string }[]): Conformance => ({
  application_id: 7,
  cases,
  delay_problems: delay,
  summary: { all_required_passed: false, failed: 0, passed: 0, pending: 0, requests: 0, required: 0, required_passed: 0, total: 0 },
})

describe('the delay problem list', () => {
  it("takes the server's delay_problems when it offers them", () => {
    const c = conformance([kase({ status: 'fail' })], [{ clause: '数据接口标准 Team.Add', text: '未通过：班组上传；签名错误（证据 3）' }])
    expect(prefillDelayProblems(c)).toEqual([{ clause: '数据接口标准 Team.Add', text: '未通过：班组上传；签名错误（证据 3）' }])
  })

  it('else lists the failed cases, then the required ones never tested, skipping what does not apply', () => {
    const c = conformance(
      [
        kase({ id: 'a', title: '签名', clause: 'C1', status: 'pass' }),
        kase({ id: 'b', title: '班组上传', clause: 'C2', status: 'pending' }),
        kase({ id: 'c', title: '合同', clause: 'C3', status: 'fail', required: false }),
        kase({ id: 'd', title: '培训', clause: 'C4', status: 'pending', required: false }),
        kase({ id: 'e', title: '重试', clause: 'C5', status: 'fail', applicable: false }),
      ],
      [],
    )
    expect(prefillDelayProblems(c)).toEqual([
      { clause: 'C3', text: '未通过：合同' },
      { clause: 'C2', text: '未完成测试：班组上传' },
    ])
    expect(prefillDelayProblems(null)).toEqual([])
  })

  it('needs at least one problem, each with clause and text', () => {
    expect(delayProblemsError([])).toMatch(/至少一项/)
    expect(delayProblemsError([{ clause: 'C1', text: 'x' }, { clause: ' ', text: 'y' }])).toMatch(/第 2 项/)
    expect(delayProblemsError([{ clause: 'C1', text: 'x' }])).toBe('')
    expect(delayBody([{ clause: ' C1 ', text: ' x ' }])).toEqual({ problems: [{ clause: 'C1', text: 'x' }] })
  })
})

describe('the return problem list', () => {
  it('needs at least one problem with text; names a material only when chosen', () => {
    expect(returnProblemsError([])).toMatch(/至少一项/)
    expect(returnProblemsError([{ material_id: 3, text: '  ' }])).toMatch(/第 1 项/)
    expect(
      returnBody([
        { material_id: 3, text: ' 营业执照已过期 ' },
        { material_id: null, text: '联系人电话有误' },
      ]),
    ).toEqual({ problems: [{ material_id: 3, text: '营业执照已过期' }, { text: '联系人电话有误' }] })
  })
})

describe('small helpers', () => {
  it('writes a picked time in Beijing time', () => {
    expect(toShanghaiIso(new Date('2026-11-27T07:00:00Z'))).toBe('2026-11-27T15:00:00+08:00')
    expect(toShanghaiIso(new Date('2026-11-27T17:30:05Z'))).toBe('2026-11-28T01:30:05+08:00')
  })

  it("finds the application's open joint-test window, not a complaint's deadline", () => {
    const old = deadline({ kind: 'joint_test', started_at: '2026-11-13T10:00:00+08:00', due_at: '2026-11-20T23:59:59+08:00', overdue: true })
    const fresh = deadline({ kind: 'joint_test', started_at: '2026-12-02T10:00:00+08:00', due_at: '2026-12-09T23:59:59+08:00' })
    const other = deadline({ kind: 'rectification', started_at: '2026-12-05T10:00:00+08:00', complaint_id: 2 })
    expect(openJointDeadline({ deadlines: [fresh, other, old] })).toBe(fresh)
    expect(openJointDeadline({ deadlines: [old] })).toBe(old)
    expect(openJointDeadline({ deadlines: [] })).toBeNull()
  })

  it('puts complaints to verify first for the reviewer', () => {
    const c = (id: number, state: string, created_at: string) => ({ id, state, created_at })
    const list = [c(1, 'unfounded', '2026-11-21T10:00:00+08:00'), c(2, 'submitted', '2026-11-01T10:00:00+08:00'), c(3, 'closed', '2026-11-25T10:00:00+08:00')]
    expect(orderComplaints(list, true).map((x) => x.id)).toEqual([2, 3, 1])
    expect(orderComplaints(list, false).map((x) => x.id)).toEqual([3, 1, 2])
  })
})

describe('the 联调成功 warning', () => {
  const summary = (over: Partial<Conformance['summary']>): Conformance['summary'] => ({
    total: 15,
    required: 5,
    passed: 0,
    failed: 0,
    pending: 15,
    required_passed: 0,
    all_required_passed: false,
    requests: 0,
    ...over,
  })

  it('warns when required cases are not all passed, with how many passed', () => {
    expect(succeedWarning(summary({ requests: 12, required_passed: 3, passed: 8 }))).toBe(
      '必测用例未全部通过（已通过 3/5），仍要记录联调成功吗？',
    )
  })

  it('says so when the device sent nothing at all', () => {
    expect(succeedWarning(summary({}))).toBe('当前测试密钥尚未收到设备的任何请求，必测用例未全部通过（已通过 0/5），仍要记录联调成功吗？')
  })

  it('has nothing to say when every required case passed, or without a checklist', () => {
    expect(succeedWarning(summary({ requests: 40, required_passed: 5, all_required_passed: true }))).toBe('')
    expect(succeedWarning(null)).toBe('')
  })
})
