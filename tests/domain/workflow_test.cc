#include "domain/workflow.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace liantiao::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;

// Every enumerator with its stable word, written out here rather than taken from the
// implementation, so that a wrong word or a missing Parse case fails a test.
const std::pair<Role, const char*> kRoles[] = {
    {Role::kVendor, "vendor"},
    {Role::kCityReviewer, "city_reviewer"},
    {Role::kTechSupport, "tech_support"},
    {Role::kProvince, "province"},
    {Role::kAdmin, "admin"},
    {Role::kSystem, "system"},
};
const std::pair<AppState, const char*> kAppStates[] = {
    {AppState::kDraft, "draft"},         {AppState::kUnderReview, "under_review"},
    {AppState::kReturned, "returned"},   {AppState::kJointTesting, "joint_testing"},
    {AppState::kSucceeded, "succeeded"}, {AppState::kDelayed, "delayed"},
    {AppState::kWithdrawn, "withdrawn"},
};
const std::pair<AppAction, const char*> kAppActions[] = {
    {AppAction::kSubmit, "submit"},   {AppAction::kResubmit, "resubmit"},      {AppAction::kWithdraw, "withdraw"},
    {AppAction::kApprove, "approve"}, {AppAction::kReturn, "return"},          {AppAction::kSucceed, "succeed"},
    {AppAction::kDelay, "delay"},     {AppAction::kReissueKey, "reissue_key"},
};
const std::pair<DeadlineKind, const char*> kDeadlineKinds[] = {
    {DeadlineKind::kReview, "review"},
    {DeadlineKind::kJointTest, "joint_test"},
    {DeadlineKind::kRectification, "rectification"},
    {DeadlineKind::kComplaintVerification, "complaint_verification"},
};
const std::pair<ComplaintState, const char*> kComplaintStates[] = {
    {ComplaintState::kSubmitted, "submitted"}, {ComplaintState::kUnfounded, "unfounded"},
    {ComplaintState::kFounded, "founded"},     {ComplaintState::kRectifying, "rectifying"},
    {ComplaintState::kRectified, "rectified"}, {ComplaintState::kClosed, "closed"},
};
const std::pair<ComplaintAction, const char*> kComplaintActions[] = {
    {ComplaintAction::kVerifyFounded, "verify_founded"},
    {ComplaintAction::kVerifyUnfounded, "verify_unfounded"},
    {ComplaintAction::kOrderRectification, "order_rectification"},
    {ComplaintAction::kReportRectified, "report_rectified"},
    {ComplaintAction::kClose, "close"},
};
const std::pair<AlertState, const char*> kAlertStates[] = {
    {AlertState::kOpen, "open"},
    {AlertState::kAnswered, "answered"},
};
const std::pair<AlertAction, const char*> kAlertActions[] = {
    {AlertAction::kRespond, "respond"},
    {AlertAction::kUrge, "urge"},
};

// The expected tables, as the brief states them: "state action role" -> next state.
// Independent of kAppRules & co. in workflow.cc, so a wrong row there fails here.
const std::map<std::string, std::string> kExpectedApp = {
    {"draft submit vendor", "under_review"},
    {"returned resubmit vendor", "under_review"},
    {"draft withdraw vendor", "withdrawn"},
    {"under_review withdraw vendor", "withdrawn"},
    {"returned withdraw vendor", "withdrawn"},
    {"joint_testing withdraw vendor", "withdrawn"},
    {"under_review approve city_reviewer", "joint_testing"},
    {"under_review return city_reviewer", "returned"},
    {"joint_testing succeed city_reviewer", "succeeded"},
    {"joint_testing delay city_reviewer", "delayed"},
    {"joint_testing reissue_key tech_support", "joint_testing"},
    {"joint_testing reissue_key system", "joint_testing"},
};
const std::map<std::string, std::string> kExpectedComplaint = {
    {"submitted verify_founded city_reviewer", "founded"},
    {"submitted verify_unfounded city_reviewer", "unfounded"},
    {"founded order_rectification system", "rectifying"},
    {"rectifying report_rectified tech_support", "rectified"},
    {"founded close system", "closed"},
    {"rectifying close system", "closed"},
    {"rectified close system", "closed"},
};
const std::map<std::string, std::string> kExpectedAlert = {
    {"open respond city_reviewer", "answered"},
    {"open urge province", "open"},
};

