// Chinese names of the API's stable words. One table per enum, so a view never
// spells a label of its own.
export const STATE_LABELS: Record<string, string> = {
  draft: '草稿',
  under_review: '待审核',
  returned: '退回修改',
  joint_testing: '联调中',
  succeeded: '联调成功',
  delayed: '联调延期',
  withdrawn: '已撤回',
}

export const STATE_TAG_TYPES: Record<string, 'info' | 'warning' | 'danger' | 'success' | 'primary'> = {
  draft: 'info',
  under_review: 'warning',
  returned: 'danger',
  joint_testing: 'primary',
  succeeded: 'success',
  delayed: 'danger',
  withdrawn: 'info',
}

export const ROLE_LABELS: Record<string, string> = {
  vendor: '软硬件企业',
  city_reviewer: '市级主管部门',
  tech_support: '技术支持单位',
  province: '省级主管部门',
  admin: '平台管理员',
}

export const DEADLINE_KIND_LABELS: Record<string, string> = {
  review: '材料审核',
  joint_test: '联调测试',
  rectification: '整改',
  complaint_verification: '投诉核实',
}

export const ALERT_KIND_LABELS: Record<string, string> = {
  review_overdue: '审核超期',
  joint_test_overdue: '联调超期',
  rectification_overdue: '整改超期',
  complaint_overdue: '投诉核实超期',
}

export const ALERT_STATUS_LABELS: Record<string, string> = { open: '待反馈', answered: '已反馈' }

export const COMPLAINT_STATE_LABELS: Record<string, string> = {
  submitted: '待核实',
  unfounded: '投诉不属实',
  founded: '投诉属实',
  rectifying: '整改中',
  rectified: '已整改',
  closed: '已办结',
}

export const CONDUCT_LABELS: Record<string, string> = {
  key_unusable: '测试密钥无法使用',
  interface_not_provided: '未提供接口或接口不符合标准',
  technical_barrier: '设置技术壁垒',
  designation_or_fees: '指定产品或收取费用',
  other: '其他',
}

export const MATERIAL_KIND_LABELS: Record<string, string> = {
  business_license: '营业执照',
  product_description: '产品说明',
  interface_statement: '接口对接说明',
  test_report: '检测报告',
  connection_proof: '已对接证明',
  authorization_letter: '授权委托书',
  other: '其他材料',
}

export const PRODUCT_KIND_LABELS: Record<string, string> = {
  face_gate: '人脸识别闸机',
  attendance_terminal: '考勤终端',
  software: '劳务管理软件',
  other: '其他',
}

export const PATH_LABELS: Record<string, string> = {
  first: '首次在广东省对接',
  connected_elsewhere: '已在其他地市对接',
}

export const ACTION_LABELS: Record<string, string> = {
  create: '创建申请',
  submit: '提交材料',
  resubmit: '重新提交',
  withdraw: '撤回申请',
  approve: '审核通过并发放测试密钥',
  return: '退回修改',
  succeed: '联调成功',
  delay: '联调延期',
}

export const CASE_STATUS_LABELS: Record<string, string> = { pass: '通过', fail: '未通过', pending: '待测试' }

export function label(table: Record<string, string>, key: string | null | undefined): string {
  if (!key) return '—'
  return table[key] ?? key
}

// What each history entry records (HistoryEntry.action), for the timeline.
export const HISTORY_ACTION_LABELS: Record<string, string> = {
  ...ACTION_LABELS,
  material_upload: '上传材料',
  key_claim: '领取测试密钥',
  key_rotate: '更换测试密钥',
  reissue_key: '整改后重新发放测试密钥',
  file: '提交投诉',
  evidence_add: '补充投诉证据',
  verify_founded: '核实：投诉属实',
  verify_unfounded: '核实：投诉不属实',
  order_rectification: '下达整改',
  report_rectified: '报告整改完成',
  close: '办结',
  raise: '平台自动预警',
  respond: '核实并反馈情况',
  urge: '省级督办',
  fault_on: '开启故障场景',
  fault_off: '关闭故障场景',
  city_configure: '配置地市',
  calendar_import: '导入工作日历',
  user_add: '新增用户',
  password_change: '修改密码',
  user_disable: '停用用户',
  user_enable: '启用用户',
  password_reset: '重置密码',
  vendor_register: '企业注册',
  vendor_update: '更新企业信息',
  vendor_release: '注销企业',
  product_add: '新增产品',
}

