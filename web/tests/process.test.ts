import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ProcessDiagram from '@/components/ProcessDiagram.vue'
import { actorName, actorWithRole, historyReason, historyTone, historyTransition } from '@/utils/history'

const entry = (seq: number, entity: string, action: string, before: string, after: string, reason = '', role = 'vendor') => ({
  seq,
  entity,
  entity_id: 7,
  actor: role === 'system' ? 'platform' : 'huaan',
  role,
  action,
  before,
  after,
  reason,
  at: '2026-11-14T02:00:00Z',
  hash: 'abcdef0123456789abcdef',
  report_digest: null,
})

const history = [
  entry(1, 'application', 'create', '', 'draft', 'first'),
  entry(2, 'application', 'material_upload', 'draft', 'draft', 'business_license: license.pdf (abc)'),
  entry(3, 'application', 'submit', 'draft', 'under_review'),
  entry(4, 'application', 'approve', 'under_review', 'joint_testing', '', 'city_reviewer'),
  entry(5, 'complaint', 'file', '', 'submitted', 'technical_barrier'),
  entry(6, 'alert', 'raise', '', 'open', 'joint_test_overdue', 'system'),
]

describe('history entries in Chinese', () => {
  it('names the state change in the labels of what the entry is about', () => {
    expect(historyTransition(history[2])).toBe('草稿 → 待审核')
    expect(historyTransition(history[1])).toBeNull()
    expect(historyTransition(history[4])).toBe('→ 待核实')
    expect(historyTransition(history[5])).toBe('→ 待反馈')
  })

  it('translates reasons that are stable words, and leaves people’s words alone', () => {
    expect(historyReason(history[0])).toBe('首次在广东省对接')
    expect(historyReason(history[1])).toBe('营业执照：license.pdf (abc)')
    expect(historyReason(history[4])).toBe('设置技术壁垒')
    expect(historyReason(history[5])).toBe('联调超期')
    expect(historyReason(entry(9, 'application', 'return', 'under_review', 'returned', '营业执照已过期'))).toBe('营业执照已过期')
    const problems = JSON.stringify([{ material_id: 34, text: '复印件未盖章' }, { clause: '5.2', text: '签名错误' }])
    expect(historyReason(entry(10, 'application', 'return', 'under_review', 'returned', problems))).toBe(
      '1. 复印件未盖章；2. 5.2：签名错误',
    )
    expect(historyReason(entry(11, 'application', 'return', 'under_review', 'returned', '[不是 JSON'))).toBe('[不是 JSON')
    // A decision's note, its problem list and the late mark, as the server joins them.
    const delay = JSON.stringify([{ clause: '数据接口标准 Team.Add', text: '班组名称为空[teamName]' }])
    expect(
      historyReason(entry(12, 'application', 'delay', 'joint_testing', 'delayed', `未按期完成；${delay}；逾期后记录`)),
    ).toBe('未按期完成；问题清单：1. 数据接口标准 Team.Add：班组名称为空[teamName]；逾期后记录')
    expect(historyReason(entry(13, 'application', 'delay', 'joint_testing', 'delayed', `${delay}；逾期后记录`))).toBe(
      '问题清单：1. 数据接口标准 Team.Add：班组名称为空[teamName]；逾期后记录',
    )
    expect(historyReason(entry(14, 'application', 'return', 'under_review', 'returned', '见附件；[草稿]'))).toBe(
      '见附件；[草稿]',
    )
  })

  it('names the platform itself 平台, never by its account', () => {
    expect(actorName(history[5])).toBe('平台')
    expect(actorWithRole(history[5])).toBe('平台')
    expect(actorName(history[3])).toBe('huaan')
    expect(actorWithRole(history[3])).toBe('市级主管部门 · huaan')
    // With the account's display name, the name people know first.
    const named = { ...history[3], actor: 'reviewer_440100', actor_display: '广州市住房城乡建设局' }
    expect(actorName(named)).toBe('广州市住房城乡建设局（reviewer_440100）')
    expect(actorWithRole(named)).toBe('市级主管部门 · 广州市住房城乡建设局（reviewer_440100）')
    expect(actorName({ ...named, actor_display: 'reviewer_440100' })).toBe('reviewer_440100')
  })

  it('colours entries by what happened', () => {
    expect(historyTone(history[3])).toBe('primary')
    expect(historyTone(history[1])).toBe('info')
    expect(historyTone(history[4])).toBe('warning')
    expect(historyTone(history[5])).toBe('danger')
    expect(historyTone(entry(9, 'application', 'succeed', 'joint_testing', 'succeeded'))).toBe('success')
  })
})

describe('ProcessDiagram', () => {
  it('highlights the current step and marks the passed ones and the complaint steps reached', () => {
    const w = mount(ProcessDiagram, { props: { state: 'joint_testing', history } })
    const status = (k: string) => w.get(`[data-testid="process-node-${k}"]`).attributes('data-status')
    expect(status('joint_testing')).toBe('current')
    expect(status('draft')).toBe('passed')
    expect(status('under_review')).toBe('passed')
    expect(status('returned')).toBe('pending')
    expect(status('succeeded')).toBe('pending')
    expect(status('complaint')).toBe('passed')
    // The complaint filed waits for its verification.
    expect(status('verification')).toBe('current')
    expect(status('rectification')).toBe('pending')
    expect(w.text()).toContain('审核时限 3 个工作日')
    expect(w.text()).toContain('联调时限 5 个工作日')
    expect(w.text()).toContain('当前步骤：联调中')
  })

  it('shows an open rectification in progress until it is reported done', () => {
    const verified = [
      ...history,
      entry(7, 'complaint', 'verify_founded', 'submitted', 'founded', '', 'city_reviewer'),
      entry(8, 'complaint', 'order_rectification', 'founded', 'rectifying', '', 'system'),
    ]
    const w = mount(ProcessDiagram, { props: { state: 'joint_testing', history: verified } })
    const status = (k: string) => w.get(`[data-testid="process-node-${k}"]`).attributes('data-status')
    expect(status('verification')).toBe('passed')
    expect(status('rectification')).toBe('current')
    expect(status('rekey')).toBe('pending')
    expect(w.get('[data-testid="process-node-rectification"]').text()).not.toContain('✓')
    expect(w.get('[data-testid="process-complaint-current"]').text()).toContain('技术支持整改')

    const rectified = [
      ...verified,
      entry(9, 'complaint', 'report_rectified', 'rectifying', 'rectified', '', 'tech_support'),
      entry(10, 'application', 'reissue_key', 'joint_testing', 'joint_testing', '', 'system'),
    ]
    const after = mount(ProcessDiagram, { props: { state: 'joint_testing', history: rectified } })
    const s2 = (k: string) => after.get(`[data-testid="process-node-${k}"]`).attributes('data-status')
    expect(s2('rectification')).toBe('passed')
    expect(s2('rekey')).toBe('passed')
    expect(after.find('[data-testid="process-complaint-current"]').exists()).toBe(false)
  })

  it('draws the bare process without a state', () => {
    const w = mount(ProcessDiagram)
    expect(w.get('[data-testid="process-node-draft"]').attributes('data-status')).toBe('none')
    expect(w.text()).not.toContain('当前步骤')
  })
})
