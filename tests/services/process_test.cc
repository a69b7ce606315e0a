// The process of process.md through the services, on SQLite and (with
// LIANTIAO_TEST_PG) PostgreSQL, with a manual clock.
#include <array>
#include <filesystem>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/crypto.h"
#include "services/history.h"
#include "storage/row.h"
#include "testing/app/test_platform.h"
#include "testing/must.h"

namespace liantiao {
namespace {

using domain::AppAction;
using domain::Role;
using services::ActionInput;
using services::json;
using services::Principal;
using testing::TestPlatform;

using testing::At;
using testing::Must;

std::string CodeOf(const auto& r) { return r.ok() ? "ok" : std::string(r.error().CodeWord()); }

const std::string kGz = "440100", kSz = "440300";
const std::string kPdf = "%PDF-1.4\nliantiao test\n";

class ProcessTest : public ::testing::TestWithParam<std::string> {
 protected:
  static constexpr int kHashSlots = 64;

  void SetUp() override {
    // A password hashing gate wider than the concurrent guesses of the throttling tests:
    // they test the count of attempts, not the gate (its own tests do).
    tp_ = TestPlatform::Create(GetParam(), At("2026-09-30T10:00:00+08:00"), /*serve_http=*/false,
                               [](app::AppConfig& c) { c.password_hash_slots = kHashSlots; });
    ASSERT_NE(tp_, nullptr);
    vendor_ = tp_->AddVendor("vendor1");
    other_vendor_ = tp_->AddVendor("vendor2");
    reviewer_ = tp_->AddUser(Role::kCityReviewer, "rev_gz", kGz);
    reviewer_sz_ = tp_->AddUser(Role::kCityReviewer, "rev_sz", kSz);
    support_ = tp_->AddUser(Role::kTechSupport, "sup_gz", kGz);
    province_ = tp_->AddUser(Role::kProvince, "prov");
    admin_ = tp_->AddUser(Role::kAdmin, "adm");
    product_ = Must(pf().applications.CreateProduct(vendor_, {"闸机", "G1", "face_gate", "1.0"}))["id"];
  }

  services::Platform& pf() { return tp_->platform(); }

  long long NewApp(const std::string& city = kGz, const Principal* v = nullptr, long long product = 0) {
    const Principal& who = v ? *v : vendor_;
    json app = Must(pf().applications.Create(who, {city, {product ? product : product_}, "first", std::nullopt, "d"}));
    const long long id = app["id"];
    Must(pf().applications.UploadMaterial(who, id, "business_license", "license.pdf", kPdf));
    return id;
  }

  json Act(const Principal& p, long long id, AppAction a, ActionInput in = {}) {
    return Must(pf().applications.Act(p, id, a, in));
  }

  // Two applications submitted at the fixture's start (2026-09-30 10:00); on 2026-10-09
  // the first is returned and the second approved, both within their review deadline.
  std::pair<long long, long long> SubmitTwoThenReturnOneApproveOther() {
    const long long a = NewApp();
    json app = Act(vendor_, a, AppAction::kSubmit);
    const long long b = NewApp();
    Act(vendor_, b, AppAction::kSubmit);
    tp_->clock().Set(At("2026-10-09T09:00:00+08:00"));
    ActionInput ret;
    ret.problems = json::array({{{"material_id", app["materials"][0]["id"]}, {"text", "营业执照未盖章"}}});
    Act(reviewer_, a, AppAction::kReturn, ret);
    Act(reviewer_, b, AppAction::kApprove);
    return {a, b};
  }

  // A complaint that the application's test key is unusable, filed by its vendor.
  json FileKeyComplaint(long long application_id, const std::string& occurred_at) {
    services::NewComplaint nc{application_id, "",           "",          "广州市实名制系统",
                              "key_unusable", "密钥不可用", occurred_at, true};
    return Must(pf().complaints.File(vendor_, nc));
  }

  json OpenDeadline(const json& app, const std::string& kind) {
    for (const json& d : app["deadlines"]) {
      if (d["kind"] == kind && d["done_at"].is_null()) return d;
    }
    return nullptr;
  }

  std::unique_ptr<TestPlatform> tp_;
  Principal vendor_, other_vendor_, reviewer_, reviewer_sz_, support_, province_, admin_;
  long long product_ = 0;
};

TEST_P(ProcessTest, FirstPathWithReturnResubmitApproveAndSuccess) {
  const long long id = NewApp();
  json app = Act(vendor_, id, AppAction::kSubmit);
  EXPECT_EQ(app["state"], "under_review");
  // The example of process.md: submitted 2026-09-30 10:00 → due 2026-10-10 24:00.
  json review = OpenDeadline(app, "review");
  ASSERT_FALSE(review.is_null());
  EXPECT_EQ(review["due_at"], "2026-10-10T23:59:59+08:00");
  EXPECT_EQ(review["provisional"], false);

  tp_->clock().Set(At("2026-10-09T09:00:00+08:00"));
  EXPECT_EQ(CodeOf(pf().applications.Act(reviewer_, id, AppAction::kReturn, {})), "problems_required");
  ActionInput ret;
  ret.problems = json::array({{{"material_id", app["materials"][0]["id"]}, {"text", "营业执照未盖章"}}});
  app = Act(reviewer_, id, AppAction::kReturn, ret);
  EXPECT_EQ(app["state"], "returned");
  EXPECT_EQ(app["reviews"].back()["problems"][0]["text"], "营业执照未盖章");

  tp_->clock().Set(At("2026-10-12T09:00:00+08:00"));
  Must(pf().applications.UploadMaterial(vendor_, id, "business_license", "license2.pdf", kPdf + "v2"));
  app = Act(vendor_, id, AppAction::kResubmit);
  EXPECT_EQ(app["state"], "under_review");
  EXPECT_EQ(OpenDeadline(app, "review")["due_at"], "2026-10-15T23:59:59+08:00");

  app = Act(reviewer_, id, AppAction::kApprove);
  EXPECT_EQ(app["state"], "joint_testing");
  json window = OpenDeadline(app, "joint_test");
  EXPECT_EQ(window["due_at"], "2026-10-19T23:59:59+08:00");
  ASSERT_TRUE(app["test_key"].is_object());
  EXPECT_EQ(app["test_key"]["claimed"], false);
  EXPECT_FALSE(app["test_key"].contains("secret"));

  json claim = Must(pf().applications.ClaimKey(vendor_, id)).body;
  EXPECT_EQ(claim["app_id"], app["test_key"]["app_id"]);
  EXPECT_EQ(claim["secret"].get<std::string>().size(), 32u);
  EXPECT_EQ(claim["profile"], "gd-v1.3");
  EXPECT_EQ(CodeOf(pf().applications.ClaimKey(vendor_, id)), "already_claimed");
  json rotated = Must(pf().applications.RotateKey(vendor_, id)).body;
  EXPECT_NE(rotated["app_id"], claim["app_id"]);
  EXPECT_NE(rotated["secret"], claim["secret"]);
  app = Must(pf().applications.Get(vendor_, id));
  EXPECT_EQ(app["test_keys"][0]["status"], "revoked");
  EXPECT_EQ(app["test_key"]["app_id"], rotated["app_id"]);
  // The key's public record keeps where to send and the test project, without the secret.
  EXPECT_EQ(app["test_key"]["endpoint"], rotated["endpoint"]);
  EXPECT_EQ(app["test_key"]["sandbox"], rotated["sandbox"]);
  EXPECT_FALSE(app["test_key"].contains("secret"));

  // Inside the window a delay is refused; a success is on time.
  EXPECT_EQ(CodeOf(pf().applications.Act(reviewer_, id, AppAction::kDelay, {})), "invalid_transition");
  app = Act(reviewer_, id, AppAction::kSucceed, {json::array(), "通过"});
  EXPECT_EQ(app["state"], "succeeded");
  EXPECT_EQ(app["late"], false);
  EXPECT_EQ(app["test_key"], nullptr);
  EXPECT_EQ(CodeOf(pf().applications.Act(vendor_, id, AppAction::kWithdraw, {})), "invalid_transition");
  EXPECT_EQ(Must(services::VerifyHistory(tp_->db())).ok, true);
}

TEST_P(ProcessTest, DelayOnlyAfterTheWindowAndWithProblems) {
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);
  json app = Act(reviewer_, id, AppAction::kApprove);
  const Instant due = *ParseInstant(OpenDeadline(app, "joint_test")["due_at"].get<std::string>());
  tp_->clock().Set(due);
  ActionInput problems;
  problems.problems = json::array({{{"clause", "V1.3 4.2"}, {"text", "签名错误"}}});
  EXPECT_EQ(CodeOf(pf().applications.Act(reviewer_, id, AppAction::kDelay, problems)), "invalid_transition");
  Must(pf().applications.ClaimKey(vendor_, id));
  // Past the window the key still works for its grace days, but a new one would start
  // over the evidence the city now decides on: rotating is refused.
  tp_->clock().Set(due + std::chrono::seconds(1));
  auto late_rotation = pf().applications.RotateKey(vendor_, id);
  ASSERT_FALSE(late_rotation.ok());
  EXPECT_EQ(late_rotation.error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(late_rotation.error().details["reason"], "window_expired");  // with {state, action} as the others
  EXPECT_EQ(late_rotation.error().details["state"], "joint_testing");
  EXPECT_EQ(CodeOf(pf().applications.Act(reviewer_, id, AppAction::kDelay, {})), "problems_required");
  ActionInput no_clause;
  no_clause.problems = json::array({{{"text", "签名错误"}}});
  EXPECT_EQ(CodeOf(pf().applications.Act(reviewer_, id, AppAction::kDelay, no_clause)), "invalid_field");
  app = Act(reviewer_, id, AppAction::kDelay, problems);
  EXPECT_EQ(app["state"], "delayed");
}

TEST_P(ProcessTest, LateSuccessIsRecordedAsLate) {
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);
  json app = Act(reviewer_, id, AppAction::kApprove);
  const Instant due = *ParseInstant(OpenDeadline(app, "joint_test")["due_at"].get<std::string>());
  tp_->clock().Set(due + std::chrono::hours{30});
  app = Act(reviewer_, id, AppAction::kSucceed);
  EXPECT_EQ(app["state"], "succeeded");
  EXPECT_EQ(app["late"], true);
  EXPECT_EQ(app["reviews"].back()["late"], true);
}

TEST_P(ProcessTest, SweepRaisesEachOverdueDeadlineOnceAtTheBoundarySecond) {
  const long long id = NewApp();
  json app = Act(vendor_, id, AppAction::kSubmit);
  const Instant due = *ParseInstant(OpenDeadline(app, "review")["due_at"].get<std::string>());
  EXPECT_EQ(Must(pf().alerts.Sweep(due)).raised, 0);
  EXPECT_EQ(Must(pf().alerts.Sweep(due + std::chrono::seconds{1})).raised, 1);
  EXPECT_EQ(Must(pf().alerts.Sweep(due + std::chrono::hours{48})).raised, 0);
  tp_->clock().Set(due + std::chrono::hours{48});
  json alerts = Must(pf().alerts.List(reviewer_, {.status = "open"})).items;
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["kind"], "review_overdue");
  EXPECT_EQ(alerts[0]["application_id"], id);
  // Visible to the province and the application's vendor, not to another city or vendor.
  EXPECT_EQ(Must(pf().alerts.List(province_, {})).items.size(), 1u);
  EXPECT_EQ(Must(pf().alerts.List(reviewer_sz_, {})).items.size(), 0u);
  EXPECT_EQ(Must(pf().alerts.List(vendor_, {})).items.size(), 1u);
  EXPECT_EQ(Must(pf().alerts.List(other_vendor_, {})).items.size(), 0u);
  const long long alert_id = alerts[0]["id"];
  json urged = Must(pf().alerts.Urge(province_, alert_id, "请尽快审核"));
  EXPECT_EQ(urged["urge_count"], 1);
  EXPECT_EQ(urged["status"], "open");
  EXPECT_EQ(CodeOf(pf().alerts.Respond(reviewer_sz_, alert_id, "x")), "not_found");
  EXPECT_EQ(CodeOf(pf().alerts.Respond(reviewer_, alert_id, "")), "missing_field");
  json answered = Must(pf().alerts.Respond(reviewer_, alert_id, "材料较多，已安排明日审核"));
  EXPECT_EQ(answered["status"], "answered");
  EXPECT_EQ(CodeOf(pf().alerts.Respond(reviewer_, alert_id, "again")), "invalid_transition");
  // The review itself stays due: the deadline is open and shows overdue working days.
  app = Must(pf().applications.Get(reviewer_, id));
  EXPECT_EQ(OpenDeadline(app, "review")["overdue"], true);
  EXPECT_GE(OpenDeadline(app, "review")["overdue_working_days"].get<int>(), 1);
  EXPECT_EQ(app["late"], false);
  // Decided after its deadline, the review is marked late, on the review and the application.
  app = Act(reviewer_, id, AppAction::kApprove);
  EXPECT_EQ(app["reviews"].back()["action"], "approve");
  EXPECT_EQ(app["reviews"].back()["late"], true);
  EXPECT_EQ(app["late"], true);
}

