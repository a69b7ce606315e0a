#include "domain/workflow.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <string>

namespace liantiao::domain {
namespace {

// ---------------------------------------------------------------------------
// The tables. They are data so that docs/workflow.md, the tests and the code all
// talk about the same rows; ApplyXxxAction only looks rows up.
// ---------------------------------------------------------------------------

using enum Role;

constexpr AppRule kAppRules[] = {
    {AppState::kDraft, AppAction::kSubmit, kVendor, AppState::kUnderReview},
    {AppState::kReturned, AppAction::kResubmit, kVendor, AppState::kUnderReview},
    // Withdrawal is possible from every non-final state, joint testing included.
    {AppState::kDraft, AppAction::kWithdraw, kVendor, AppState::kWithdrawn},
    {AppState::kUnderReview, AppAction::kWithdraw, kVendor, AppState::kWithdrawn},
    {AppState::kReturned, AppAction::kWithdraw, kVendor, AppState::kWithdrawn},
    {AppState::kJointTesting, AppAction::kWithdraw, kVendor, AppState::kWithdrawn},
    {AppState::kUnderReview, AppAction::kApprove, kCityReviewer, AppState::kJointTesting},
    {AppState::kUnderReview, AppAction::kReturn, kCityReviewer, AppState::kReturned},
    {AppState::kJointTesting, AppAction::kSucceed, kCityReviewer, AppState::kSucceeded},
    {AppState::kJointTesting, AppAction::kDelay, kCityReviewer, AppState::kDelayed},
    // After a founded complaint's rectification: the support unit reports it done, or
    // the platform re-issues on its behalf.
    {AppState::kJointTesting, AppAction::kReissueKey, kTechSupport, AppState::kJointTesting},
    {AppState::kJointTesting, AppAction::kReissueKey, kSystem, AppState::kJointTesting},
};

constexpr ComplaintRule kComplaintRules[] = {
    {ComplaintState::kSubmitted, ComplaintAction::kVerifyFounded, kCityReviewer, ComplaintState::kFounded},
    {ComplaintState::kSubmitted, ComplaintAction::kVerifyUnfounded, kCityReviewer, ComplaintState::kUnfounded},
    {ComplaintState::kFounded, ComplaintAction::kOrderRectification, kSystem, ComplaintState::kRectifying},
    {ComplaintState::kRectifying, ComplaintAction::kReportRectified, kTechSupport, ComplaintState::kRectified},
    // A complaint still open when its application ends is closed by the platform.
    {ComplaintState::kFounded, ComplaintAction::kClose, kSystem, ComplaintState::kClosed},
    {ComplaintState::kRectifying, ComplaintAction::kClose, kSystem, ComplaintState::kClosed},
    {ComplaintState::kRectified, ComplaintAction::kClose, kSystem, ComplaintState::kClosed},
};

constexpr AlertRule kAlertRules[] = {
    {AlertState::kOpen, AlertAction::kRespond, kCityReviewer, AlertState::kAnswered},
    // 督办 records the province's pressure but only the city's answer closes an alert.
    {AlertState::kOpen, AlertAction::kUrge, kProvince, AlertState::kOpen},
};

// What each state opens besides its transitions (see AppActivity).
constexpr ActivityRule kActivityRules[] = {
    // The materials are what the review reads: fixed from submission, open again when
    // the reviewer returns the application for revision.
    {AppActivity::kUploadMaterial, AppState::kDraft},
    {AppActivity::kUploadMaterial, AppState::kReturned},
    // The key works only for the joint test; it is revoked when the test ends.
    {AppActivity::kUseTestKey, AppState::kJointTesting},
    // A complaint is about the joint test (an unusable key, a technical barrier).
    {AppActivity::kFileComplaint, AppState::kJointTesting},
    {AppActivity::kSetFaultScenarios, AppState::kJointTesting},
};

// A refused activity in its own words. A switch without default: a new activity must
// say how it is refused.
std::string_view ActivityRefusal(AppActivity activity) {
  switch (activity) {
    case AppActivity::kUploadMaterial:
      return "仅草稿或退回修改状态可上传材料";
    case AppActivity::kUseTestKey:
      return "仅联调中的申请有可用的测试密钥";
    case AppActivity::kFileComplaint:
      return "仅联调中的申请可以投诉";
    case AppActivity::kSetFaultScenarios:
      return "只有联调中的申请可以设置故障场景";
  }
  assert(false && "unknown AppActivity");
  return "";
}

// Every enumerator, for the Parse functions. ToString's switch has no default, so
// adding an enumerator fails to compile there first; add it here at the same time.
constexpr std::array kAllRoles = {kVendor, kCityReviewer, kTechSupport, kProvince, kAdmin, kSystem};
constexpr std::array kAllAppStates = {AppState::kDraft,        AppState::kUnderReview, AppState::kReturned,
                                      AppState::kJointTesting, AppState::kSucceeded,   AppState::kDelayed,
                                      AppState::kWithdrawn};
constexpr std::array kAllAppActions = {AppAction::kSubmit,  AppAction::kResubmit,  AppAction::kWithdraw,
                                       AppAction::kApprove, AppAction::kReturn,    AppAction::kSucceed,
                                       AppAction::kDelay,   AppAction::kReissueKey};
constexpr std::array kAllDeadlineKinds = {DeadlineKind::kReview, DeadlineKind::kJointTest, DeadlineKind::kRectification,
                                          DeadlineKind::kComplaintVerification};
constexpr std::array kAllComplaintStates = {ComplaintState::kSubmitted, ComplaintState::kUnfounded,
                                            ComplaintState::kFounded,   ComplaintState::kRectifying,
                                            ComplaintState::kRectified, ComplaintState::kClosed};
constexpr std::array kAllAlertStates = {AlertState::kOpen, AlertState::kAnswered};

template <typename Enum, std::size_t N>
std::optional<Enum> ParseWord(const std::array<Enum, N>& all, std::string_view word) {
  for (Enum e : all) {
    if (ToString(e) == word) return e;
  }
  return std::nullopt;
}

// Chinese names used only in refusal messages; the stable words stay in details.
std::string_view ChineseRole(Role role) {
  switch (role) {
    case kVendor:
      return "软硬件企业";
    case kCityReviewer:
      return "市级主管部门";
    case kTechSupport:
      return "技术支持单位";
    case kProvince:
      return "省级主管部门";
    case kAdmin:
      return "平台管理员";
    case kSystem:
      return "平台";
  }
  assert(false && "unknown Role");
  return "";
}

std::string_view StateName(AppState s) { return ChineseName(s); }
std::string_view StateName(ComplaintState s) { return ChineseName(s); }
std::string_view StateName(AlertState s) {
  switch (s) {
    case AlertState::kOpen:
      return "待反馈";
    case AlertState::kAnswered:
      return "已反馈";
  }
  assert(false && "unknown AlertState");
  return "";
}

// The shared lookup with the shared precedence: a role that never takes the action
// anywhere is forbidden (403), whatever the state; a role that may take it, but not
// from this state, meets a conflict (409). Asking in that order keeps a vendor from
// learning anything about reviewer-only actions by probing states.
template <typename Rule, typename State, typename Action>
Result<const Rule*> FindRule(std::span<const Rule> table, State state, Action action, Role role) {
  bool role_may_act = false;
  for (const Rule& rule : table) {
    if (rule.action != action || rule.role != role) continue;
    role_may_act = true;
    if (rule.from == state) return &rule;
  }
  if (!role_may_act) return Forbidden(role, ToString(action));
  return MakeError(ErrorCode::kInvalidTransition, "当前状态（" + std::string(StateName(state)) + "）不允许此操作",
                   {{"state", ToString(state)}, {"action", ToString(action)}});
}

// What each application action does besides changing state. A switch without default:
// a new action must say which deadlines and keys it touches.
void ApplyEffects(AppAction action, AppTransition& t) {
  using K = DeadlineKind;
  switch (action) {
    case AppAction::kSubmit:
    case AppAction::kResubmit:
      t.start_deadlines = {K::kReview};
      return;
    case AppAction::kWithdraw:
      // Whichever is open: the service ignores a kind that has no open deadline.
      t.close_deadlines = {K::kReview, K::kJointTest};
      t.revoke_key = true;
      return;
    case AppAction::kApprove:
      t.close_deadlines = {K::kReview};
      t.start_deadlines = {K::kJointTest};
      t.issue_key = true;
      return;
    case AppAction::kReturn:
      t.close_deadlines = {K::kReview};
      return;
    case AppAction::kSucceed:
    case AppAction::kDelay:
      // The joint test is over, so the key has done its job.
      t.close_deadlines = {K::kJointTest};
      t.revoke_key = true;
      return;
    case AppAction::kReissueKey:
      // A fresh 5-working-day window replaces the one the rectification interrupted.
      t.close_deadlines = {K::kJointTest};
      t.start_deadlines = {K::kJointTest};
      t.issue_key = true;
      return;
  }
  assert(false && "unknown AppAction");
}

bool AfterWindow(const AppGuardInput& input) {
  return input.joint_test_due.has_value() && input.now > *input.joint_test_due;
}

// Guards that depend on more than state × action × role.
Status CheckGuards(AppAction action, const AppGuardInput& input) {
  switch (action) {
    case AppAction::kReturn:
      if (input.problem_count <= 0) {
        return MakeError(ErrorCode::kProblemsRequired, "退回修改须逐项列明材料存在的问题", {{"field", "problems"}});
      }
      return OkStatus();
    case AppAction::kDelay:
      // The window comes first: inside it no problem list makes a delay possible.
      if (!AfterWindow(input)) {
        // api.md answers a refused transition with 409 invalid_transition; the window is
        // the reason, said in the message and in details.reason for clients that care.
        nlohmann::json details = {{"state", "joint_testing"},
                                  {"action", "delay"},
                                  {"reason", "window_not_expired"},
                                  {"joint_test_due", nullptr}};
        if (input.joint_test_due) details["joint_test_due"] = FormatInstant(*input.joint_test_due);
        return MakeError(ErrorCode::kInvalidTransition, "联调期限尚未届满，暂不能记录联调延期", std::move(details));
      }
      // A complaint that the key was unusable or the interface a barrier is the city's
      // to answer first: founded, the vendor is owed a new key and a new window, so the
      // window that ran out is not the device's to answer for; not yet verified, it could
      // still be founded, when nothing could be rectified any more (the delay recorded).
      if (input.open_complaints > 0) {
        return MakeError(ErrorCode::kInvalidTransition,
                         "该申请有未办结的投诉（待核实或整改中），须投诉核实不属实或整改完成后方可记录联调延期",
                         {{"state", "joint_testing"},
                          {"action", "delay"},
                          {"reason", "complaint_open"},
                          {"open_complaints", input.open_complaints}});
      }
      if (input.problem_count <= 0) {
        return MakeError(ErrorCode::kProblemsRequired,
                         "联调延期须逐项列明设备不符合接口标准的问题（对应条款或测试用例）", {{"field", "problems"}});
      }
      return OkStatus();
    case AppAction::kSubmit:
    case AppAction::kResubmit:
    case AppAction::kWithdraw:
    case AppAction::kApprove:
    case AppAction::kSucceed:
    case AppAction::kReissueKey:
      return OkStatus();
  }
  assert(false && "unknown AppAction");
  return OkStatus();
}

}  // namespace

std::string ApplicationEndedPhrase(AppState state) {
  const std::string_view name = ChineseName(state);  // 已撤回 carries its own 已
  return std::string(name.starts_with("已") ? "申请" : "申请已") + std::string(name);
}

Error Forbidden(Role role, std::string_view action) {
  return MakeError(ErrorCode::kForbidden, "当前角色（" + std::string(ChineseRole(role)) + "）无权执行此操作",
                   {{"role", ToString(role)}, {"action", action}});
}

// ---------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------

std::string_view ToString(Role role) {
  switch (role) {
    case kVendor:
      return "vendor";
    case kCityReviewer:
      return "city_reviewer";
    case kTechSupport:
      return "tech_support";
    case kProvince:
      return "province";
    case kAdmin:
      return "admin";
    case kSystem:
      return "system";
  }
  assert(false && "unknown Role");
  return "";
}

std::string_view ToString(AppState state) {
  switch (state) {
    case AppState::kDraft:
      return "draft";
    case AppState::kUnderReview:
      return "under_review";
    case AppState::kReturned:
      return "returned";
    case AppState::kJointTesting:
      return "joint_testing";
    case AppState::kSucceeded:
      return "succeeded";
    case AppState::kDelayed:
      return "delayed";
    case AppState::kWithdrawn:
      return "withdrawn";
  }
  assert(false && "unknown AppState");
  return "";
}

std::string_view ToString(AppAction action) {
  switch (action) {
    case AppAction::kSubmit:
      return "submit";
    case AppAction::kResubmit:
      return "resubmit";
    case AppAction::kWithdraw:
      return "withdraw";
    case AppAction::kApprove:
      return "approve";
    case AppAction::kReturn:
      return "return";
    case AppAction::kSucceed:
      return "succeed";
    case AppAction::kDelay:
      return "delay";
    case AppAction::kReissueKey:
      return "reissue_key";
  }
  assert(false && "unknown AppAction");
  return "";
}

std::string_view ToString(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::kReview:
      return "review";
    case DeadlineKind::kJointTest:
      return "joint_test";
    case DeadlineKind::kRectification:
      return "rectification";
    case DeadlineKind::kComplaintVerification:
      return "complaint_verification";
  }
  assert(false && "unknown DeadlineKind");
  return "";
}