std::string Key(std::string_view state, std::string_view action, std::string_view role) {
  return std::string(state) + " " + std::string(action) + " " + std::string(role);
}

// "action role" pairs that appear anywhere in an expected table.
std::set<std::string> ActingPairs(const std::map<std::string, std::string>& table) {
  std::set<std::string> pairs;
  for (const auto& [key, next] : table) pairs.insert(key.substr(key.find(' ') + 1));
  return pairs;
}

Instant At(long long unix_seconds) { return FromUnix(unix_seconds); }

// 2026-10-10T23:59:59+08:00, a fixed joint-test due time; no test reads the wall clock.
const Instant kDue = At(1791647999);

// Guard input that satisfies every guard, so that the table alone decides.
AppGuardInput PassingGuards() { return AppGuardInput{.now = kDue + 1s, .joint_test_due = kDue, .problem_count = 2}; }

// Checks one refused cell: the code, and the details that name the cell.
template <typename T, typename State, typename Action>
void ExpectRefusal(const Result<T>& r, const std::set<std::string>& acting, State state, Action action, Role role,
                   const std::string& cell) {
  ASSERT_FALSE(r.ok()) << cell << " should be refused";
  const Error& e = r.error();
  const std::string pair = std::string(ToString(action)) + " " + std::string(ToString(role));
  if (acting.count(pair) == 0) {
    EXPECT_EQ(e.code, ErrorCode::kForbidden) << cell;
    EXPECT_EQ(e.Category(), ErrorCategory::kForbidden) << cell;
    EXPECT_EQ(e.details.value("role", ""), ToString(role)) << cell;
    EXPECT_EQ(e.details.value("action", ""), ToString(action)) << cell;
  } else {
    EXPECT_EQ(e.code, ErrorCode::kInvalidTransition) << cell;
    EXPECT_EQ(e.Category(), ErrorCategory::kConflict) << cell;
    EXPECT_EQ(e.details.value("state", ""), ToString(state)) << cell;
    EXPECT_EQ(e.details.value("action", ""), ToString(action)) << cell;
  }
  EXPECT_FALSE(e.message.empty()) << cell;
}

// ---------------------------------------------------------------------------
// Every cell of every table
// ---------------------------------------------------------------------------

TEST(AppTable, EveryCellMatchesTheExpectation) {
  const std::set<std::string> acting = ActingPairs(kExpectedApp);
  int allowed = 0;
  for (const auto& [state, state_word] : kAppStates) {
    for (const auto& [action, action_word] : kAppActions) {
      for (const auto& [role, role_word] : kRoles) {
        const std::string cell = Key(state_word, action_word, role_word);
        auto r = ApplyAppAction(state, action, role, PassingGuards());
        auto it = kExpectedApp.find(cell);
        if (it != kExpectedApp.end()) {
          ++allowed;
          ASSERT_TRUE(r.ok()) << cell << ": " << r.error().CodeWord();
          EXPECT_EQ(r->from, state) << cell;
          EXPECT_EQ(ToString(r->to), it->second) << cell;
        } else {
          ExpectRefusal(r, acting, state, action, role, cell);
        }
      }
    }
  }
  EXPECT_EQ(allowed, static_cast<int>(kExpectedApp.size()));
}

TEST(AppTable, PublishedRowsAreExactlyTheExpectedOnes) {
  std::map<std::string, std::string> rows;
  for (const AppRule& rule : AppTransitionTable()) {
    auto [it, inserted] =
        rows.emplace(Key(ToString(rule.from), ToString(rule.action), ToString(rule.role)), ToString(rule.to));
    EXPECT_TRUE(inserted) << "duplicate row " << it->first;
  }
  EXPECT_EQ(rows, kExpectedApp);
}