// A step done late before any sweep ran still passed its deadline undone: its alert is
// raised with the action, once, and a sweep afterwards adds none.
TEST_P(ProcessTest, AStepDoneLateBeforeTheSweepStillRaisesItsAlert) {
  const long long id = NewApp();
  json app = Act(vendor_, id, AppAction::kSubmit);
  const Instant due = *ParseInstant(OpenDeadline(app, "review")["due_at"].get<std::string>());
  tp_->clock().Set(due);  // at the due second: on time, no alert
  const long long on_time = NewApp();
  Act(vendor_, on_time, AppAction::kSubmit);
  tp_->clock().Set(due + std::chrono::seconds{1});
  Act(reviewer_, id, AppAction::kApprove);
  json alerts = Must(pf().alerts.List(reviewer_, {})).items;
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["kind"], "review_overdue");
  EXPECT_EQ(alerts[0]["application_id"], id);
  EXPECT_EQ(alerts[0]["due_at"], FormatInstant(due));
  EXPECT_EQ(alerts[0]["raised_at"], FormatInstant(due + std::chrono::seconds{1}));
  EXPECT_EQ(alerts[0]["status"], "open");
  EXPECT_EQ(Must(pf().alerts.Sweep(due + std::chrono::hours{1})).raised, 0);
  EXPECT_EQ(Must(pf().alerts.List(province_, {})).items.size(), 1u);
  // A deadline a sweep already alerted is not alerted again when the step is done.
  const Instant second_due = *ParseInstant(
      OpenDeadline(Must(pf().applications.Get(reviewer_, on_time)), "review")["due_at"].get<std::string>());
  EXPECT_EQ(Must(pf().alerts.Sweep(second_due + std::chrono::seconds{1})).raised, 1);
  tp_->clock().Set(second_due + std::chrono::hours{2});
  Act(reviewer_, on_time, AppAction::kApprove);
  EXPECT_EQ(Must(pf().alerts.List(province_, {})).items.size(), 2u);
  EXPECT_EQ(Must(services::VerifyHistory(tp_->db())).ok, true);
}

TEST_P(ProcessTest, VendorsListTheAlertsOfTheirOwnApplicationsOnly) {
  const long long other_product =
      Must(pf().applications.CreateProduct(other_vendor_, {"考勤机", "K1", "attendance_terminal", "1.0"}))["id"];
  const long long mine = NewApp();
  Act(vendor_, mine, AppAction::kSubmit);
  const long long theirs = NewApp(kGz, &other_vendor_, other_product);
  Act(other_vendor_, theirs, AppAction::kSubmit);
  EXPECT_EQ(Must(pf().alerts.Sweep(At("2026-10-11T00:00:00+08:00"))).raised, 2);
  EXPECT_EQ(Must(pf().alerts.List(reviewer_, {.status = "open"})).items.size(), 2u);

  json own = Must(pf().alerts.List(vendor_, {.status = "open"})).items;
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0]["application_id"], mine);
  EXPECT_EQ(own[0]["kind"], "review_overdue");
  json other = Must(pf().alerts.List(other_vendor_, {})).items;
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0]["application_id"], theirs);
  EXPECT_TRUE(Must(pf().alerts.List(vendor_, {.status = "answered"})).items.empty());

  // Answering stays the city's: to a vendor the alert is not something it can act on.
  const long long alert_id = own[0]["id"];
  EXPECT_EQ(CodeOf(pf().alerts.Respond(vendor_, alert_id, "已补充材料")), "not_found");
  // The province's note is for the city; the vendor sees that it was urged.
  Must(pf().alerts.Urge(province_, alert_id, "请今日内完成审核"));
  own = Must(pf().alerts.List(vendor_, {.status = "open"})).items;
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0]["urge_count"], 1);
  EXPECT_EQ(own[0]["urge_note"], "");
  // Nor through the application's history, where the city reads it.
  auto urge_reason = [&](const services::Principal& who) {
    const json app = Must(pf().applications.Get(who, mine));
    for (const json& h : app["history"]) {
      if (h["action"] == "urge") return h["reason"].get<std::string>();
    }
    return std::string("(no urge entry)");
  };
  EXPECT_EQ(urge_reason(vendor_), "");
  EXPECT_EQ(urge_reason(reviewer_), "请今日内完成审核");
  Must(pf().alerts.Respond(reviewer_, alert_id, "材料较多，已安排审核"));
  EXPECT_TRUE(Must(pf().alerts.List(vendor_, {.status = "open"})).items.empty());
  json answered = Must(pf().alerts.List(vendor_, {.status = "answered"})).items;
  ASSERT_EQ(answered.size(), 1u);
  EXPECT_EQ(answered[0]["feedback"], "材料较多，已安排审核");
}

TEST_P(ProcessTest, EveryAlertKind) {
  // review_overdue and joint_test_overdue
  const long long a = NewApp();
  Act(vendor_, a, AppAction::kSubmit);
  const long long b = NewApp();
  Act(vendor_, b, AppAction::kSubmit);
  Act(reviewer_, b, AppAction::kApprove);
  const long long c = NewApp();
  Act(vendor_, c, AppAction::kSubmit);
  Act(reviewer_, c, AppAction::kApprove);
  // complaint_overdue (5 working days to verify) on c; rectification_overdue on b.
  services::NewComplaint nc{c,   "", "", "广州市实名制系统", "key_unusable", "密钥不可用", "2026-09-30T10:00:00+08:00",
                            true};
  Must(pf().complaints.File(vendor_, nc));
  nc.application_id = b;
  json cb = Must(pf().complaints.File(vendor_, nc));
  Must(pf().complaints.Verify(reviewer_, cb["id"], {true, "属实", 1}));
  EXPECT_EQ(Must(pf().alerts.Sweep(At("2026-12-31T00:00:00+08:00"))).raised, 5);
  std::set<std::string> kinds;
  for (const json& al : Must(pf().alerts.List(province_, {})).items) kinds.insert(al["kind"]);
  EXPECT_EQ(kinds, (std::set<std::string>{"review_overdue", "joint_test_overdue", "complaint_overdue",
                                          "rectification_overdue"}));
  // Tech support sees the rectification alert of its city only.
  json support_alerts = Must(pf().alerts.List(support_, {})).items;
  ASSERT_EQ(support_alerts.size(), 1u);
  EXPECT_EQ(support_alerts[0]["kind"], "rectification_overdue");
}

TEST_P(ProcessTest, FoundedComplaintLeadsToRectificationNewKeyAndFreshWindow) {
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);
  json app = Act(reviewer_, id, AppAction::kApprove);
  const std::string first_key = app["test_key"]["app_id"];
  const std::string first_due = OpenDeadline(app, "joint_test")["due_at"];
  tp_->clock().Set(At("2026-10-09T11:00:00+08:00"));
  services::NewComplaint nc{
      id, "", "", "广州市实名制系统技术支持单位", "key_unusable", "返回 -3", "2026-10-09T10:00:00+08:00", true};
  EXPECT_EQ(CodeOf(pf().complaints.File(other_vendor_, nc)), "not_found");
  nc.declaration = false;
  EXPECT_EQ(CodeOf(pf().complaints.File(vendor_, nc)), "missing_field");
  nc.declaration = true;
  json c = Must(pf().complaints.File(vendor_, nc));
  EXPECT_EQ(c["state"], "submitted");
  EXPECT_EQ(c["complainant"], "联系人");  // defaults to the vendor's contact
  // The list shows what each complaint waits for: its latest deadline.
  auto listed = [&](const services::Principal& who) {
    for (const json& item : Must(pf().complaints.List(who, std::nullopt)).items) {
      if (item["id"] == c["id"]) return item;
    }
    return json();
  };
  EXPECT_EQ(listed(reviewer_)["deadline"]["kind"], "complaint_verification");
  EXPECT_EQ(listed(reviewer_)["deadline"], c["deadlines"].back());
  ASSERT_FALSE(c["evidence"].empty());
  EXPECT_EQ(c["evidence"][0]["source"], "platform");  // key history attached automatically
  const long long cid = c["id"];
  json uploaded = Must(pf().complaints.AddEvidence(vendor_, cid, "screenshot.png", "\x89PNG\r\n\x1a\nxx", "截图"));
  // The platform's evidence comes from the row, the vendor's file from the store.
  auto platform_file = Must(pf().complaints.DownloadEvidence(reviewer_, cid, c["evidence"][0]["id"]));
  EXPECT_EQ(platform_file.content_type, "application/json");
  EXPECT_EQ(json::parse(platform_file.data)[0]["app_id"], first_key);
  auto vendor_file = Must(pf().complaints.DownloadEvidence(reviewer_, cid, uploaded["id"]));
  EXPECT_EQ(vendor_file.data, "\x89PNG\r\n\x1a\nxx");
  EXPECT_EQ(CodeOf(pf().complaints.AddEvidence(vendor_, cid, "a.exe", "MZ....", "")), "unsupported_file_type");

  // Before an order, the complaint is between the vendor and the city: the support unit
  // (often the party complained about) neither lists nor reads it.
  EXPECT_TRUE(listed(support_).is_null());
  EXPECT_EQ(CodeOf(pf().complaints.Get(support_, cid)), "not_found");
  EXPECT_EQ(CodeOf(pf().complaints.ReportRectified(support_, cid, "done")), "not_found");  // not even its state
  // Nor the application, its materials or its joint test.
  EXPECT_EQ(CodeOf(pf().applications.Get(support_, id)), "not_found");
  EXPECT_EQ(Must(pf().applications.List(support_, {})).total, 0);
  EXPECT_EQ(CodeOf(pf().sandbox.Evidence(support_, id, {})), "not_found");
  EXPECT_EQ(CodeOf(pf().complaints.DownloadEvidence(support_, cid, uploaded["id"])), "not_found");
  c = Must(pf().complaints.Verify(reviewer_, cid, {true, "测试环境未登记密钥", 3}));
  EXPECT_EQ(c["state"], "rectifying");
  // Its order opens the application to the support unit.
  EXPECT_EQ(Must(pf().applications.Get(support_, id))["id"], id);
  EXPECT_EQ(Must(pf().applications.List(support_, {})).total, 1);
  EXPECT_TRUE(pf().sandbox.Evidence(support_, id, {}).ok());
  json item = listed(support_);
  EXPECT_EQ(item["findings"], "测试环境未登记密钥");
  EXPECT_EQ(item["deadline"]["kind"], "rectification");
  EXPECT_TRUE(item["deadline"]["done_at"].is_null());
  EXPECT_EQ(item["deadline"], c["deadlines"].back());
  EXPECT_EQ(CodeOf(pf().complaints.Verify(reviewer_, cid, {false, "again", std::nullopt})), "invalid_transition");

  tp_->clock().Set(At("2026-10-12T15:00:00+08:00"));
  EXPECT_EQ(CodeOf(pf().complaints.ReportRectified(reviewer_, cid, "done")), "forbidden");
  c = Must(pf().complaints.ReportRectified(support_, cid, "已重新登记密钥并恢复接口"));
  EXPECT_EQ(c["state"], "rectified");
  // Its order, once reported, is judged by state.
  EXPECT_EQ(CodeOf(pf().complaints.ReportRectified(support_, cid, "again")), "invalid_transition");
  item = listed(reviewer_);
  EXPECT_EQ(item["rectification_report"], "已重新登记密钥并恢复接口");
  EXPECT_EQ(item["deadline"]["done_at"], "2026-10-12T15:00:00+08:00");
  app = Must(pf().applications.Get(vendor_, id));
  EXPECT_EQ(app["state"], "joint_testing");
  EXPECT_NE(app["test_key"]["app_id"], first_key);
  EXPECT_EQ(app["test_keys"][0]["status"], "revoked");
  // A fresh 5-working-day window from the re-issue: 10-13 … 10-19.
  EXPECT_EQ(OpenDeadline(app, "joint_test")["due_at"], "2026-10-19T23:59:59+08:00");
  EXPECT_NE(first_due, "2026-10-19T23:59:59+08:00");

  app = Act(reviewer_, id, AppAction::kSucceed);
  c = Must(pf().complaints.Get(vendor_, cid));
  EXPECT_EQ(c["state"], "closed");
  EXPECT_EQ(Must(services::VerifyHistory(tp_->db())).ok, true);
}