std::string_view ToString(ComplaintState state) {
  switch (state) {
    case ComplaintState::kSubmitted:
      return "submitted";
    case ComplaintState::kUnfounded:
      return "unfounded";
    case ComplaintState::kFounded:
      return "founded";
    case ComplaintState::kRectifying:
      return "rectifying";
    case ComplaintState::kRectified:
      return "rectified";
    case ComplaintState::kClosed:
      return "closed";
  }
  assert(false && "unknown ComplaintState");
  return "";
}

std::string_view ToString(ComplaintAction action) {
  switch (action) {
    case ComplaintAction::kVerifyFounded:
      return "verify_founded";
    case ComplaintAction::kVerifyUnfounded:
      return "verify_unfounded";
    case ComplaintAction::kOrderRectification:
      return "order_rectification";
    case ComplaintAction::kReportRectified:
      return "report_rectified";
    case ComplaintAction::kClose:
      return "close";
  }
  assert(false && "unknown ComplaintAction");
  return "";
}

std::string_view ToString(AlertState state) {
  switch (state) {
    case AlertState::kOpen:
      return "open";
    case AlertState::kAnswered:
      return "answered";
  }
  assert(false && "unknown AlertState");
  return "";
}

std::string_view ToString(AlertAction action) {
  switch (action) {
    case AlertAction::kRespond:
      return "respond";
    case AlertAction::kUrge:
      return "urge";
  }
  assert(false && "unknown AlertAction");
  return "";
}