TEST(AppTable, AdminAndProvinceNeverActOnApplications) {
  for (Role role : {Role::kAdmin, Role::kProvince}) {
    for (const auto& [state, sw] : kAppStates) {
      for (const auto& [action, aw] : kAppActions) {
        auto r = ApplyAppAction(state, action, role, PassingGuards());
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::kForbidden) << sw << " " << aw;
      }
    }
  }
}

TEST(ComplaintTable, EveryCellMatchesTheExpectation) {
  const std::set<std::string> acting = ActingPairs(kExpectedComplaint);
  int allowed = 0;
  for (const auto& [state, state_word] : kComplaintStates) {
    for (const auto& [action, action_word] : kComplaintActions) {
      for (const auto& [role, role_word] : kRoles) {
        const std::string cell = Key(state_word, action_word, role_word);
        auto r = ApplyComplaintAction(state, action, role);
        auto it = kExpectedComplaint.find(cell);
        if (it != kExpectedComplaint.end()) {
          ++allowed;
          ASSERT_TRUE(r.ok()) << cell << ": " << r.error().CodeWord();
          EXPECT_EQ(ToString(*r), it->second) << cell;
        } else {
          ExpectRefusal(r, acting, state, action, role, cell);
        }
      }
    }
  }
  EXPECT_EQ(allowed, static_cast<int>(kExpectedComplaint.size()));
}

TEST(ComplaintTable, PublishedRowsAreExactlyTheExpectedOnes) {
  std::map<std::string, std::string> rows;
  for (const ComplaintRule& rule : ComplaintTransitionTable()) {
    rows.emplace(Key(ToString(rule.from), ToString(rule.action), ToString(rule.role)), ToString(rule.to));
  }
  EXPECT_EQ(rows, kExpectedComplaint);
  EXPECT_EQ(ComplaintTransitionTable().size(), kExpectedComplaint.size());
}

TEST(AlertTable, EveryCellMatchesTheExpectation) {
  const std::set<std::string> acting = ActingPairs(kExpectedAlert);
  int allowed = 0;
  for (const auto& [state, state_word] : kAlertStates) {
    for (const auto& [action, action_word] : kAlertActions) {
      for (const auto& [role, role_word] : kRoles) {
        const std::string cell = Key(state_word, action_word, role_word);
        auto r = ApplyAlertAction(state, action, role);
        auto it = kExpectedAlert.find(cell);
        if (it != kExpectedAlert.end()) {
          ++allowed;
          ASSERT_TRUE(r.ok()) << cell << ": " << r.error().CodeWord();
          EXPECT_EQ(ToString(*r), it->second) << cell;
        } else {
          ExpectRefusal(r, acting, state, action, role, cell);
        }
      }
    }
  }
  EXPECT_EQ(allowed, static_cast<int>(kExpectedAlert.size()));
}

TEST(AlertTable, PublishedRowsAreExactlyTheExpectedOnes) {
  std::map<std::string, std::string> rows;
  for (const AlertRule& rule : AlertTransitionTable()) {
    rows.emplace(Key(ToString(rule.from), ToString(rule.action), ToString(rule.role)), ToString(rule.to));
  }
  EXPECT_EQ(rows, kExpectedAlert);
  EXPECT_EQ(AlertTransitionTable().size(), kExpectedAlert.size());
}

// ---------------------------------------------------------------------------
// Error precedence
// ---------------------------------------------------------------------------