TEST_P(ProcessTest, UnfoundedComplaintIsFinal) {
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);
  services::NewComplaint nc{id, "", "", "x", "technical_barrier", "f", "2026-09-30T09:00:00+08:00", true};
  EXPECT_EQ(CodeOf(pf().complaints.File(vendor_, nc)), "invalid_transition");  // not yet joint testing
  Act(reviewer_, id, AppAction::kApprove);
  json c = Must(pf().complaints.File(vendor_, nc));
  c = Must(pf().complaints.Verify(reviewer_, c["id"], {false, "经核查服务正常", std::nullopt}));
  EXPECT_EQ(c["state"], "unfounded");
  EXPECT_EQ(c["findings"], "经核查服务正常");
  Act(reviewer_, id, AppAction::kSucceed);
  EXPECT_EQ(Must(pf().complaints.Get(vendor_, c["id"]))["state"], "unfounded");
}

// Verified founded after the vendor withdrew: no key can be re-issued, so no order is
// given and no rectification deadline can fall overdue; the complaint is closed.
TEST_P(ProcessTest, AComplaintFoundedAfterTheApplicationEndedIsClosed) {
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);
  Act(reviewer_, id, AppAction::kApprove);
  services::NewComplaint nc{id, "", "", "x", "technical_barrier", "f", "2026-09-30T09:00:00+08:00", true};
  json c = Must(pf().complaints.File(vendor_, nc));
  Act(vendor_, id, AppAction::kWithdraw);
  EXPECT_EQ(Must(pf().complaints.Get(vendor_, c["id"]))["state"], "submitted") << "still to be verified";
  c = Must(pf().complaints.Verify(reviewer_, c["id"], {true, "属实", std::nullopt}));
  EXPECT_EQ(c["state"], "closed");
  for (const json& d : c["deadlines"]) {
    EXPECT_NE(d["kind"], "rectification") << d.dump();
  }
  const json history = Must(pf().applications.Get(reviewer_, id))["history"];
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back()["action"], "close") << history.dump();
  tp_->clock().Set(At("2026-12-31T10:00:00+08:00"));
  Must(pf().Sweep(tp_->clock().Now()));
  for (const json& a : Must(pf().alerts.List(reviewer_, {})).items) {
    EXPECT_NE(a["kind"], "rectification_overdue") << a.dump();
  }
  EXPECT_EQ(Must(services::VerifyHistory(tp_->db())).ok, true);
}

// A product can be corrected while only drafts name it and deleted while nothing does;
// once submitted with an application it is part of that record.
TEST_P(ProcessTest, AProductIsCorrectedUntilSubmittedAndDeletedUntilUsed) {
  const long long spare = Must(pf().applications.CreateProduct(vendor_, {"闸机", "G-1", "face_gate", "1.0"}))["id"];
  auto listed = [&](long long id) {
    for (const json& prod : Must(pf().applications.ListProducts(vendor_))) {
      if (prod["id"] == id) return prod;
    }
    return json();
  };
  EXPECT_EQ(listed(spare)["deletable"], true);
  json fixed = Must(pf().applications.UpdateProduct(vendor_, spare, {"闸机", "G-100", "face_gate", "1.0.1"}));
  EXPECT_EQ(fixed["model"], "G-100");
  EXPECT_EQ(CodeOf(pf().applications.UpdateProduct(vendor_, spare, {"闸机", " ", "face_gate", "1"})), "missing_field");
  EXPECT_EQ(CodeOf(pf().applications.UpdateProduct(other_vendor_, spare, {"x", "y", "face_gate", "1"})), "not_found");
  EXPECT_EQ(CodeOf(pf().applications.DeleteProduct(other_vendor_, spare)), "not_found");
  // Named by a draft: still correctable, no longer deletable.
  const long long id = NewApp(kGz, &vendor_, spare);
  EXPECT_EQ(listed(spare)["editable"], true);
  EXPECT_EQ(listed(spare)["deletable"], false);
  EXPECT_EQ(CodeOf(pf().applications.DeleteProduct(vendor_, spare)), "invalid_transition");
  Must(pf().applications.UpdateProduct(vendor_, spare, {"人脸识别闸机", "G-100", "face_gate", "1.0.1"}));
  // Submitted: the city reviews what was sent.
  Act(vendor_, id, AppAction::kSubmit);
  EXPECT_EQ(listed(spare)["editable"], false);
  EXPECT_EQ(CodeOf(pf().applications.UpdateProduct(vendor_, spare, {"闸机", "G-2", "face_gate", "2"})),
            "invalid_transition");
  EXPECT_EQ(Must(pf().applications.Get(reviewer_, id))["products"][0]["name"], "人脸识别闸机");
  // An unused one goes.
  const long long typo = Must(pf().applications.CreateProduct(vendor_, {"错字", "X", "other", "1"}))["id"];
  EXPECT_TRUE(pf().applications.DeleteProduct(vendor_, typo).ok());
  EXPECT_TRUE(listed(typo).is_null());
  EXPECT_EQ(Must(services::VerifyHistory(tp_->db())).ok, true);
}

TEST_P(ProcessTest, SecondPathLinksCityBSuccess) {
  const long long first = NewApp(kSz);
  Act(vendor_, first, AppAction::kSubmit);
  Act(reviewer_sz_, first, AppAction::kApprove);
  Act(reviewer_sz_, first, AppAction::kSucceed);
  json app = Must(pf().applications.Create(vendor_, {kGz, {product_}, "connected_elsewhere", kSz, "已在深圳联调成功"}));
  EXPECT_EQ(app["connected_application_id"], first);
  EXPECT_EQ(app["connected_application"]["state"], "succeeded");
  EXPECT_EQ(CodeOf(pf().applications.Create(vendor_, {kGz, {product_}, "connected_elsewhere", std::nullopt, ""})),
            "missing_field");
  EXPECT_EQ(CodeOf(pf().applications.Create(vendor_, {kGz, {product_}, "connected_elsewhere", kGz, ""})),
            "invalid_field");
  // Without a success on this platform the path is allowed but nothing is linked.
  json other = Must(pf().applications.Create(vendor_, {kGz, {product_}, "connected_elsewhere", "440400", ""}));
  EXPECT_TRUE(other["connected_application_id"].is_null());
  EXPECT_EQ(app["connected_application"]["covers_products"], true);
  // Then the proof is an upload: without one the application cannot be submitted.
  const long long unlinked = other["id"];
  Must(pf().applications.UploadMaterial(vendor_, unlinked, "business_license", "license.pdf", kPdf));
  auto refused = pf().applications.Act(vendor_, unlinked, AppAction::kSubmit, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().CodeWord(), "missing_field");
  EXPECT_EQ(refused.error().details["kind"], "connection_proof");
  EXPECT_EQ(Must(pf().applications.Get(vendor_, unlinked))["state"], "draft");
  Must(pf().applications.UploadMaterial(vendor_, unlinked, "connection_proof", "proof.pdf", kPdf));
  EXPECT_EQ(Act(vendor_, unlinked, AppAction::kSubmit)["state"], "under_review");
  // A linked success needs no upload.
  const long long linked = app["id"];
  Must(pf().applications.UploadMaterial(vendor_, linked, "business_license", "license.pdf", kPdf));
  EXPECT_EQ(Act(vendor_, linked, AppAction::kSubmit)["state"], "under_review");

  // A later success in Shenzhen for another product: each application links the success
  // of its own product.
  const long long gate = Must(pf().applications.CreateProduct(vendor_, {"闸机", "G2", "face_gate", "2.0"}))["id"];
  tp_->clock().Set(At("2026-10-09T09:00:00+08:00"));
  const long long second = NewApp(kSz, &vendor_, gate);
  Act(vendor_, second, AppAction::kSubmit);
  Act(reviewer_sz_, second, AppAction::kApprove);
  Act(reviewer_sz_, second, AppAction::kSucceed);
  json again = Must(pf().applications.Create(vendor_, {kGz, {product_}, "connected_elsewhere", kSz, ""}));
  EXPECT_EQ(again["connected_application_id"], first) << "the success of this product, not the newest";
  json gate_app = Must(pf().applications.Create(vendor_, {kGz, {gate}, "connected_elsewhere", kSz, ""}));
  EXPECT_EQ(gate_app["connected_application_id"], second);
  EXPECT_EQ(gate_app["connected_application"]["covers_products"], true);
  const long long fresh =
      Must(pf().applications.CreateProduct(vendor_, {"考勤机", "K9", "attendance_terminal", "1"}))["id"];
  // A success for other products only proves nothing about this one: nothing is linked,
  // and the proof is an upload.
  json unrelated = Must(pf().applications.Create(vendor_, {kGz, {fresh}, "connected_elsewhere", kSz, ""}));
  EXPECT_TRUE(unrelated["connected_application_id"].is_null());
  // One that covers some of the products is linked, says so, and the others still need
  // an uploaded proof before the application can be submitted.
  json partly = Must(pf().applications.Create(vendor_, {kGz, {gate, fresh}, "connected_elsewhere", kSz, ""}));
  EXPECT_EQ(partly["connected_application_id"], second);
  EXPECT_EQ(partly["connected_application"]["covers_products"], false);
  const long long partly_id = partly["id"];
  Must(pf().applications.UploadMaterial(vendor_, partly_id, "business_license", "license.pdf", kPdf));
  auto unproven = pf().applications.Act(vendor_, partly_id, AppAction::kSubmit, {});
  ASSERT_FALSE(unproven.ok());
  EXPECT_EQ(unproven.error().details["kind"], "connection_proof");
  EXPECT_NE(unproven.error().message.find("未包含所申请的全部产品"), std::string::npos) << unproven.error().message;
  Must(pf().applications.UploadMaterial(vendor_, partly_id, "connection_proof", "proof.pdf", kPdf));
  EXPECT_EQ(Act(vendor_, partly_id, AppAction::kSubmit)["state"], "under_review");
}

// City B's success recorded after the path-2 draft was made is linked to the draft at
// once: no upload is asked for what the platform itself holds.
TEST_P(ProcessTest, SecondPathLinksASuccessRecordedAfterTheDraft) {
  const long long first = NewApp(kSz);
  Act(vendor_, first, AppAction::kSubmit);
  Act(reviewer_sz_, first, AppAction::kApprove);
  json draft = Must(pf().applications.Create(vendor_, {kGz, {product_}, "connected_elsewhere", kSz, ""}));
  EXPECT_TRUE(draft["connected_application_id"].is_null()) << "city B's test is not decided yet";
  Act(reviewer_sz_, first, AppAction::kSucceed);
  const long long id = draft["id"];
  EXPECT_EQ(Must(pf().applications.Get(vendor_, id))["connected_application_id"], first);
  Must(pf().applications.UploadMaterial(vendor_, id, "business_license", "license.pdf", kPdf));
  json submitted = Act(vendor_, id, AppAction::kSubmit);
  EXPECT_EQ(submitted["state"], "under_review");
  EXPECT_EQ(submitted["connected_application_id"], first);
  EXPECT_EQ(submitted["connected_application"]["covers_products"], true);
}