std::optional<Role> ParseRole(std::string_view word) { return ParseWord(kAllRoles, word); }
std::optional<AppState> ParseAppState(std::string_view word) { return ParseWord(kAllAppStates, word); }
std::optional<AppAction> ParseAppAction(std::string_view word) { return ParseWord(kAllAppActions, word); }
std::optional<DeadlineKind> ParseDeadlineKind(std::string_view word) { return ParseWord(kAllDeadlineKinds, word); }
std::optional<ComplaintState> ParseComplaintState(std::string_view word) {
  return ParseWord(kAllComplaintStates, word);
}
std::optional<AlertState> ParseAlertState(std::string_view word) { return ParseWord(kAllAlertStates, word); }

std::string_view ChineseName(AppState state) {
  switch (state) {
    case AppState::kDraft:
      return "草稿";
    case AppState::kUnderReview:
      return "待审核";
    case AppState::kReturned:
      return "退回修改";
    case AppState::kJointTesting:
      return "联调中";
    case AppState::kSucceeded:
      return "联调成功";
    case AppState::kDelayed:
      return "联调延期";
    case AppState::kWithdrawn:
      return "已撤回";
  }
  assert(false && "unknown AppState");
  return "";
}

std::string_view ChineseName(ComplaintState state) {
  switch (state) {
    case ComplaintState::kSubmitted:
      return "待核实";
    case ComplaintState::kUnfounded:
      return "投诉不属实";
    case ComplaintState::kFounded:
      return "投诉属实";
    case ComplaintState::kRectifying:
      return "整改中";
    case ComplaintState::kRectified:
      return "已整改";
    case ComplaintState::kClosed:
      return "已办结";
  }
  assert(false && "unknown ComplaintState");
  return "";
}