// Whether a user may log in (User.active on the users page; a history entry's
// before/after when the admin disables or enables one).
export const USER_STATUS_LABELS: Record<string, string> = { active: '启用', disabled: '已停用' }

// Whether an enterprise stands registered or was released by the admin (Vendor.released).
export const VENDOR_STATUS_LABELS: Record<string, string> = { registered: '正常', released: '已注销' }

// What a history entry is about (HistoryEntry.entity).
export const HISTORY_ENTITY_LABELS: Record<string, string> = {
  application: '申请',
  complaint: '投诉',
  alert: '预警',
  city: '地市',
  calendar: '工作日历',
  user: '用户',
  vendor: '企业',
  product: '产品',
}

// Who acted, including the platform itself (role "system").
export const ACTOR_ROLE_LABELS: Record<string, string> = { ...ROLE_LABELS, system: '平台' }

// Short names of the interface standards shipped in spec/profiles; a profile added
// later is shown with the title and version GET /profiles gives.
export const PROFILE_LABELS: Record<string, string> = {
  'gd-v1.3': '广东省数据接口标准 V1.3',
  'national-1.0': '全国数据接口标准（试行）1.0',
  'gz-md5-des': '广州市数据接口标准 1.0（MD5 签名 + DES）',
  'mz-json-md5': '梅州数据对接标准 1.2（JSON 请求体 + MD5 签名）',
}

// The actions of a complaint's history entries.
export const COMPLAINT_ACTION_LABELS: Record<string, string> = {
  file: '发起投诉',
  evidence_add: '补充证据',
  verify_founded: '核实：投诉属实',
  verify_unfounded: '核实：投诉不属实',
  order_rectification: '下达整改',
  report_rectified: '报告整改完成',
  close: '办结',
}

export const KEY_STATUS_LABELS: Record<string, string> = { active: '有效', expired: '已过期', revoked: '已作废' }

// Why a test key was revoked: replaced by a new one, or the application ended.
export const KEY_REVOKE_REASON_LABELS: Record<string, string> = {
  superseded: '已被新密钥替代',
  rotated: '厂商重新生成密钥后作废',
  succeeded: '联调成功后收回',
  delayed: '联调延期后收回',
  withdrawn: '申请撤回后收回',
}

export const EVIDENCE_OUTCOME_LABELS: Record<string, string> = { accepted: '受理', refused: '拒绝', fault: '故障' }

// Who sent an evidence row: the vendor's device to the hosted sandbox, or the
// platform's own probe of a city's test environment.
export const EVIDENCE_SOURCE_LABELS: Record<string, string> = { sandbox: '设备请求（沙箱）', probe: '平台探测' }