// The first path is for a product never connected anywhere: once the platform records
// its success in city B, an application for it elsewhere comes by the second path and is
// told which city to name. Drafts made before the success keep their path, and the city
// where it succeeded may still be applied to again.
TEST_P(ProcessTest, FirstPathIsRefusedForAProductThatSucceededElsewhere) {
  const long long before = NewApp(kGz);
  const long long first = NewApp(kSz);
  Act(vendor_, first, AppAction::kSubmit);
  Act(reviewer_sz_, first, AppAction::kApprove);
  const long long in_progress = NewApp(kGz);  // city B's test not decided yet: still the first path
  Act(reviewer_sz_, first, AppAction::kSucceed);
  auto refused = pf().applications.Create(vendor_, {kGz, {product_}, "first", std::nullopt, ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().CodeWord(), "invalid_field");
  EXPECT_EQ(refused.error().details["field"], "path");
  EXPECT_EQ(refused.error().details["product_id"], product_);
  EXPECT_EQ(refused.error().details["connected_city_code"], kSz);
  EXPECT_NE(refused.error().message.find("深圳市"), std::string::npos) << refused.error().message;
  // With another product beside it, the one that succeeded still decides.
  const long long fresh =
      Must(pf().applications.CreateProduct(vendor_, {"考勤机", "K9", "attendance_terminal", "1"}))["id"];
  EXPECT_EQ(CodeOf(pf().applications.Create(vendor_, {kGz, {fresh, product_}, "first", std::nullopt, ""})),
            "invalid_field");
  EXPECT_TRUE(pf().applications.Create(vendor_, {kGz, {fresh}, "first", std::nullopt, ""}).ok());
  EXPECT_TRUE(pf().applications.Create(vendor_, {kSz, {product_}, "first", std::nullopt, ""}).ok());
  EXPECT_EQ(Must(pf().applications.Create(
                vendor_, {kGz, {product_}, "connected_elsewhere", kSz, ""}))["connected_application_id"],
            first);
  // What was made before keeps its path and can go on.
  for (long long id : {before, in_progress}) {
    EXPECT_EQ(Must(pf().applications.Get(vendor_, id))["path"], "first");
    EXPECT_EQ(Act(vendor_, id, AppAction::kSubmit)["state"], "under_review");
  }
}

// A complaint holds at most 100 of the vendor's files, and none once it is closed; a
// refused file is not kept among the files either.
TEST_P(ProcessTest, RefusedComplaintEvidenceStoresNothing) {
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);
  Act(reviewer_, id, AppAction::kApprove);
  tp_->clock().Set(At("2026-10-09T11:00:00+08:00"));
  const long long cid = Must(pf().complaints.File(
      vendor_, {id, "", "", "技术支持单位", "key_unusable", "返回 -3", "2026-10-09T10:00:00+08:00", true}))["id"];
  const std::string png = "\x89PNG\r\n\x1a\n";
  for (int i = 0; i < 100; ++i) {
    Must(pf().complaints.AddEvidence(vendor_, cid, "s" + std::to_string(i) + ".png", png + std::to_string(i), ""));
  }
  auto stored = [&](const std::string& data) {
    const std::string sha = crypto::Sha256Hex(data);
    return std::filesystem::exists(std::filesystem::path(pf().deps.config.files_dir) / sha.substr(0, 2) / sha);
  };
  auto full = pf().complaints.AddEvidence(vendor_, cid, "extra.png", png + "extra", "");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().CodeWord(), "invalid_field");
  EXPECT_EQ(full.error().details["max"], 100);
  EXPECT_FALSE(stored(png + "extra"));
  Must(pf().complaints.Verify(reviewer_, cid, {false, "密钥可用，投诉不成立", std::nullopt}));
  auto late = pf().complaints.AddEvidence(vendor_, cid, "late.png", png + "late", "");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().CodeWord(), "invalid_transition");
  EXPECT_EQ(late.error().details["state"], "unfounded");
  EXPECT_EQ(late.error().details["action"], "add_evidence");
  EXPECT_NE(late.error().message.find("投诉不属实"), std::string::npos) << late.error().message;
  EXPECT_FALSE(stored(png + "late"));
}

// A name or file name with characters nobody sees (a right-to-left override makes
// "x\u202Efdp.exe" display as "xexe.pdf") is refused, naming the field.
TEST_P(ProcessTest, TextWithHiddenControlCharactersIsRefused) {
  auto product = pf().applications.CreateProduct(vendor_, {"闸机\xE2\x80\xAE", "G1", "face_gate", "1"});
  ASSERT_FALSE(product.ok());
  EXPECT_EQ(product.error().CodeWord(), "invalid_field");
  EXPECT_EQ(product.error().details["field"], "name");
  const long long id = NewApp();
  auto upload = pf().applications.UploadMaterial(vendor_, id, "other",
                                                 "x\xE2\x80\xAE"
                                                 "fdp.pdf",
                                                 kPdf);
  ASSERT_FALSE(upload.ok());
  EXPECT_EQ(upload.error().details["field"], "filename");
}

// An application holds at most 100 materials; the 101st is refused and nothing of it
// is kept, in the database or among the files.
TEST_P(ProcessTest, AnApplicationHoldsABoundedNumberOfMaterials) {
  const long long id = NewApp();  // one material
  for (int i = 1; i < 100; ++i) {
    Must(pf().applications.UploadMaterial(vendor_, id, "other", "p" + std::to_string(i) + ".pdf", kPdf));
  }
  auto refused = pf().applications.UploadMaterial(vendor_, id, "other", "extra.pdf", kPdf + "extra");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().CodeWord(), "invalid_field");
  EXPECT_EQ(refused.error().details["max"], 100);
  EXPECT_EQ(Must(pf().applications.Get(vendor_, id))["materials"].size(), 100u);
  const std::string sha = crypto::Sha256Hex(kPdf + "extra");
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(pf().deps.config.files_dir) / sha.substr(0, 2) / sha));
}

TEST_P(ProcessTest, ScopeHidesForeignRecordsAsNotFound) {
  const long long id = NewApp();
  EXPECT_EQ(CodeOf(pf().applications.Get(other_vendor_, id)), "not_found");
  EXPECT_EQ(CodeOf(pf().applications.Get(reviewer_sz_, id)), "not_found");
  EXPECT_EQ(CodeOf(pf().applications.Get(province_, id)), "ok");
  EXPECT_EQ(CodeOf(pf().applications.Act(other_vendor_, id, AppAction::kSubmit, {})), "not_found");
  EXPECT_EQ(CodeOf(pf().applications.Act(reviewer_sz_, id, AppAction::kApprove, {})), "not_found");
  EXPECT_EQ(CodeOf(pf().applications.Act(province_, id, AppAction::kSubmit, {})), "forbidden");
  EXPECT_EQ(CodeOf(pf().applications.Act(reviewer_, id, AppAction::kApprove, {})), "invalid_transition");
  EXPECT_EQ(CodeOf(pf().applications.Act(reviewer_, id, AppAction::kSubmit, {})), "forbidden");
  EXPECT_EQ(Must(pf().applications.List(vendor_, {})).total, 1);
  EXPECT_EQ(Must(pf().applications.List(other_vendor_, {})).total, 0);
  EXPECT_EQ(Must(pf().applications.List(reviewer_sz_, {})).total, 0);
  EXPECT_EQ(Must(pf().applications.List(reviewer_, {})).total, 1);
  // Another vendor's product cannot be named.
  json foreign = Must(pf().applications.CreateProduct(other_vendor_, {"p", "m", "software", "1"}));
  EXPECT_EQ(
      CodeOf(pf().applications.Create(vendor_, {kGz, {foreign["id"].get<long long>()}, "first", std::nullopt, ""})),
      "unknown_product");
}

// A list names each application's products, in order of their ids, for every page.
TEST_P(ProcessTest, ListedApplicationsNameTheirProducts) {
  const long long gate = Must(pf().applications.CreateProduct(vendor_, {"闸机", "G2", "face_gate", "2.0"}))["id"];
  const long long both =
      Must(pf().applications.Create(vendor_, {kGz, {gate, product_}, "first", std::nullopt, ""}))["id"];
  const long long one = NewApp(kSz);
  for (int offset : {0, 1}) {
    services::ApplicationQuery q;
    q.page = {1, offset};
    const services::ListPage page = Must(pf().applications.List(vendor_, q));
    ASSERT_EQ(page.items.size(), 1u);
    const json& item = page.items[0];
    std::vector<long long> ids;
    for (const json& p : item["products"]) ids.push_back(p["id"]);
    if (item["id"] == both) {
      EXPECT_EQ(ids, (std::vector<long long>{std::min(gate, product_), std::max(gate, product_)})) << item.dump();
      EXPECT_EQ(item["products"][gate < product_ ? 0 : 1]["name"], "闸机");
      EXPECT_EQ(item["products"][gate < product_ ? 0 : 1]["model"], "G2");
    } else {
      EXPECT_EQ(item["id"], one);
      EXPECT_EQ(ids, std::vector<long long>{product_}) << item.dump();
    }
  }
  EXPECT_TRUE(Must(pf().applications.List(other_vendor_, {})).items.empty());
}

TEST_P(ProcessTest, SubmitNeedsMaterials) {
  json app = Must(pf().applications.Create(vendor_, {kGz, {product_}, "first", std::nullopt, ""}));
  const long long id = app["id"];
  EXPECT_EQ(CodeOf(pf().applications.Act(vendor_, id, AppAction::kSubmit, {})), "missing_field");
  EXPECT_EQ(Must(pf().applications.Get(vendor_, id))["state"], "draft");
  Must(pf().applications.UploadMaterial(vendor_, id, "other", "a.pdf", kPdf));
  EXPECT_EQ(Act(vendor_, id, AppAction::kSubmit)["state"], "under_review");
}

TEST_P(ProcessTest, RefusedActionsChangeNothing) {
  const long long id = NewApp();
  json before = Must(pf().applications.Get(vendor_, id));
  EXPECT_FALSE(pf().applications.Act(reviewer_, id, AppAction::kApprove, {}).ok());
  EXPECT_FALSE(pf().applications.UploadMaterial(vendor_, id, "nonsense", "a.pdf", kPdf).ok());
  EXPECT_FALSE(pf().applications.UploadMaterial(vendor_, id, "other", "a.txt", "plain text").ok());
  json after = Must(pf().applications.Get(vendor_, id));
  EXPECT_EQ(before["state"], after["state"]);
  EXPECT_EQ(before["materials"], after["materials"]);
  EXPECT_EQ(before["history"], after["history"]);
}

TEST_P(ProcessTest, CalendarImportRecomputesProvisionalDeadlines) {
  tp_->clock().Set(At("2026-12-29T10:00:00+08:00"));
  const long long id = NewApp();
  json app = Act(vendor_, id, AppAction::kSubmit);
  Act(reviewer_, id, AppAction::kApprove);
  app = Must(pf().applications.Get(vendor_, id));
  json window = OpenDeadline(app, "joint_test");
  // 12-30, 12-31, then 2027 (no data: Mon–Fri): 01-01 (Fri), 01-04, 01-05.
  EXPECT_EQ(window["provisional"], true);
  EXPECT_EQ(window["due_at"], "2027-01-05T23:59:59+08:00");
  const Instant key_expiry = At(app["test_key"]["expires_at"].get<std::string>().c_str());
  domain::CalendarYear y2027;
  y2027.year = 2027;
  y2027.holidays = {*ParseDay("2027-01-01")};
  y2027.source = "test";
  json put = Must(pf().calendar.PutYears(admin_, {y2027}));
  EXPECT_GE(put["deadlines_recomputed"].get<int>(), 1);
  app = Must(pf().applications.Get(vendor_, id));
  window = OpenDeadline(app, "joint_test");
  EXPECT_EQ(window["provisional"], false);
  EXPECT_EQ(window["due_at"], "2027-01-06T23:59:59+08:00");
  // The key moves with its window, keeping its grace.
  EXPECT_EQ(At(app["test_key"]["expires_at"].get<std::string>().c_str()), key_expiry + std::chrono::days(1));
  EXPECT_EQ(CodeOf(pf().calendar.PutYears(reviewer_, {y2027})), "forbidden");
}

// A year imported by another process (`liantiao calendar import` beside a running
// server) reaches the deadlines this server counted on the calendar it still had, at the
// next sweep, which reloads the calendar.
TEST_P(ProcessTest, ACalendarChangedElsewhereRecomputesDeadlinesAtTheNextSweep) {
  tp_->clock().Set(At("2026-12-29T10:00:00+08:00"));
  auto st = tp_->db().Transact<Ok>([](soci::session& sql) -> Result<Ok> {
    sql << "INSERT INTO calendar_years (year, official, source, holidays, workdays, updated_at) "
           "VALUES (2027, 1, 'import elsewhere', '[\"2027-01-01\"]', '[]', 0)";
    return Ok{};
  });
  ASSERT_TRUE(st.ok());
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);  // counted on the calendar without 2027
  auto review = [&] { return OpenDeadline(Must(pf().applications.Get(vendor_, id)), "review"); };
  EXPECT_EQ(review()["provisional"], true);
  EXPECT_EQ(review()["due_at"], "2027-01-01T23:59:59+08:00");
  Must(pf().Sweep(tp_->clock().Now()));
  EXPECT_EQ(review()["provisional"], false);
  EXPECT_EQ(review()["due_at"], "2027-01-04T23:59:59+08:00");
  EXPECT_EQ(Must(pf().calendar.GetYear(2027))["official"], true);
}