bool IsFinal(AppState state) {
  switch (state) {
    case AppState::kDraft:
    case AppState::kUnderReview:
    case AppState::kReturned:
    case AppState::kJointTesting:
      return false;
    case AppState::kSucceeded:
    case AppState::kDelayed:
    case AppState::kWithdrawn:
      return true;
  }
  assert(false && "unknown AppState");
  return false;
}

bool IsFinal(ComplaintState state) {
  switch (state) {
    case ComplaintState::kSubmitted:
    case ComplaintState::kFounded:
    case ComplaintState::kRectifying:
    // Rectified still waits for the application to end before it is closed.
    case ComplaintState::kRectified:
      return false;
    case ComplaintState::kUnfounded:
    case ComplaintState::kClosed:
      return true;
  }
  assert(false && "unknown ComplaintState");
  return false;
}

// ---------------------------------------------------------------------------
// Transitions
// ---------------------------------------------------------------------------

std::span<const AppRule> AppTransitionTable() { return kAppRules; }
std::span<const ComplaintRule> ComplaintTransitionTable() { return kComplaintRules; }
std::span<const AlertRule> AlertTransitionTable() { return kAlertRules; }

Result<AppTransition> ApplyAppAction(AppState state, AppAction action, Role role, const AppGuardInput& input) {
  LT_ASSIGN_OR_RETURN(const AppRule* rule, FindRule(AppTransitionTable(), state, action, role));
  LT_RETURN_IF_ERROR(CheckGuards(action, input));
  AppTransition t{.from = rule->from, .to = rule->to};
  ApplyEffects(action, t);
  // A decision after its deadline is late: a review's approve or return after the
  // review deadline, a succeed after the joint-test window. A delay is by definition
  // after the window, so it is not marked.
  const bool after_review = input.review_due.has_value() && input.now > *input.review_due;
  t.late = (action == AppAction::kSucceed && AfterWindow(input)) ||
           ((action == AppAction::kApprove || action == AppAction::kReturn) && after_review);
  return t;
}