// The rule a refused request failed (the profile's error catalogue key, evidence `rule`),
// as a person reads it; the key itself is shown beside it for the vendor's engineers.
export const RULE_LABELS: Record<string, string> = {
  success: '成功',
  malformed_form: '请求格式错误',
  missing_param: '缺少公共参数',
  invalid_json: 'data 不是合法 JSON',
  body_too_large: '请求体过大',
  unknown_app: '未知的 appid',
  key_revoked: '测试密钥已作废',
  key_expired: '测试密钥已过期',
  wrong_city: '密钥不属于本地市或本版本标准',
  unknown_method: '未知的接口方法',
  timestamp_format: '时间戳格式错误',
  timestamp_skew: '时间戳与服务器时间相差过大',
  nonce_replayed: '随机数重复（重放）',
  bad_signature: '签名错误',
  decrypt_failed: '加密字段无法解密',
  rate_limited: '请求过于频繁',
  server_error: '服务器错误',
  required: '缺少必填字段',
  type: '字段类型错误',
  max_length: '字段超长',
  min_length: '字段过短',
  pattern: '字段格式不符',
  enum: '字段取值不在范围内',
  min_items: '列表条数过少',
  max_items: '列表条数过多',
  minimum: '数值过小',
  maximum: '数值过大',
  unknown_field: '未定义的字段',
  dict: '字典值无效',
  format_date: '日期格式错误',
  format_datetime: '日期时间格式错误',
  format_month: '月份格式错误',
  format_date_or_datetime: '日期或时间格式错误',
  date_order: '日期先后顺序错误',
  not_future: '时间晚于当前时间',
  image_size: '图片超过大小限制',
  image_type: '图片格式不支持',
  id_number: '身份证号码无效',
  credit_code: '统一社会信用代码无效',
  project_mismatch: '项目编码不属于本密钥',
  corp_in_project: '企业不在项目中',
  team_exists: '班组不存在',
  worker_registered: '工人未登记',
  worker_in_team: '工人不属于该班组',
  worker_entered: '工人未进场',
  entry_exit_order: '进退场顺序错误',
  exit_before_entry: '未进场先退场',
  entry_while_entered: '已进场重复进场',
  duplicate_worker: '工人重复',
  duplicate_team: '班组重复',
  duplicate_subcontractor: '参建单位重复',
  subcontractor_unknown: '参建单位不存在',
  duplicate_attendance: '考勤重复',
  duplicate_payroll: '工资单重复',
  duplicate_entry_exit: '进退场记录重复',
  duplicate_contract: '劳动合同重复',
  duplicate_training: '培训记录重复',
  duplicate_project: '项目重复',
  project_unknown: '项目不存在或不可修改',
  serial_unknown: '异步流水号不存在',
}

// What the sandbox noted about an evidence row (its `tags`), as a reviewer reads them.
// A tag with a method after the colon names it: `fetched:Team.Add`.
export const EVIDENCE_TAG_LABELS: Record<string, string> = {
  signed: '签名有效',
  unsigned_cap: '本小时签名无效的拒绝已达记录上限，此后不再记录',
  encrypted_field: '含加密字段',
  head_image: '含头像图片',
  via_get: '以 GET 方式提交',
  duplicate: '重复数据',
  async_failed: '异步处理失败',
  pending: '结果处理中',
  fetched_after_pending: '等待后取得结果',
  entry_in: '进场',
  entry_out: '退场',
  direction_in: '考勤：进',
  direction_out: '考勤：出',
  // Accepted as the city's profile says (profile.json `noted`), not refused.
  'noted:credit_code_checksum': '统一社会信用代码校验位不符，按本市接口标准仅提示（早期试点地区代码）',
}
const EVIDENCE_TAG_PREFIXES: Record<string, string> = {
  'fetched:': '取得结果：',
  'pending:': '处理中：',
  'resolved:': '已有最终结果：',
}

export function evidenceTagLabel(tag: string): string {
  if (tag in EVIDENCE_TAG_LABELS) return EVIDENCE_TAG_LABELS[tag]
  for (const [prefix, text] of Object.entries(EVIDENCE_TAG_PREFIXES)) {
    if (tag.startsWith(prefix)) return text + tag.slice(prefix.length)
  }
  return tag // a tag of a newer server: shown as it is rather than hidden
}

// An application's products in one line, each with its model: 人脸识别闸机（HA-FG300）、…
export function productList(products: readonly { name: string; model: string }[] | null | undefined): string {
  if (!products?.length) return '—'
  return products.map((p) => (p.model ? `${p.name}（${p.model}）` : p.name)).join('、')
}