// A deadline closed while it was still provisional gets the official due date too: it
// stops saying provisional, and the statistics judge it on the calendar as published.
TEST_P(ProcessTest, CalendarImportRecomputesClosedProvisionalDeadlines) {
  tp_->clock().Set(At("2026-12-29T10:00:00+08:00"));
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);  // 12-30, 12-31, 2027-01-01 (a guess: Friday) → due 01-01
  tp_->clock().Set(At("2027-01-04T10:00:00+08:00"));
  Act(reviewer_, id, AppAction::kApprove);  // after the guessed due date
  auto review = [&] {
    const json app = Must(pf().applications.Get(vendor_, id));
    for (const json& d : app["deadlines"]) {
      if (d["kind"] == "review") return d;
    }
    return json();
  };
  EXPECT_EQ(review()["provisional"], true);
  EXPECT_EQ(review()["due_at"], "2027-01-01T23:59:59+08:00");
  domain::CalendarYear y2027;
  y2027.year = 2027;
  y2027.holidays = {*ParseDay("2027-01-01")};
  y2027.source = "test";
  Must(pf().calendar.PutYears(admin_, {y2027}));
  EXPECT_EQ(review()["provisional"], false);
  EXPECT_EQ(review()["due_at"], "2027-01-04T23:59:59+08:00");
  const json stats = Must(pf().stats.CityStats(province_, std::nullopt, std::nullopt));
  for (const json& c : stats["cities"]) {
    if (c["city_code"] == kGz) {
      EXPECT_EQ(c["reviews_on_time"], 1) << c.dump();
    }
  }
}

// A review done on time by the calendar as known then, whose due date an official year
// loaded later moves before it, raises no alert: not at the load, and not at the next
// action on the application either.
TEST_P(ProcessTest, AReviewDoneOnTimeStaysWithoutAlertWhenTheCalendarMovesItsDueDate) {
  tp_->clock().Set(At("2026-12-30T10:00:00+08:00"));
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);  // 12-31, then the guess 01-01 (Fri), 01-04 → due 01-04
  tp_->clock().Set(At("2027-01-04T10:00:00+08:00"));
  Act(reviewer_, id, AppAction::kApprove);  // on time as known
  domain::CalendarYear y2027;
  y2027.year = 2027;
  y2027.workdays = {*ParseDay("2027-01-02")};  // a make-up Saturday: now due 01-02
  y2027.source = "test";
  Must(pf().calendar.PutYears(admin_, {y2027}));
  EXPECT_EQ(Must(pf().alerts.Sweep(At("2027-01-05T10:00:00+08:00"))).raised, 0);
  tp_->clock().Set(At("2027-01-05T10:00:00+08:00"));
  Act(reviewer_, id, AppAction::kSucceed);
  EXPECT_EQ(Must(pf().alerts.List(admin_, {})).items.size(), 0u);
  EXPECT_EQ(Must(pf().applications.Get(vendor_, id))["late"], false);
}

// Free text that is optional is still bounded and free of characters nobody sees (NUL,
// a right-to-left override): refused with the field named, and nothing is changed.
TEST_P(ProcessTest, OptionalTextRefusesHiddenCharactersAndOverlongText) {
  const std::string nul("备注\0尾", 8), rlo = "备注\xE2\x80\xAE尾";
  auto field_of = [](const auto& r) {
    return r.ok() ? std::string("<accepted>") : r.error().details.value("field", std::string("<none>"));
  };
  EXPECT_EQ(field_of(pf().applications.Create(vendor_, {kGz, {product_}, "first", std::nullopt, rlo})), "description");
  const long long id = NewApp();
  ActionInput noted;
  noted.note = nul;
  EXPECT_EQ(field_of(pf().applications.Act(vendor_, id, AppAction::kSubmit, noted)), "note");
  noted.note = std::string(4001, 'a');
  EXPECT_EQ(field_of(pf().applications.Act(vendor_, id, AppAction::kSubmit, noted)), "note");
  EXPECT_EQ(Must(pf().applications.Get(vendor_, id))["state"], "draft");
  Act(vendor_, id, AppAction::kSubmit);
  ActionInput returned;
  returned.problems = json::array({{{"text", rlo}}});
  EXPECT_EQ(field_of(pf().applications.Act(reviewer_, id, AppAction::kReturn, returned)), "problems[0].text");
  Act(reviewer_, id, AppAction::kApprove);
  services::NewComplaint nc{id,           std::string(101, 'a'),       "",  "广州市实名制系统", "key_unusable",
                            "密钥不可用", "2026-09-30T10:00:00+08:00", true};
  EXPECT_EQ(field_of(pf().complaints.File(vendor_, nc)), "complainant");
  nc.complainant = "";
  nc.contact = nul;
  EXPECT_EQ(field_of(pf().complaints.File(vendor_, nc)), "contact");
  EXPECT_TRUE(Must(pf().applications.Get(vendor_, id))["complaints"].empty());
}

TEST_P(ProcessTest, HistoryVerifyNamesTheFirstTamperedEntry) {
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);
  Act(reviewer_, id, AppAction::kApprove);
  auto v = Must(services::VerifyHistory(tp_->db()));
  ASSERT_TRUE(v.ok);
  ASSERT_GE(v.entries, 5);
  const long long victim = v.entries - 2;
  Must(tp_->db().Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "UPDATE history SET reason = 'rewritten' WHERE seq = :s", soci::use(victim);
    return Ok{};
  }));
  v = Must(services::VerifyHistory(tp_->db()));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, victim);
}

// A decision's entry records its report's digest; the entries before that column hash
// as they did, and a database an earlier version left (no column) still verifies, its
// decisions without a digest.
TEST_P(ProcessTest, DecisionsRecordTheirReportsDigestInTheHistoryChain) {
  services::HistoryEntry e{.entity = "application", .entity_id = 1, .action = "succeed", .at = FromUnix(1)};
  const std::string before = services::CanonicalEntry(7, e);
  EXPECT_EQ(before.find("report_digest"), std::string::npos) << "hashed as entries were before the column";
  e.report_digest = "sha256:" + std::string(64, 'a');
  EXPECT_NE(services::CanonicalEntry(7, e), before);

  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);
  Act(reviewer_, id, AppAction::kApprove);
  Act(reviewer_, id, AppAction::kSucceed);
  auto decision = Must(tp_->db().Read<std::optional<services::DecisionReportDigest>>(
      [&](soci::session& sql) -> Result<std::optional<services::DecisionReportDigest>> {
        return services::FindDecisionReportDigest(sql, id);
      }));
  ASSERT_TRUE(decision && decision->digest);
  std::string kept;
  Must(tp_->db().Read<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "SELECT report FROM decided_reports WHERE application_id = :a", soci::use(id), soci::into(kept);
    return Ok{};
  }));
  EXPECT_EQ(*decision->digest, services::KeptReportDigest(kept));
  ASSERT_TRUE(Must(services::VerifyHistory(tp_->db())).ok);

  // The digest is covered by the entry's hash: taken away, the chain breaks there.
  Must(tp_->db().Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "UPDATE history SET report_digest = NULL";
    return Ok{};
  }));
  auto v = Must(services::VerifyHistory(tp_->db()));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, decision->seq);
}

// `history verify` and `report verify` read a database as it is: one an earlier version
// left, without history.report_digest, still verifies.
TEST_P(ProcessTest, AHistoryWithoutReportDigestsStillVerifies) {
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);
  Act(reviewer_, id, AppAction::kApprove);
  Must(tp_->db().Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "ALTER TABLE history DROP COLUMN report_digest";
    sql << "DELETE FROM schema_migrations WHERE name = '0014_history_report_digest'";
    return Ok{};
  }));
  auto v = Must(services::VerifyHistory(tp_->db()));
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_GE(v.entries, 4);
  auto decision = Must(tp_->db().Read<std::optional<services::DecisionReportDigest>>(
      [&](soci::session& sql) -> Result<std::optional<services::DecisionReportDigest>> {
        return services::FindDecisionReportDigest(sql, id);
      }));
  EXPECT_FALSE(decision) << "not decided";
}

// A stranger's guesses lock the user name for the stranger's address, not for the user;
// guesses spread over many addresses lock it for everyone.
TEST_P(ProcessTest, LoginThrottlingIsPerClientUntilTheGuessesComeFromEverywhere) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(CodeOf(pf().auth.Login("vendor1", "wrong", "203.0.113.9")), "bad_credentials");
  }
  EXPECT_EQ(CodeOf(pf().auth.Login("vendor1", testing::kTestPassword, "203.0.113.9")), "too_many_attempts");
  EXPECT_TRUE(pf().auth.Login("vendor1", testing::kTestPassword, "198.51.100.7").ok()) << "the user, elsewhere";
  for (int i = 0; i < 50; ++i) {
    pf().auth.Login("vendor1", "wrong", "203.0.113." + std::to_string(100 + i % 50)).ok();
  }
  EXPECT_EQ(CodeOf(pf().auth.Login("vendor1", testing::kTestPassword, "198.51.100.7")), "too_many_attempts");
  // The failed logins do not stop a session's holder changing the password.
  ASSERT_TRUE(pf().auth.ChangePassword(vendor_, "", testing::kTestPassword, "An0ther-passw0rd").ok());
  tp_->session_clock().Set(tp_->session_clock().Now() + std::chrono::minutes{16});
  EXPECT_TRUE(pf().auth.Login("vendor1", "An0ther-passw0rd", "198.51.100.7").ok());
}

// User names are told apart without regard to case: a login in other capitals is the
// same user, its guesses count towards the same limit, and no second user takes the
// name in other capitals. Two such users a database holds from before log in by their
// exact names; a third spelling names neither.
TEST_P(ProcessTest, UserNamesAreMatchedWithoutRegardToCase) {
  auto login = Must(pf().auth.Login("VENDOR1", testing::kTestPassword, "198.51.100.7"));
  EXPECT_EQ(login.user["username"], "vendor1");
  for (const char* name : {"Vendor1", "VENDOR1", "vendor1", "vEndor1", "VeNdOr1"}) {
    EXPECT_EQ(CodeOf(pf().auth.Login(name, "wrong", "203.0.113.9")), "bad_credentials") << name;
  }
  EXPECT_EQ(CodeOf(pf().auth.Login("vendor1", testing::kTestPassword, "203.0.113.9")), "too_many_attempts");
  const services::Actor admin{std::nullopt, "admin", Role::kAdmin};
  auto taken = pf().auth.AddUser({Role::kProvince, "Vendor1", "Passw0rd!case", "", std::nullopt, std::nullopt}, admin);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(taken.error().details["field"], "username");

  Must(pf().auth.AddUser({Role::kProvince, "prov_case", "Passw0rd!case", "", std::nullopt, std::nullopt}, admin));
  Must(tp_->db().Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "INSERT INTO users (username, password_hash, role, display_name, created_at) "
           "SELECT 'Prov_Case', password_hash, role, display_name, created_at FROM users WHERE username = 'prov_case'";
    return Ok{};
  }));
  EXPECT_EQ(Must(pf().auth.Login("prov_case", "Passw0rd!case", "198.51.100.8")).user["username"], "prov_case");
  EXPECT_EQ(Must(pf().auth.Login("Prov_Case", "Passw0rd!case", "198.51.100.8")).user["username"], "Prov_Case");
  EXPECT_EQ(CodeOf(pf().auth.Login("PROV_CASE", "Passw0rd!case", "198.51.100.8")), "bad_credentials");
}

// Guesses sent at once are counted as they arrive, not after their passwords are
// hashed: no more of them are judged than the limit, however many race for it.
TEST_P(ProcessTest, ConcurrentGuessesGetNoMoreTriesThanTheLimit) {
  constexpr int kGuesses = 16;
  std::vector<std::string> codes(kGuesses);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kGuesses; ++i) {
      threads.emplace_back([&, i] { codes[i] = CodeOf(pf().auth.Login("vendor1", "wrong", "203.0.113.9")); });
    }
  }
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "bad_credentials"), 5);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "too_many_attempts"), kGuesses - 5);
  // The same for a session's holder guessing the current password.
  std::vector<std::string> changes(kGuesses);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kGuesses; ++i) {
      threads.emplace_back(
          [&, i] { changes[i] = CodeOf(pf().auth.ChangePassword(vendor_, "", "wrong", "An0ther-passw0rd")); });
    }
  }
  EXPECT_EQ(std::count(changes.begin(), changes.end(), "invalid_field"), 5);
  EXPECT_EQ(std::count(changes.begin(), changes.end(), "too_many_attempts"), kGuesses - 5);
}