TEST(AppPrecedence, ForbiddenBeatsStateAndGuards) {
  // A vendor may never delay: forbidden even in joint testing, inside the window,
  // without problems.
  AppGuardInput in{.now = kDue, .joint_test_due = kDue, .problem_count = 0};
  auto r = ApplyAppAction(AppState::kJointTesting, AppAction::kDelay, Role::kVendor, in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(r.error().details["role"], "vendor");
  EXPECT_EQ(r.error().details["action"], "delay");
}

TEST(AppPrecedence, StateBeatsGuards) {
  // The reviewer may delay, but not from under_review; the failing guards are not reached.
  AppGuardInput in{.now = kDue, .joint_test_due = std::nullopt, .problem_count = 0};
  auto r = ApplyAppAction(AppState::kUnderReview, AppAction::kDelay, Role::kCityReviewer, in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(r.error().details["state"], "under_review");
  EXPECT_EQ(r.error().details["action"], "delay");
  auto back = ApplyAppAction(AppState::kReturned, AppAction::kReturn, Role::kCityReviewer, in);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, ErrorCode::kInvalidTransition);
}

TEST(AppPrecedence, FinalStatesRefuseEveryActionOfAnActingRole) {
  for (AppState s : {AppState::kSucceeded, AppState::kDelayed, AppState::kWithdrawn}) {
    for (const auto& [action, aw] : kAppActions) {
      const Role role =
          (action == AppAction::kSubmit || action == AppAction::kResubmit || action == AppAction::kWithdraw)
              ? Role::kVendor
              : (action == AppAction::kReissueKey ? Role::kTechSupport : Role::kCityReviewer);
      auto r = ApplyAppAction(s, action, role, PassingGuards());
      ASSERT_FALSE(r.ok()) << aw;
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidTransition) << aw;
    }
  }
}

// ---------------------------------------------------------------------------
// Guards
// ---------------------------------------------------------------------------

Result<AppTransition> Delay(AppGuardInput in) {
  return ApplyAppAction(AppState::kJointTesting, AppAction::kDelay, Role::kCityReviewer, in);
}