Result<ComplaintState> ApplyComplaintAction(ComplaintState state, ComplaintAction action, Role role) {
  LT_ASSIGN_OR_RETURN(const ComplaintRule* rule, FindRule(ComplaintTransitionTable(), state, action, role));
  return rule->to;
}

Result<AlertState> ApplyAlertAction(AlertState state, AlertAction action, Role role) {
  LT_ASSIGN_OR_RETURN(const AlertRule* rule, FindRule(AlertTransitionTable(), state, action, role));
  return rule->to;
}

std::span<const ActivityRule> AppActivityTable() { return kActivityRules; }

std::string_view ToString(AppActivity activity) {
  switch (activity) {
    case AppActivity::kUploadMaterial:
      return "upload_material";
    case AppActivity::kUseTestKey:
      return "use_test_key";
    case AppActivity::kFileComplaint:
      return "file_complaint";
    case AppActivity::kSetFaultScenarios:
      return "set_fault_scenarios";
  }
  assert(false && "unknown AppActivity");
  return "";
}

Status RequireAllowed(AppState state, AppActivity activity) {
  if (std::ranges::any_of(kActivityRules,
                          [&](const ActivityRule& r) { return r.activity == activity && r.state == state; })) {
    return OkStatus();
  }
  return MakeError(ErrorCode::kInvalidTransition, std::string(ActivityRefusal(activity)),
                   {{"state", ToString(state)}, {"activity", ToString(activity)}});
}

Status RequireRotationWindow(AppState state, Instant now, Instant joint_test_due) {
  if (now <= joint_test_due) return OkStatus();
  return MakeError(ErrorCode::kInvalidTransition, "联调期限已结束，不能再重新生成测试密钥",
                   {{"state", ToString(state)},
                    {"action", "rotate"},
                    {"reason", "window_expired"},
                    {"due_at", FormatInstant(joint_test_due)}});
}

}  // namespace liantiao::domain