// Two changes of one user's password sent at once with the right current password: one
// sets its password, the other is refused as if it had come a moment later, and the
// password that stands is the one whose change was answered as done.
TEST_P(ProcessTest, OfPasswordChangesRunningAtOnceOneSetsThePassword) {
  std::string current = testing::kTestPassword;
  for (int round = 0; round < 4; ++round) {
    const std::array<std::string, 2> next = {"Pass-a" + std::to_string(round) + "-w0rd",
                                             "Pass-b" + std::to_string(round) + "-w0rd"};
    std::array<std::string, 2> codes;
    {
      std::latch start(2);
      std::vector<std::jthread> threads;
      for (int i = 0; i < 2; ++i) {
        threads.emplace_back([&, i] {
          start.arrive_and_wait();
          codes[i] = CodeOf(pf().auth.ChangePassword(vendor_, "", current, next[i]));
        });
      }
    }
    const int won = codes[0] == "ok" ? 0 : 1;
    ASSERT_EQ(codes[won], "ok") << "round " << round;
    ASSERT_EQ(codes[1 - won], "invalid_field") << "round " << round;
    EXPECT_TRUE(pf().auth.Login("vendor1", next[won], "198.51.100.7").ok()) << "round " << round;
    EXPECT_EQ(CodeOf(pf().auth.Login("vendor1", next[1 - won], "198.51.100.7")), "bad_credentials");
    current = next[won];
    tp_->session_clock().Set(tp_->session_clock().Now() + std::chrono::minutes{16});  // the failures' window
  }
}

// Sign-up is public, so one address registers only so many enterprises within the
// window: the one past the limit is refused with when to try again and creates nothing;
// a registration refused after its password was hashed (a credit code taken) counts;
// another address, and registrations with no address (the demo), are not held back; once
// the window passes the address signs up again, and the purge drops what no longer counts.
TEST_P(ProcessTest, OneAddressSignsUpOnlySoManyEnterprisesAnHour) {
  auto small =
      TestPlatform::Create(GetParam(), At("2026-09-30T10:00:00+08:00"), /*serve_http=*/false, [](app::AppConfig& c) {
        c.services.signup_max_per_client = 2;
        c.services.signup_window_minutes = 60;
      });
  ASSERT_NE(small, nullptr);
  services::AuthService& auth = small->platform().auth;
  int n = 900;
  const auto signup = [&](const std::string& name, const std::string& client, std::optional<std::string> code = {}) {
    return auth.RegisterVendor(testing::Registration(name, code.value_or(testing::ValidCreditCode(n++)), client),
                               false);
  };
  const std::string a = "203.0.113.20", b = "198.51.100.20";
  auto first = signup("signup_a1", a);
  ASSERT_TRUE(first.ok()) << first.error().message;
  const std::string taken = (*first)["enterprise"]["credit_code"];
  EXPECT_EQ(CodeOf(signup("signup_a2", a, taken)), "already_exists");
  auto refused = signup("signup_a3", a);
  ASSERT_EQ(CodeOf(refused), "too_many_attempts");
  EXPECT_EQ(refused.error().details["retry_after_minutes"], 60);
  EXPECT_EQ(CodeOf(auth.Login("signup_a3", testing::kTestPassword)), "bad_credentials") << "nothing was created";
  EXPECT_EQ(CodeOf(signup("signup_b1", b)), "ok");
  EXPECT_EQ(CodeOf(signup("signup_demo1", "")), "ok");
  EXPECT_EQ(CodeOf(signup("signup_demo2", "")), "ok");
  EXPECT_EQ(CodeOf(signup("signup_demo3", "")), "ok");

  small->session_clock().Advance(std::chrono::minutes{61});
  EXPECT_EQ(CodeOf(signup("signup_a4", a)), "ok");
  small->session_clock().Advance(std::chrono::minutes{61});
  EXPECT_GE(Must(auth.PurgeExpired()), 4);
  long long left = -1;
  Must(small->db().Read<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "SELECT COUNT(*) FROM signups", soci::into(left);
    return Ok{};
  }));
  EXPECT_EQ(left, 0);
}

// A vendor's uploads together stay within its storage quota: a file that would pass it is
// refused whichever application it is for, and nothing of it is recorded; another
// vendor's quota is its own.
TEST_P(ProcessTest, AVendorsUploadsStayWithinItsStorageQuota) {
  const long long quota = 2 * static_cast<long long>(kPdf.size()) + 10;
  auto small = TestPlatform::Create(GetParam(), At("2026-09-30T10:00:00+08:00"), /*serve_http=*/false,
                                    [quota](app::AppConfig& c) { c.services.vendor_storage_bytes = quota; });
  ASSERT_NE(small, nullptr);
  services::Platform& platform = small->platform();
  auto new_app = [&](const Principal& who) -> long long {
    const long long product = Must(platform.applications.CreateProduct(who, {"闸机", "G1", "face_gate", "1.0"}))["id"];
    return Must(platform.applications.Create(who, {kGz, {product}, "first", std::nullopt, "d"}))["id"];
  };
  const Principal vendor = small->AddVendor("quota_vendor");
  const long long first = new_app(vendor), second = new_app(vendor);
  Must(platform.applications.UploadMaterial(vendor, first, "business_license", "a.pdf", kPdf));
  Must(platform.applications.UploadMaterial(vendor, second, "business_license", "b.pdf", kPdf));
  for (const long long id : {first, second}) {
    auto refused = platform.applications.UploadMaterial(vendor, id, "other", "c.pdf", kPdf);
    ASSERT_FALSE(refused.ok()) << id;
    EXPECT_EQ(refused.error().code, ErrorCode::kQuotaExceeded);
    EXPECT_EQ(refused.error().details["quota_bytes"], quota);
    EXPECT_EQ(refused.error().details["used_bytes"], 2 * static_cast<long long>(kPdf.size()));
  }
  const long long materials = Must(small->db().Read<long long>([](soci::session& sql) -> Result<long long> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM materials", soci::into(n);
    return n;
  }));
  EXPECT_EQ(materials, 2);
  const Principal other = small->AddVendor("quota_other");
  EXPECT_TRUE(platform.applications.UploadMaterial(other, new_app(other), "business_license", "a.pdf", kPdf).ok());
}

// A draft or a product costs no upload: how many one vendor may have is bounded on its
// own. A draft submitted or withdrawn makes room for another; other vendors are not
// counted.
TEST_P(ProcessTest, AVendorsDraftsAndProductsAreBounded) {
  auto small =
      TestPlatform::Create(GetParam(), At("2026-09-30T10:00:00+08:00"), /*serve_http=*/false, [](app::AppConfig& c) {
        c.services.vendor_max_drafts = 2;
        c.services.vendor_max_products = 3;
      });
  ASSERT_NE(small, nullptr);
  services::Platform& platform = small->platform();
  const Principal vendor = small->AddVendor("bounded_vendor");
  std::vector<long long> products;
  for (int i = 0; i < 3; ++i) {
    products.push_back(
        Must(platform.applications.CreateProduct(vendor, {"闸机", "G" + std::to_string(i), "face_gate", "1.0"}))["id"]);
  }
  auto product = platform.applications.CreateProduct(vendor, {"闸机", "G9", "face_gate", "1.0"});
  ASSERT_FALSE(product.ok());
  EXPECT_EQ(product.error().code, ErrorCode::kQuotaExceeded);
  EXPECT_EQ(product.error().details["kind"], "products");
  EXPECT_EQ(product.error().details["limit"], 3);
  auto draft = [&] { return platform.applications.Create(vendor, {kGz, {products[0]}, "first", std::nullopt, "d"}); };
  const long long first = Must(draft())["id"];
  Must(draft());
  auto refused = draft();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kQuotaExceeded);
  EXPECT_EQ(refused.error().details["kind"], "drafts");
  const long long apps = Must(small->db().Read<long long>([](soci::session& sql) -> Result<long long> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM applications", soci::into(n);
    return n;
  }));
  EXPECT_EQ(apps, 2) << "nothing kept of the refused one";
  Must(platform.applications.Act(vendor, first, AppAction::kWithdraw, {}));
  EXPECT_TRUE(draft().ok()) << "a withdrawn draft makes room";
  const Principal other = small->AddVendor("bounded_other");
  EXPECT_TRUE(platform.applications.CreateProduct(other, {"闸机", "G1", "face_gate", "1.0"}).ok());
}

// One client guessing at many user names, or made-up ones, reaches a limit over all of
// them: from then on it logs in as nobody, not even with a right password, until the
// window passes. Other clients log in as before.
TEST_P(ProcessTest, OneClientsGuessesAtManyNamesReachALimitOfTheirOwn) {
  const std::string guesser = "203.0.113.50";
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(CodeOf(pf().auth.Login("made_up_" + std::to_string(i), "wrong", guesser)), "bad_credentials") << i;
  }
  auto refused = pf().auth.Login("vendor1", testing::kTestPassword, guesser);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kTooManyAttempts);
  EXPECT_EQ(refused.error().message, "该网络地址登录失败次数过多，请稍后再试");
  EXPECT_EQ(refused.error().details["retry_after_minutes"], 15);
  EXPECT_TRUE(pf().auth.Login("vendor1", testing::kTestPassword, "198.51.100.7").ok()) << "another client";
  EXPECT_TRUE(pf().auth.Login("vendor1", testing::kTestPassword).ok()) << "no address: not counted so";
  tp_->session_clock().Set(tp_->session_clock().Now() + std::chrono::minutes{16});
  EXPECT_TRUE(pf().auth.Login("vendor1", testing::kTestPassword, guesser).ok()) << "the window has passed";
}

// When every password hashing slot is taken, a login, a registration and a password
// change are answered server_busy at once, and nothing is filed: neither a failed
// attempt nor a user. Once a slot frees they go through.
TEST_P(ProcessTest, WhenNoSlotToHashInIsFreeTheAnswerIsBusyAndNothingIsFiled) {
  std::vector<services::HashGate::Ticket> held;
  while (true) {
    auto ticket = pf().deps.hashing.Enter();
    if (!ticket.ok()) break;
    held.push_back(std::move(*ticket));
  }
  ASSERT_EQ(held.size(), static_cast<std::size_t>(kHashSlots));
  auto busy = pf().auth.Login("vendor1", testing::kTestPassword, "198.51.100.7");
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, ErrorCode::kServerBusy);
  EXPECT_GE(busy.error().details["retry_after_seconds"].get<int>(), 1);
  EXPECT_EQ(CodeOf(pf().auth.ChangePassword(vendor_, "", "wrong", "An0ther-passw0rd")), "server_busy");
  const services::Actor admin{std::nullopt, "admin", Role::kAdmin};
  EXPECT_EQ(
      CodeOf(pf().auth.AddUser({Role::kProvince, "prov_busy", "Passw0rd!busy", "", std::nullopt, std::nullopt}, admin)),
      "server_busy");
  const long long failures = Must(tp_->db().Read<long long>([](soci::session& sql) -> Result<long long> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM login_failures", soci::into(n);
    return n;
  }));
  EXPECT_EQ(failures, 0);
  held.pop_back();
  EXPECT_TRUE(pf().auth.Login("vendor1", testing::kTestPassword, "198.51.100.7").ok());
  EXPECT_TRUE(
      pf().auth.AddUser({Role::kProvince, "prov_busy", "Passw0rd!busy", "", std::nullopt, std::nullopt}, admin).ok());
}

// The sweep deletes the failed logins the limit no longer counts, and expired sessions;
// failures within the window stay and still count.
TEST_P(ProcessTest, TheSweepPurgesOldLoginFailuresAndExpiredSessions) {
  auto rows = [&](const char* table) {
    return Must(tp_->db().Read<long long>([table](soci::session& sql) -> Result<long long> {
      long long n = 0;
      sql << std::string("SELECT COUNT(*) FROM ") + table, soci::into(n);
      return n;
    }));
  };
  ASSERT_TRUE(pf().auth.Login("vendor1", testing::kTestPassword, "203.0.113.9").ok());
  const long long sessions = rows("sessions");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(CodeOf(pf().auth.Login("made_up_" + std::to_string(i), "x")), "bad_credentials");
  EXPECT_EQ(rows("login_failures"), 3);
  Must(pf().Sweep(tp_->clock().Now()));
  EXPECT_EQ(rows("login_failures"), 3) << "within the window: still counted";
  tp_->session_clock().Set(tp_->session_clock().Now() + std::chrono::hours(1));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(CodeOf(pf().auth.Login("vendor2", "wrong")), "bad_credentials");
  Must(pf().Sweep(tp_->clock().Now()));
  EXPECT_EQ(rows("login_failures"), 5) << "the made-up names' failures are gone";
  EXPECT_EQ(CodeOf(pf().auth.Login("vendor2", testing::kTestPassword)), "too_many_attempts");
  EXPECT_EQ(rows("sessions"), sessions);
  tp_->session_clock().Set(tp_->session_clock().Now() + std::chrono::hours(24 * 30));
  Must(pf().Sweep(tp_->clock().Now()));
  EXPECT_EQ(rows("sessions"), 0);
  EXPECT_EQ(rows("login_failures"), 0);
}