TEST(AppGuards, DelayAtTheDueSecondIsStillInsideTheWindow) {
  auto r = Delay({.now = kDue, .joint_test_due = kDue, .problem_count = 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(r.error().details["reason"], "window_not_expired");
  EXPECT_EQ(r.error().details["joint_test_due"], "2026-10-10T23:59:59+08:00");
}

TEST(AppGuards, DelayOneSecondAfterTheWindowIsAllowed) {
  auto r = Delay({.now = kDue + 1s, .joint_test_due = kDue, .problem_count = 1});
  ASSERT_TRUE(r.ok()) << r.error().CodeWord();
  EXPECT_EQ(r->to, AppState::kDelayed);
  EXPECT_FALSE(r->late);
}

TEST(AppGuards, DelayLongBeforeTheDueIsRefused) {
  auto r = Delay({.now = kDue - 72h, .joint_test_due = kDue, .problem_count = 3});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(r.error().details["reason"], "window_not_expired");
}

TEST(AppGuards, DelayWithoutAnOpenWindowIsRefused) {
  auto r = Delay({.now = kDue + 1s, .joint_test_due = std::nullopt, .problem_count = 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(r.error().details["reason"], "window_not_expired");
  EXPECT_TRUE(r.error().details["joint_test_due"].is_null());
}

TEST(AppGuards, DelayWaitsForTheApplicationsOpenComplaints) {
  auto r = Delay({.now = kDue + 1s, .joint_test_due = kDue, .problem_count = 1, .open_complaints = 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(r.error().details["reason"], "complaint_open");
  EXPECT_EQ(r.error().details["open_complaints"], 1);
  // Inside the window the window is the reason; a success never waits.
  EXPECT_EQ(
      Delay({.now = kDue, .joint_test_due = kDue, .problem_count = 1, .open_complaints = 1}).error().details["reason"],
      "window_not_expired");
  EXPECT_TRUE(ApplyAppAction(AppState::kJointTesting, AppAction::kSucceed, Role::kCityReviewer,
                             {.now = kDue + 1s, .joint_test_due = kDue, .open_complaints = 2})
                  .ok());
}

TEST(AppGuards, DelayWithoutProblemsIsRefused) {
  auto r = Delay({.now = kDue + 1s, .joint_test_due = kDue, .problem_count = 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kProblemsRequired);
  EXPECT_EQ(r.error().Category(), ErrorCategory::kUnprocessable);
  EXPECT_EQ(r.error().details["field"], "problems");
}

TEST(AppGuards, DelayInsideTheWindowWithoutProblemsReportsTheWindow) {
  auto r = Delay({.now = kDue, .joint_test_due = kDue, .problem_count = 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(r.error().details["reason"], "window_not_expired");
}

TEST(AppGuards, ReturnNeedsProblems) {
  AppGuardInput none{.now = kDue, .joint_test_due = std::nullopt, .problem_count = 0};
  auto r = ApplyAppAction(AppState::kUnderReview, AppAction::kReturn, Role::kCityReviewer, none);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kProblemsRequired);
  EXPECT_EQ(r.error().details["field"], "problems");

  AppGuardInput one{.now = kDue, .joint_test_due = std::nullopt, .problem_count = 1};
  auto ok = ApplyAppAction(AppState::kUnderReview, AppAction::kReturn, Role::kCityReviewer, one);
  ASSERT_TRUE(ok.ok()) << ok.error().CodeWord();
  EXPECT_EQ(ok->to, AppState::kReturned);
}

Result<AppTransition> Succeed(AppGuardInput in) {
  return ApplyAppAction(AppState::kJointTesting, AppAction::kSucceed, Role::kCityReviewer, in);
}

TEST(AppGuards, SucceedOnTimeIsNotLate) {
  for (Instant now : {kDue - 96h, kDue}) {
    auto r = Succeed({.now = now, .joint_test_due = kDue});
    ASSERT_TRUE(r.ok()) << r.error().CodeWord();
    EXPECT_EQ(r->to, AppState::kSucceeded);
    EXPECT_FALSE(r->late);
  }
}

TEST(AppGuards, SucceedAfterTheWindowIsLate) {
  for (Instant now : {kDue + 1s, kDue + 240h}) {
    auto r = Succeed({.now = now, .joint_test_due = kDue});
    ASSERT_TRUE(r.ok()) << r.error().CodeWord();
    EXPECT_EQ(r->to, AppState::kSucceeded);
    EXPECT_TRUE(r->late);
  }
}

TEST(AppGuards, SucceedNeedsNoProblemsAndNoWindow) {
  auto r = Succeed({.now = kDue, .joint_test_due = std::nullopt, .problem_count = 0});
  ASSERT_TRUE(r.ok()) << r.error().CodeWord();
  EXPECT_FALSE(r->late);
}

// With no review deadline open, only succeed is ever late.
TEST(AppGuards, OnlySucceedIsLateAfterTheWindow) {
  for (const auto& [state, sw] : kAppStates) {
    for (const auto& [action, aw] : kAppActions) {
      for (const auto& [role, rw] : kRoles) {
        auto r = ApplyAppAction(state, action, role, PassingGuards());  // now is after the window
        if (r.ok()) {
          EXPECT_EQ(r->late, action == AppAction::kSucceed) << Key(sw, aw, rw);
        }
      }
    }
  }
}

// A review decided after the review deadline is late, approve and return alike; at the
// due second it is on time, and other actions are not judged by it.
TEST(AppGuards, AReviewDecidedAfterItsDeadlineIsLate) {
  for (AppAction action : {AppAction::kApprove, AppAction::kReturn}) {
    AppGuardInput in{.now = kDue, .joint_test_due = std::nullopt, .problem_count = 1, .review_due = kDue};
    auto on_time = ApplyAppAction(AppState::kUnderReview, action, Role::kCityReviewer, in);
    ASSERT_TRUE(on_time.ok());
    EXPECT_FALSE(on_time->late);
    in.now = kDue + 1s;
    auto late = ApplyAppAction(AppState::kUnderReview, action, Role::kCityReviewer, in);
    ASSERT_TRUE(late.ok());
    EXPECT_TRUE(late->late);
  }
  AppGuardInput in{.now = kDue + 1s, .joint_test_due = std::nullopt, .problem_count = 0, .review_due = kDue};
  auto withdrawn = ApplyAppAction(AppState::kUnderReview, AppAction::kWithdraw, Role::kVendor, in);
  ASSERT_TRUE(withdrawn.ok());
  EXPECT_FALSE(withdrawn->late);
}

// ---------------------------------------------------------------------------
// Effects
// ---------------------------------------------------------------------------

AppTransition MustApply(AppState s, AppAction a, Role r) {
  auto t = ApplyAppAction(s, a, r, PassingGuards());
  EXPECT_TRUE(t.ok()) << ToString(s) << " " << ToString(a) << " " << ToString(r);
  return t.ok() ? *t : AppTransition{};
}

TEST(AppEffects, SubmitAndResubmitStartTheReview) {
  for (auto [s, a] :
       {std::pair{AppState::kDraft, AppAction::kSubmit}, std::pair{AppState::kReturned, AppAction::kResubmit}}) {
    AppTransition t = MustApply(s, a, Role::kVendor);
    EXPECT_THAT(t.start_deadlines, ElementsAre(DeadlineKind::kReview));
    EXPECT_THAT(t.close_deadlines, IsEmpty());
    EXPECT_FALSE(t.issue_key);
    EXPECT_FALSE(t.revoke_key);
  }
}

TEST(AppEffects, ApproveClosesTheReviewStartsTheWindowAndIssuesAKey) {
  AppTransition t = MustApply(AppState::kUnderReview, AppAction::kApprove, Role::kCityReviewer);
  EXPECT_THAT(t.close_deadlines, ElementsAre(DeadlineKind::kReview));
  EXPECT_THAT(t.start_deadlines, ElementsAre(DeadlineKind::kJointTest));
  EXPECT_TRUE(t.issue_key);
  EXPECT_FALSE(t.revoke_key);
}

TEST(AppEffects, ReturnClosesTheReviewOnly) {
  AppTransition t = MustApply(AppState::kUnderReview, AppAction::kReturn, Role::kCityReviewer);
  EXPECT_THAT(t.close_deadlines, ElementsAre(DeadlineKind::kReview));
  EXPECT_THAT(t.start_deadlines, IsEmpty());
  EXPECT_FALSE(t.issue_key);
  EXPECT_FALSE(t.revoke_key);
}

TEST(AppEffects, SucceedAndDelayCloseTheWindowAndRevokeTheKey) {
  for (AppAction a : {AppAction::kSucceed, AppAction::kDelay}) {
    AppTransition t = MustApply(AppState::kJointTesting, a, Role::kCityReviewer);
    EXPECT_THAT(t.close_deadlines, ElementsAre(DeadlineKind::kJointTest)) << ToString(a);
    EXPECT_THAT(t.start_deadlines, IsEmpty()) << ToString(a);
    EXPECT_FALSE(t.issue_key) << ToString(a);
    EXPECT_TRUE(t.revoke_key) << ToString(a);
  }
}

TEST(AppEffects, ReissueKeyRestartsTheWindowWithANewKey) {
  for (Role r : {Role::kTechSupport, Role::kSystem}) {
    AppTransition t = MustApply(AppState::kJointTesting, AppAction::kReissueKey, r);
    EXPECT_EQ(t.to, AppState::kJointTesting);
    EXPECT_THAT(t.close_deadlines, ElementsAre(DeadlineKind::kJointTest));
    EXPECT_THAT(t.start_deadlines, ElementsAre(DeadlineKind::kJointTest));
    EXPECT_TRUE(t.issue_key);
    EXPECT_FALSE(t.revoke_key);
  }
}

TEST(AppEffects, WithdrawClosesWhicheverDeadlineIsOpenAndRevokes) {
  for (AppState s : {AppState::kDraft, AppState::kUnderReview, AppState::kReturned, AppState::kJointTesting}) {
    AppTransition t = MustApply(s, AppAction::kWithdraw, Role::kVendor);
    EXPECT_EQ(t.to, AppState::kWithdrawn);
    EXPECT_THAT(t.close_deadlines, UnorderedElementsAre(DeadlineKind::kReview, DeadlineKind::kJointTest));
    EXPECT_THAT(t.start_deadlines, IsEmpty());
    EXPECT_FALSE(t.issue_key);
    EXPECT_TRUE(t.revoke_key);
  }
}

// ---------------------------------------------------------------------------
// Words, names, finality
// ---------------------------------------------------------------------------

template <typename Enum, std::size_t N, typename ParseFn>
void ExpectRoundTrip(const std::pair<Enum, const char*> (&all)[N], ParseFn parse) {
  std::set<std::string> words;
  for (const auto& [value, word] : all) {
    EXPECT_EQ(ToString(value), word);
    auto back = parse(word);
    ASSERT_TRUE(back.has_value()) << word;
    EXPECT_EQ(*back, value) << word;
    words.insert(word);
  }
  EXPECT_EQ(words.size(), N) << "words must be distinct";
  for (const char* junk : {"", "Vendor", "DRAFT", " draft", "draft ", "unknown", "联调中"}) {
    EXPECT_FALSE(parse(junk).has_value()) << "'" << junk << "'";
  }
}

TEST(Words, AnEndedApplicationIsSaidOnce) {
  EXPECT_EQ(ApplicationEndedPhrase(AppState::kWithdrawn), "申请已撤回");
  EXPECT_EQ(ApplicationEndedPhrase(AppState::kSucceeded), "申请已联调成功");
  EXPECT_EQ(ApplicationEndedPhrase(AppState::kDelayed), "申请已联调延期");
}

TEST(Words, RoundTrip) {
  ExpectRoundTrip(kRoles, ParseRole);
  ExpectRoundTrip(kAppStates, ParseAppState);
  ExpectRoundTrip(kAppActions, ParseAppAction);
  ExpectRoundTrip(kDeadlineKinds, ParseDeadlineKind);
  ExpectRoundTrip(kComplaintStates, ParseComplaintState);
  ExpectRoundTrip(kAlertStates, ParseAlertState);
}

TEST(Words, ActionsWithoutAParserStillHaveTheirWords) {
  for (const auto& [value, word] : kComplaintActions) EXPECT_EQ(ToString(value), word);
  for (const auto& [value, word] : kAlertActions) EXPECT_EQ(ToString(value), word);
}

TEST(Words, ChineseNames) {
  const std::pair<AppState, const char*> app[] = {
      {AppState::kDraft, "草稿"},          {AppState::kUnderReview, "待审核"}, {AppState::kReturned, "退回修改"},
      {AppState::kJointTesting, "联调中"}, {AppState::kSucceeded, "联调成功"}, {AppState::kDelayed, "联调延期"},
      {AppState::kWithdrawn, "已撤回"},
  };
  for (const auto& [s, name] : app) EXPECT_EQ(ChineseName(s), name);
  const std::pair<ComplaintState, const char*> complaint[] = {
      {ComplaintState::kSubmitted, "待核实"}, {ComplaintState::kUnfounded, "投诉不属实"},
      {ComplaintState::kFounded, "投诉属实"}, {ComplaintState::kRectifying, "整改中"},
      {ComplaintState::kRectified, "已整改"}, {ComplaintState::kClosed, "已办结"},
  };
  for (const auto& [s, name] : complaint) EXPECT_EQ(ChineseName(s), name);
}

TEST(Finality, AppStates) {
  const std::set<AppState> finals = {AppState::kSucceeded, AppState::kDelayed, AppState::kWithdrawn};
  for (const auto& [s, word] : kAppStates) EXPECT_EQ(IsFinal(s), finals.count(s) == 1) << word;
}

TEST(Finality, ComplaintStates) {
  const std::set<ComplaintState> finals = {ComplaintState::kUnfounded, ComplaintState::kClosed};
  for (const auto& [s, word] : kComplaintStates) EXPECT_EQ(IsFinal(s), finals.count(s) == 1) << word;
}

TEST(Finality, NoRowLeavesAFinalState) {
  for (const AppRule& rule : AppTransitionTable()) EXPECT_FALSE(IsFinal(rule.from)) << ToString(rule.from);
  for (const ComplaintRule& rule : ComplaintTransitionTable()) {
    EXPECT_FALSE(IsFinal(rule.from)) << ToString(rule.from);
  }
}

// Every (activity, state) cell against an expectation written here, not taken from
// the table: materials while the vendor may edit, everything else in joint testing.
TEST(Activities, EveryCellOfTheTable) {
  const std::pair<AppActivity, const char*> activities[] = {
      {AppActivity::kUploadMaterial, "upload_material"},
      {AppActivity::kUseTestKey, "use_test_key"},
      {AppActivity::kFileComplaint, "file_complaint"},
      {AppActivity::kSetFaultScenarios, "set_fault_scenarios"},
  };
  for (const auto& [activity, activity_word] : activities) {
    EXPECT_EQ(ToString(activity), activity_word);
    for (const auto& [s, word] : kAppStates) {
      const bool expected = activity == AppActivity::kUploadMaterial
                                ? (s == AppState::kDraft || s == AppState::kReturned)
                                : s == AppState::kJointTesting;
      const Status st = RequireAllowed(s, activity);
      ASSERT_EQ(st.ok(), expected) << activity_word << " in " << word;
      if (expected) continue;
      EXPECT_EQ(st.error().code, ErrorCode::kInvalidTransition);
      EXPECT_EQ(st.error().details["state"], word);
      EXPECT_EQ(st.error().details["activity"], activity_word);
      EXPECT_FALSE(st.error().message.empty());
    }
  }
}

TEST(Activities, TheRefusalsSayWhatIsAllowed) {
  EXPECT_EQ(RequireAllowed(AppState::kUnderReview, AppActivity::kUploadMaterial).error().message,
            "仅草稿或退回修改状态可上传材料");
  EXPECT_EQ(RequireAllowed(AppState::kSucceeded, AppActivity::kUseTestKey).error().message,
            "仅联调中的申请有可用的测试密钥");
  EXPECT_EQ(RequireAllowed(AppState::kDraft, AppActivity::kFileComplaint).error().message, "仅联调中的申请可以投诉");
  EXPECT_EQ(RequireAllowed(AppState::kDelayed, AppActivity::kSetFaultScenarios).error().message,
            "只有联调中的申请可以设置故障场景");
}

TEST(Activities, NoActivityInAFinalState) {
  for (const ActivityRule& rule : AppActivityTable()) EXPECT_FALSE(IsFinal(rule.state)) << ToString(rule.activity);
}

// The window is inclusive of its due second, as for `delay` and late `succeed`.
TEST(Activities, KeyRotationOnlyInsideTheWindow) {
  EXPECT_TRUE(RequireRotationWindow(AppState::kJointTesting, kDue - 96h, kDue).ok());
  EXPECT_TRUE(RequireRotationWindow(AppState::kJointTesting, kDue, kDue).ok());
  const Status late = RequireRotationWindow(AppState::kJointTesting, kDue + 1s, kDue);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(late.error().message, "联调期限已结束，不能再重新生成测试密钥");
  EXPECT_EQ(late.error().details["reason"], "window_expired");
  EXPECT_EQ(late.error().details["action"], "rotate");
  EXPECT_EQ(late.error().details["state"], "joint_testing");
  EXPECT_EQ(late.error().details["due_at"], FormatInstant(kDue));
}

}  // namespace
}  // namespace liantiao::domain
