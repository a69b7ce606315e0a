#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace liantiao::domain {

enum class Role { kVendor, kCityReviewer, kTechSupport, kProvince, kAdmin, kSystem };

enum class AppState { kDraft, kUnderReview, kReturned, kJointTesting, kSucceeded, kDelayed, kWithdrawn };

enum class AppAction {
  kSubmit,      // vendor: draft -> under_review
  kResubmit,    // vendor: returned -> under_review
  kWithdraw,    // vendor: any non-final -> withdrawn
  kApprove,     // city_reviewer: under_review -> joint_testing (issues a key)
  kReturn,      // city_reviewer: under_review -> returned (problems required)
  kSucceed,     // city_reviewer: joint_testing -> succeeded (late if after the window)
  kDelay,       // city_reviewer: joint_testing -> delayed (only after the window, problems required)
  kReissueKey,  // tech_support / system after rectification: joint_testing -> joint_testing
};

enum class DeadlineKind { kReview, kJointTest, kRectification, kComplaintVerification };

enum class ComplaintState { kSubmitted, kUnfounded, kFounded, kRectifying, kRectified, kClosed };
enum class ComplaintAction {
  kVerifyFounded,       // city_reviewer: submitted -> founded
  kVerifyUnfounded,     // city_reviewer: submitted -> unfounded (final)
  kOrderRectification,  // system (in the same request as verify founded): founded -> rectifying
  kReportRectified,     // tech_support: rectifying -> rectified (new key, new window)
  kClose,               // system: founded/rectifying/rectified -> closed when the application ends
};

enum class AlertState { kOpen, kAnswered };
enum class AlertAction { kRespond /* city_reviewer */, kUrge /* province: stays open */ };

// Stable words used in the API, the database and the history.
std::string_view ToString(Role);
std::string_view ToString(AppState);
std::string_view ToString(AppAction);
std::string_view ToString(DeadlineKind);
std::string_view ToString(ComplaintState);
std::string_view ToString(ComplaintAction);
std::string_view ToString(AlertState);
std::string_view ToString(AlertAction);
std::optional<Role> ParseRole(std::string_view);
std::optional<AppState> ParseAppState(std::string_view);
std::optional<AppAction> ParseAppAction(std::string_view);
std::optional<DeadlineKind> ParseDeadlineKind(std::string_view);
std::optional<ComplaintState> ParseComplaintState(std::string_view);
std::optional<AlertState> ParseAlertState(std::string_view);
std::string_view ChineseName(AppState);  // 草稿, 待审核, …
// "申请已联调成功", "申请已撤回": the application's final state as a phrase.
std::string ApplicationEndedPhrase(AppState);
std::string_view ChineseName(ComplaintState);
bool IsFinal(AppState);
bool IsFinal(ComplaintState);
// `forbidden` for a role that never takes `action` (a table's action word, or what a
// route does): the role's Chinese name in the message, {role, action} in details.
Error Forbidden(Role role, std::string_view action);

// What a guard needs to know; the service fills it from stored state.
struct AppGuardInput {
  Instant now;
  std::optional<Instant> joint_test_due;  // the open joint-test deadline's due_at
  int problem_count = 0;                  // problems given with return / delay
  std::optional<Instant> review_due;      // the open review deadline's due_at
  int open_complaints = 0;                // the application's complaints submitted, founded or rectifying
};

// The effects of an allowed transition, for the service to carry out.
struct AppTransition {
  AppState from;
  AppState to;
  std::vector<DeadlineKind> close_deadlines;  // mark done_at = now
  std::vector<DeadlineKind> start_deadlines;  // new deadline from now
  bool issue_key = false;                     // issue a new test key (revoking the current one)
  bool revoke_key = false;                    // revoke the current key without a new one
  bool late = false;                          // succeed after the window
};

// One row of the table, for documentation and exhaustive tests.
struct AppRule {
  AppState from;
  AppAction action;
  Role role;
  AppState to;
};
std::span<const AppRule> AppTransitionTable();

// Checks state × action × role against the table and the guards. Errors:
// kForbidden when the role may never take the action, kInvalidTransition when the
// state does not allow it or for delay inside the window (details.reason
// "window_not_expired"),
// kProblemsRequired for return/delay without problems.
Result<AppTransition> ApplyAppAction(AppState state, AppAction action, Role role, const AppGuardInput& input);

struct ComplaintRule {
  ComplaintState from;
  ComplaintAction action;
  Role role;
  ComplaintState to;
};
std::span<const ComplaintRule> ComplaintTransitionTable();
Result<ComplaintState> ApplyComplaintAction(ComplaintState state, ComplaintAction action, Role role);

struct AlertRule {
  AlertState from;
  AlertAction action;
  Role role;
  AlertState to;
};
std::span<const AlertRule> AlertTransitionTable();
Result<AlertState> ApplyAlertAction(AlertState state, AlertAction action, Role role);

// What an application's state opens besides its transitions: the vendor's materials,
// its test key and complaints, the city's fault scenarios. One row per (activity, state)
// in which it is open; anything not in the table is refused. The services ask
// RequireAllowed before they do it, so the rules stand here beside the transitions
// rather than in each service.
enum class AppActivity {
  kUploadMaterial,     // vendor: draft or returned (the materials the review reads)
  kUseTestKey,         // vendor: claim or rotate the key, joint testing only
  kFileComplaint,      // vendor: joint testing only
  kSetFaultScenarios,  // city reviewer: joint testing only
};
struct ActivityRule {
  AppActivity activity;
  AppState state;
};
std::span<const ActivityRule> AppActivityTable();
std::string_view ToString(AppActivity);
// OK when the table has the row, else invalid_transition (409) in the activity's own
// words ("仅草稿或退回修改状态可上传材料"), details {state, activity}.
Status RequireAllowed(AppState state, AppActivity activity);
// A vendor rotates its key only while the joint-test window is open: after its due
// second the city decides on the evidence of the key the window ran on, and a new key
// would start the checklist over. invalid_transition with details {state, action:
// "rotate", reason: "window_expired", due_at}.
Status RequireRotationWindow(AppState state, Instant now, Instant joint_test_due);

// Working days each deadline kind runs for (complaint verification is configurable;
// rectification is the reviewer's choice, default 5).
inline constexpr int kReviewWorkingDays = 3;
inline constexpr int kJointTestWorkingDays = 5;
inline constexpr int kDefaultComplaintVerificationDays = 5;
inline constexpr int kDefaultRectificationDays = 5;

}  // namespace liantiao::domain