// A right current password does not count against the limit.
TEST_P(ProcessTest, ARightCurrentPasswordIsNoFailedAttempt) {
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(CodeOf(pf().auth.ChangePassword(vendor_, "", "wrong", "An0ther-passw0rd")), "invalid_field");
  }
  ASSERT_TRUE(pf().auth.ChangePassword(vendor_, "", testing::kTestPassword, "An0ther-passw0rd").ok());
  ASSERT_TRUE(pf().auth.ChangePassword(vendor_, "", "An0ther-passw0rd", "Th1rd-passw0rd").ok());
  // The fifth wrong one reaches the limit.
  EXPECT_EQ(CodeOf(pf().auth.ChangePassword(vendor_, "", "wrong", "F0urth-passw0rd")), "invalid_field");
  EXPECT_EQ(CodeOf(pf().auth.ChangePassword(vendor_, "", "Th1rd-passw0rd", "F0urth-passw0rd")), "too_many_attempts");
}

TEST_P(ProcessTest, LoginIsThrottledAndSessionsAreShared) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(CodeOf(pf().auth.Login("vendor1", "wrong")), "bad_credentials");
  EXPECT_EQ(CodeOf(pf().auth.Login("vendor1", testing::kTestPassword)), "too_many_attempts");
  // The process clock does not lift the throttle: login time is the session clock's.
  tp_->clock().Set(tp_->clock().Now() + std::chrono::hours{1});
  EXPECT_EQ(CodeOf(pf().auth.Login("vendor1", testing::kTestPassword)), "too_many_attempts");
  tp_->session_clock().Set(tp_->session_clock().Now() + std::chrono::minutes{16});
  auto login = Must(pf().auth.Login("vendor1", testing::kTestPassword));
  // A second server on the same database accepts the session.
  auto twin = tp_->Twin(false);
  ASSERT_NE(twin, nullptr);
  twin->session_clock().Set(tp_->session_clock().Now());
  auto s = Must(twin->platform().auth.Authenticate(login.token));
  EXPECT_EQ(s.principal.username, "vendor1");
  Must(pf().auth.Logout(login.token));
  EXPECT_EQ(CodeOf(twin->platform().auth.Authenticate(login.token)), "unauthenticated");
}

TEST_P(ProcessTest, TwoSweepersRaiseOneAlertPerDeadline) {
  for (int i = 0; i < 5; ++i) {
    const long long id = NewApp();
    Act(vendor_, id, AppAction::kSubmit);
  }
  auto twin = tp_->Twin(false);
  ASSERT_NE(twin, nullptr);
  const Instant later = At("2026-11-30T00:00:00+08:00");
  long long total = 0;
  std::thread other([&] { total += Must(twin->platform().alerts.Sweep(later)).raised; });
  long long mine = Must(pf().alerts.Sweep(later)).raised;
  other.join();
  EXPECT_EQ(mine + total, 5);
  EXPECT_EQ(Must(pf().alerts.List(province_, {})).items.size(), 5u);
}

TEST_P(ProcessTest, StatisticsPerCity) {
  const long long a = NewApp();
  Act(vendor_, a, AppAction::kSubmit);
  Act(reviewer_, a, AppAction::kApprove);
  Act(reviewer_, a, AppAction::kSucceed);
  json stats = Must(pf().stats.CityStats(province_, std::nullopt, std::nullopt));
  EXPECT_EQ(stats["cities"].size(), 21u);
  json gz;
  for (const json& c : stats["cities"])
    if (c["city_code"] == kGz) gz = c;
  EXPECT_EQ(gz["applications_received"], 1);
  EXPECT_EQ(gz["reviews_done"], 1);
  EXPECT_EQ(gz["reviews_on_time_pct"], 100.0);
  EXPECT_EQ(gz["joint_tests_succeeded"], 1);
  // All cities together (the pooling itself: the next test).
  const json& total = stats["total"];
  EXPECT_EQ(total["city_name"], "合计");
  EXPECT_EQ(total["applications_received"], 1);
  EXPECT_EQ(total["reviews_on_time_pct"], 100.0);
  ASSERT_FALSE(gz["median_review_working_days"].is_null());
  EXPECT_EQ(total["median_review_working_days"], gz["median_review_working_days"]);
  EXPECT_EQ(total["joint_tests_on_time_pct"], gz["joint_tests_on_time_pct"]);
  const std::string csv = Must(pf().stats.CityStatsCsv(province_, std::nullopt, std::nullopt));
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF城市代码,城市,收到申请", 0), 0u);
  EXPECT_NE(csv.find("\r\n440100,广州市,1,1,100.0,"), std::string::npos) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 22);
  json own = Must(pf().stats.CityStats(reviewer_, std::nullopt, std::nullopt));
  EXPECT_EQ(own["cities"].size(), 1u);
  // A period given as dates includes its last day: today alone holds the application.
  const std::string today = FormatInstant(tp_->clock().Now()).substr(0, 10);
  json day = Must(pf().stats.CityStats(reviewer_, today, today));
  EXPECT_EQ(day["cities"][0]["applications_received"], 1);
  EXPECT_EQ(day["to"], FormatInstant(StartOfDay(AddDays(ShanghaiDay(tp_->clock().Now()), 1))));
  // The city's technical support unit reads its own city's figures too.
  json support = Must(pf().stats.CityStats(support_, std::nullopt, std::nullopt));
  ASSERT_EQ(support["cities"].size(), 1u);
  EXPECT_EQ(support["cities"][0]["city_code"], kGz);
  EXPECT_EQ(CodeOf(pf().stats.CityStats(vendor_, std::nullopt, std::nullopt)), "forbidden");
}

// 合计 is figured from the cities' pooled records, not from their figures: with one review
// in 广州 and two as long as each other in 深圳, the median of all three is 深圳's, where a
// median of the two cities' medians would lie between them.
TEST_P(ProcessTest, TheTotalIsFiguredFromThePooledRecords) {
  const long long gz = NewApp();
  Act(vendor_, gz, AppAction::kSubmit);
  Act(reviewer_, gz, AppAction::kApprove);  // at once
  const long long product =
      Must(pf().applications.CreateProduct(other_vendor_, {"考勤机", "K1", "attendance_terminal", "1.0"}))["id"];
  const long long sz1 = NewApp(kSz);
  const long long sz2 = NewApp(kSz, &other_vendor_, product);
  Act(vendor_, sz1, AppAction::kSubmit);
  Act(other_vendor_, sz2, AppAction::kSubmit);
  tp_->clock().Set(At("2026-10-13T10:00:00+08:00"));  // working days later
  Act(reviewer_sz_, sz1, AppAction::kApprove);
  Act(reviewer_sz_, sz2, AppAction::kApprove);
  const json stats = Must(pf().stats.CityStats(province_, std::nullopt, std::nullopt));
  json by_city;
  for (const json& c : stats["cities"]) by_city[c["city_code"].get<std::string>()] = c;
  const json& gz_median = by_city[kGz]["median_review_working_days"];
  const json& sz_median = by_city[kSz]["median_review_working_days"];
  ASSERT_FALSE(gz_median.is_null());
  ASSERT_FALSE(sz_median.is_null());
  ASSERT_NE(gz_median, sz_median);
  const json& total = stats["total"];
  EXPECT_EQ(total["reviews_done"], 3);
  EXPECT_EQ(total["median_review_working_days"], sz_median);
  EXPECT_EQ(total["applications_received"], 3);
}

// 按期联调成功率: of the joint tests concluded, the share that succeeded within the window;
// a delayed one counts against it, as does a success recorded late.
TEST_P(ProcessTest, JointTestsOnTimeAreAShareOfEveryConcludedJointTest) {
  // Made before the product succeeds in 广州, so still by the first path.
  const long long only = NewApp(kSz);
  std::vector<long long> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(NewApp());
    Act(vendor_, ids.back(), AppAction::kSubmit);
    Act(reviewer_, ids.back(), AppAction::kApprove);
  }
  Act(reviewer_, ids[0], AppAction::kSucceed);
  tp_->clock().Set(At("2026-11-20T09:00:00+08:00"));  // every window is over
  Act(reviewer_, ids[1], AppAction::kSucceed);        // late
  ActionInput problems;
  problems.problems = json::array({{{"clause", "V1.3 4.2"}, {"text", "签名错误"}}});
  Act(reviewer_, ids[2], AppAction::kDelay, problems);
  auto gz = [&](const Principal& who) {
    const json stats = Must(pf().stats.CityStats(who, std::nullopt, std::nullopt));
    for (const json& c : stats["cities"]) {
      if (c["city_code"] == kGz) return c;
    }
    return json();
  };
  const json c = gz(province_);
  EXPECT_EQ(c["joint_tests_succeeded"], 2);
  EXPECT_EQ(c["joint_tests_succeeded_on_time"], 1);
  EXPECT_EQ(c["joint_tests_delayed"], 1);
  EXPECT_NEAR(c["joint_tests_on_time_pct"].get<double>(), 100.0 / 3, 0.05) << c.dump();
  // A city whose only joint test was delayed is at 0 %, not blank.
  Act(vendor_, only, AppAction::kSubmit);
  Act(reviewer_sz_, only, AppAction::kApprove);
  tp_->clock().Set(At("2026-12-20T09:00:00+08:00"));
  Act(reviewer_sz_, only, AppAction::kDelay, problems);
  const json stats = Must(pf().stats.CityStats(province_, std::nullopt, std::nullopt));
  for (const json& city : stats["cities"]) {
    if (city["city_code"] == kSz) {
      EXPECT_EQ(city["joint_tests_on_time_pct"], 0.0) << city.dump();
    }
  }
}

TEST_P(ProcessTest, StatisticsCountOnlyReviewsTheReviewerDecided) {
  // a: returned on time, resubmitted, then withdrawn after the new review deadline;
  // b: approved on time. A withdrawal ends the review deadline but is no review.
  const auto [a, b] = SubmitTwoThenReturnOneApproveOther();
  tp_->clock().Set(At("2026-10-12T09:00:00+08:00"));
  Act(vendor_, a, AppAction::kResubmit);  // review due 2026-10-15
  tp_->clock().Set(At("2026-10-20T09:00:00+08:00"));
  EXPECT_EQ(Act(vendor_, a, AppAction::kWithdraw)["state"], "withdrawn");

  const json stats = Must(pf().stats.CityStats(province_, std::nullopt, std::nullopt));
  json gz;
  for (const json& c : stats["cities"]) {
    if (c["city_code"] == kGz) gz = c;
  }
  ASSERT_TRUE(gz.is_object());
  EXPECT_EQ(gz["applications_received"], 2);
  EXPECT_EQ(gz["reviews_done"], 2);
  EXPECT_EQ(gz["reviews_on_time"], 2);
  EXPECT_EQ(gz["reviews_on_time_pct"], 100.0);
  // 09-30 → 10-09: 10-08 and 10-09 are the working days after the National Day holiday.
  EXPECT_EQ(gz["median_review_working_days"], 2.0);
}

TEST_P(ProcessTest, TheListPutsTheSoonestOwnDeadlineFirstOnEveryPage) {
  // Deadlines due in the opposite order of the ids: a's review, b's review, e's joint
  // test; then the applications without one, newest first.
  const long long a = NewApp();
  Act(vendor_, a, AppAction::kSubmit);
  const long long c = NewApp();  // a draft: no deadline
  tp_->clock().Set(At("2026-10-09T09:00:00+08:00"));
  const long long b = NewApp();
  Act(vendor_, b, AppAction::kSubmit);
  const long long e = NewApp();
  Act(vendor_, e, AppAction::kSubmit);
  Act(reviewer_, e, AppAction::kApprove);
  // A complaint's verification deadline is the complaint's, not the application's.
  FileKeyComplaint(e, "2026-10-09T08:30:00+08:00");
  const long long d = NewApp();

  const services::ListPage all = Must(pf().applications.List(vendor_, {}));
  ASSERT_EQ(all.total, 5);
  std::vector<long long> order;
  for (const json& item : all.items) order.push_back(item["id"]);
  EXPECT_EQ(order, (std::vector<long long>{a, b, e, d, c}));
  EXPECT_EQ(all.items[0]["next_deadline"]["kind"], "review");
  EXPECT_EQ(all.items[1]["next_deadline"]["kind"], "review");
  EXPECT_EQ(all.items[2]["next_deadline"]["kind"], "joint_test");
  EXPECT_LT(all.items[1]["next_deadline"]["due_at"].get<std::string>(),
            all.items[2]["next_deadline"]["due_at"].get<std::string>());
  EXPECT_TRUE(all.items[3]["next_deadline"].is_null());
  // Page by page, the same order.
  for (int offset = 0; offset < 5; ++offset) {
    services::ApplicationQuery q;
    q.page = {1, offset};
    const services::ListPage page = Must(pf().applications.List(vendor_, q));
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_EQ(page.items[0]["id"], order[static_cast<std::size_t>(offset)]) << offset;
    EXPECT_EQ(page.total, 5);
  }
}

TEST_P(ProcessTest, DeadlinesClosedBeforeTheirCloserWasKeptLearnItFromTheHistory) {
  // a: returned, resubmitted, withdrawn; b: approved, then a complaint about it
  // verified founded and rectified.
  const auto [a, b] = SubmitTwoThenReturnOneApproveOther();
  const long long cid = FileKeyComplaint(b, "2026-10-09T08:30:00+08:00")["id"];
  tp_->clock().Set(At("2026-10-12T09:00:00+08:00"));
  Act(vendor_, a, AppAction::kResubmit);
  Must(pf().complaints.Verify(reviewer_, cid, {true, "属实", std::nullopt}));
  tp_->clock().Set(At("2026-10-13T09:00:00+08:00"));
  Must(pf().complaints.ReportRectified(support_, cid, "已重新提供接口与密钥"));
  tp_->clock().Set(At("2026-10-20T09:00:00+08:00"));
  Act(vendor_, a, AppAction::kWithdraw);

  auto closers = [&] {
    std::vector<std::string> out;
    Must(tp_->db().Read<Ok>([&](soci::session& sql) -> Result<Ok> {
      soci::rowset<soci::row> rows = (sql.prepare << "SELECT application_id, kind, closed_by FROM deadlines "
                                                     "WHERE done_at IS NOT NULL ORDER BY id");
      for (const soci::row& r : rows) {
        out.push_back((storage::GetInt(r, 0) == a ? "a " : "b ") + storage::GetText(r, 1) + " " +
                      storage::GetText(r, 2));
      }
      return Ok{};
    }));
    return out;
  };
  const std::vector<std::string> expected = {"a review return",          "b review approve",
                                             "b joint_test reissue_key", "b complaint_verification verify_founded",
                                             "a review withdraw",        "b rectification report_rectified"};
  ASSERT_EQ(closers(), expected);
  // The deadline objects say it too.
  std::vector<json> shown;
  const json a_detail = Must(pf().applications.Get(vendor_, a));
  for (const json& d : a_detail["deadlines"]) shown.push_back(d["closed_by"]);
  EXPECT_EQ(shown, (std::vector<json>{"return", "withdraw"}));
  const json b_detail = Must(pf().applications.Get(vendor_, b));
  EXPECT_EQ(OpenDeadline(b_detail, "joint_test")["closed_by"], nullptr);

  // The same rows as a database migrated before closed_by was kept, then the
  // migration's own statements that fill it in.
  Must(tp_->db().Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "UPDATE deadlines SET closed_by = NULL";
    return Ok{};
  }));
  EXPECT_EQ(testing::RerunMigrationStatements(tp_->db(), "0004_deadline_closed_by"), 2);
  EXPECT_EQ(closers(), expected);
  const json stats = Must(pf().stats.CityStats(province_, std::nullopt, std::nullopt));
  for (const json& c : stats["cities"]) {
    if (c["city_code"] == kGz) {
      EXPECT_EQ(c["reviews_done"], 2);
    }
  }
}

// 联调延期 waits for the application's complaints: founded, the window that ran out was
// the city's to answer for; unverified, it may yet be founded, with nothing left to rectify.
TEST_P(ProcessTest, DelayWaitsUntilTheApplicationsComplaintsAreSettled) {
  const auto [a, b] = SubmitTwoThenReturnOneApproveOther();
  (void)a;
  const long long cid = FileKeyComplaint(b, "2026-10-09T08:30:00+08:00")["id"];
  tp_->clock().Set(At("2026-10-20T09:00:00+08:00"));  // the window (due 2026-10-16) is over
  ActionInput problems;
  problems.problems = json::array({{{"clause", "V1.3 4.2"}, {"text", "签名错误"}}});
  auto refused = pf().applications.Act(reviewer_, b, AppAction::kDelay, problems);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(refused.error().details["reason"], "complaint_open");
  // Founded and being rectified: still not the device's delay.
  Must(pf().complaints.Verify(reviewer_, cid, {true, "属实", std::nullopt}));
  EXPECT_EQ(CodeOf(pf().applications.Act(reviewer_, b, AppAction::kDelay, problems)), "invalid_transition");
  EXPECT_EQ(Must(pf().complaints.Get(vendor_, cid))["state"], "rectifying");
  // Rectified: a new key and a new window; once that window is over, a delay is the
  // device's again, and it closes the complaint.
  Must(pf().complaints.ReportRectified(support_, cid, "已重新提供密钥"));
  tp_->clock().Set(At("2026-11-02T09:00:00+08:00"));
  EXPECT_EQ(Act(reviewer_, b, AppAction::kDelay, problems)["state"], "delayed");
  EXPECT_EQ(Must(pf().complaints.Get(vendor_, cid))["state"], "closed");
}

TEST_P(ProcessTest, AKeyTheVendorRotatedIsRevokedAsRotated) {
  const long long id = NewApp();
  Act(vendor_, id, AppAction::kSubmit);
  Act(reviewer_, id, AppAction::kApprove);
  Must(pf().applications.ClaimKey(vendor_, id));
  tp_->clock().Advance(std::chrono::minutes(5));
  Must(pf().applications.RotateKey(vendor_, id));
  tp_->clock().Advance(std::chrono::minutes(5));
  Act(reviewer_, id, AppAction::kSucceed, {json::array(), "通过"});
  auto reasons = [&] {
    std::vector<std::string> out;
    const json app = Must(pf().applications.Get(vendor_, id));
    for (const json& k : app["test_keys"]) out.push_back(k["revoked_reason"]);
    return out;
  };
  const std::vector<std::string> expected = {"rotated", "succeeded"};
  ASSERT_EQ(reasons(), expected);

  // The same keys as a database kept them before rotations were told apart (both
  // `superseded`), then the migration's own statement: the rotation is found by its
  // history entry, and the other key is left as it was.
  Must(tp_->db().Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "UPDATE test_keys SET revoked_reason = 'superseded' WHERE application_id = :a", soci::use(id);
    return Ok{};
  }));
  EXPECT_EQ(testing::RerunMigrationStatements(tp_->db(), "0012_test_keys_rotated"), 1);
  EXPECT_EQ(reasons(), (std::vector<std::string>{"rotated", "superseded"}));
}

TEST_P(ProcessTest, VendorKeepsItsEnterpriseInformation) {
  json v = Must(pf().auth.GetVendor(vendor_));
  EXPECT_EQ(v["id"], *vendor_.vendor_id);
  const std::string code = v["credit_code"];
  services::VendorProfile profile{"新名称科技有限公司", "王芳",          "深圳市南山区", "赵强",
                                  "0755-26660000",      "ops@example.cn"};
  json updated = Must(pf().auth.UpdateVendor(vendor_, profile));
  EXPECT_EQ(updated["name"], "新名称科技有限公司");
  EXPECT_EQ(updated["credit_code"], code);  // fixed at registration
  EXPECT_EQ(Must(pf().auth.GetVendor(other_vendor_))["id"], *other_vendor_.vendor_id);
  EXPECT_EQ(CodeOf(pf().auth.GetVendor(reviewer_)), "forbidden");
  profile.contact_phone = "call me";
  EXPECT_EQ(CodeOf(pf().auth.UpdateVendor(vendor_, profile)), "invalid_field");
  EXPECT_EQ(Must(pf().auth.GetVendor(vendor_))["contact_phone"], "0755-26660000");
}

TEST_P(ProcessTest, AnAdminReleasesASquattedCreditCodeForItsHolder) {
  // vendor1 registered a code that is not its own; its holder cannot register.
  const std::string code = Must(pf().auth.GetVendor(vendor_))["credit_code"];
  EXPECT_EQ(CodeOf(pf().auth.RegisterVendor(testing::Registration("holder", code), false)), "already_exists");
  const std::string reason = "经核实，该统一社会信用代码属于持有人企业，原注册系冒用";
  const long long id = *vendor_.vendor_id;
  auto logged_in = pf().auth.Login("vendor1", testing::kTestPassword);
  ASSERT_TRUE(logged_in.ok());

  // Only the admin releases, with a reason, and not while a city is reviewing or testing.
  EXPECT_EQ(CodeOf(pf().auth.ReleaseVendor(services::Actor::Of(province_), id, reason)), "forbidden");
  EXPECT_EQ(CodeOf(pf().auth.ReleaseVendor(services::Actor::Of(admin_), id, "  ")), "missing_field");
  EXPECT_EQ(CodeOf(pf().auth.ReleaseVendor(services::Actor::Of(admin_), 987654, reason)), "not_found");
  const long long draft = NewApp();
  const long long reviewed = NewApp();
  Act(vendor_, reviewed, AppAction::kSubmit);
  auto refused = pf().auth.ReleaseVendor(services::Actor::Of(admin_), id, reason);
  ASSERT_EQ(CodeOf(refused), "invalid_transition");
  EXPECT_EQ(refused.error().details["applications"], json::array({reviewed}));
  EXPECT_TRUE(pf().auth.Authenticate(logged_in->token).ok()) << "a refusal changes nothing";
  Act(vendor_, reviewed, AppAction::kWithdraw);

  json released = Must(pf().auth.ReleaseVendor(services::Actor::Of(admin_), id, reason));
  EXPECT_EQ(released["credit_code"], code) << "shown as registered";
  EXPECT_EQ(released["released"]["reason"], reason);
  EXPECT_EQ(released["released"]["by"], "adm");
  EXPECT_EQ(CodeOf(pf().auth.ReleaseVendor(services::Actor::Of(admin_), id, reason)), "invalid_transition");
  // Its users are out, now and later, and the admin cannot let them back in.
  EXPECT_FALSE(pf().auth.Authenticate(logged_in->token).ok());
  EXPECT_EQ(CodeOf(pf().auth.Login("vendor1", testing::kTestPassword)), "account_disabled");
  EXPECT_EQ(CodeOf(pf().auth.UpdateUser(admin_, vendor_.user_id, true, std::nullopt)), "invalid_transition");
  services::NewUser more{Role::kVendor, "vendor1b", testing::kTestPassword, "", std::nullopt, id};
  EXPECT_EQ(CodeOf(pf().auth.AddUser(more, services::Actor::Of(admin_))), "invalid_transition");
  // A submission that passed the session check before the release is refused when it runs.
  EXPECT_EQ(CodeOf(pf().applications.Act(vendor_, draft, AppAction::kSubmit, {})), "account_disabled");
  EXPECT_EQ(Must(pf().applications.Get(admin_, draft))["state"], "draft");

  // The holder registers the code; both enterprises are listed under it, the first as released.
  json holder = Must(pf().auth.RegisterVendor(testing::Registration("holder", code), false));
  EXPECT_EQ(holder["enterprise"]["credit_code"], code);
  EXPECT_TRUE(holder["enterprise"]["released"].is_null());
  const services::ListPage found = Must(pf().auth.ListVendors(admin_, code, {}));
  ASSERT_EQ(found.items.size(), 2u);
  EXPECT_EQ(found.items[0]["id"], id);
  EXPECT_FALSE(found.items[0]["released"].is_null());
  EXPECT_TRUE(found.items[1]["released"].is_null());
  EXPECT_EQ(CodeOf(pf().auth.RegisterVendor(testing::Registration("holder2", code), false)), "already_exists");

  // What the released enterprise did stays readable, under the code it used.
  EXPECT_EQ(Must(pf().applications.Get(admin_, draft))["vendor"]["credit_code"], code);
  EXPECT_EQ(Must(pf().applications.Get(admin_, reviewed))["state"], "withdrawn");
  EXPECT_EQ(Must(services::VerifyHistory(tp_->db())).ok, true);
}

INSTANTIATE_TEST_SUITE_P(Databases, ProcessTest, ::testing::ValuesIn(testing::TestDatabaseKinds()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace liantiao
