// Authorization over HTTP, seen from the records: fixtures of vendor A in Guangzhou in
// every application state, and for every route × every caller the class of answer
// (401 / 403 / 404 / allowed), written out here independently of routes.cc. Besides the
// status, a refused call must answer nothing but an error (never the record) and must
// change nothing: the history, the applications, complaints and alerts are compared
// before and after. The application actions get their own table: action × state ×
// caller, against the transition table of docs/workflow.md (not derived from it).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "services/history.h"
#include "testing/app/test_platform.h"
#include "testing/http_client.h"

namespace liantiao {
namespace {

using domain::AppAction;
using domain::Role;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResponse;
using testing::TestPlatform;

constexpr const char* kGz = "440100";
constexpr const char* kSz = "440300";
// Appears in every description of vendor A's applications: must never reach a foreign caller.
constexpr const char* kSecret = "A企业内部说明-7f3c";

enum class Caller {
  kAnonymous,
  kVendorA,
  kVendorB,
  kReviewerGz,
  kReviewerSz,
  kSupportGz,
  kSupportSz,
  kProvince,
  kAdmin
};
constexpr Caller kCallers[] = {Caller::kAnonymous,  Caller::kVendorA,    Caller::kVendorB,
                               Caller::kReviewerGz, Caller::kReviewerSz, Caller::kSupportGz,
                               Caller::kSupportSz,  Caller::kProvince,   Caller::kAdmin};

const char* Name(Caller c) {
  switch (c) {
    case Caller::kAnonymous:
      return "anonymous";
    case Caller::kVendorA:
      return "authz_vendor_a";
    case Caller::kVendorB:
      return "authz_vendor_b";
    case Caller::kReviewerGz:
      return "authz_reviewer_gz";
    case Caller::kReviewerSz:
      return "authz_reviewer_sz";
    case Caller::kSupportGz:
      return "authz_support_gz";
    case Caller::kSupportSz:
      return "authz_support_sz";
    case Caller::kProvince:
      return "authz_province";
    case Caller::kAdmin:
      return "authz_admin";
  }
  return "?";
}

std::optional<Role> RoleOf(Caller c) {
  switch (c) {
    case Caller::kAnonymous:
      return std::nullopt;
    case Caller::kVendorA:
    case Caller::kVendorB:
      return Role::kVendor;
    case Caller::kReviewerGz:
    case Caller::kReviewerSz:
      return Role::kCityReviewer;
    case Caller::kSupportGz:
    case Caller::kSupportSz:
      return Role::kTechSupport;
    case Caller::kProvince:
      return Role::kProvince;
    case Caller::kAdmin:
      return Role::kAdmin;
  }
  return std::nullopt;
}

// Is a record of vendor A in Guangzhou inside the caller's tenant scope?
bool SeesVendorAInGz(Caller c) {
  return c == Caller::kVendorA || c == Caller::kReviewerGz || c == Caller::kSupportGz || c == Caller::kProvince ||
         c == Caller::kAdmin;
}

// ------------------------------------------------------------------ the route table

enum class ScopeRule {
  kNone,     // not about one record
  kRecord,   // names a record of vendor A in GZ: callers outside that scope get 404
  kOwner,    // a notification of vendor A's user: anyone else gets 404
  kProduct,  // uses vendor A's product: another vendor gets 422 unknown_product
  // reads vendor A's complaint in GZ, not yet a rectification order: as kRecord, and
  // GZ's support unit too gets 404 (it reads rectification orders only)
  kComplaintRead,
  // reads vendor A's application in GZ, which has no rectification order: as kRecord,
  // and GZ's support unit too gets 404 (it reads only applications with one)
  kApplicationRead,
};

struct Row {
  bool public_route = false;
  std::set<Role> roles;  // the route names these roles; others 403
  ScopeRule scope = ScopeRule::kNone;
  std::set<Role> service_roles;  // narrowed further by the service / transition table (403)
};

const std::set<Role> kEveryRole = {Role::kVendor, Role::kCityReviewer, Role::kTechSupport, Role::kProvince,
                                   Role::kAdmin};

std::map<std::string, Row> Table() {
  const std::set<Role> vendor = {Role::kVendor}, reviewer = {Role::kCityReviewer}, admin = {Role::kAdmin},
                       support = {Role::kTechSupport}, province = {Role::kProvince},
                       supervisors = {Role::kCityReviewer, Role::kProvince, Role::kAdmin},
                       city_and_up = {Role::kCityReviewer, Role::kTechSupport, Role::kProvince, Role::kAdmin};
  return {
      {"GET /api/v1/health", {.public_route = true}},
      {"GET /api/v1/ready", {.public_route = true}},
      {"POST /api/v1/session", {.public_route = true}},
      {"POST /api/v1/vendors/register", {.public_route = true}},
      {"DELETE /api/v1/session", {.roles = kEveryRole}},
      {"GET /api/v1/me", {.roles = kEveryRole}},
      {"GET /api/v1/vendors", {.roles = {Role::kProvince, Role::kAdmin}}},
      {"POST /api/v1/vendors/:id/release", {.roles = admin}},
      {"GET /api/v1/vendors/me", {.roles = vendor}},
      {"PUT /api/v1/vendors/me", {.roles = vendor}},
      {"GET /api/v1/users", {.roles = admin}},
      {"POST /api/v1/users", {.roles = admin}},
      {"PUT /api/v1/users/:id", {.roles = admin}},
      {"PUT /api/v1/me/password", {.roles = kEveryRole}},
      {"GET /api/v1/cities", {.roles = kEveryRole}},
      {"GET /api/v1/profiles", {.roles = kEveryRole}},
      {"PUT /api/v1/cities/:code", {.roles = admin}},
      {"GET /api/v1/products", {.roles = vendor}},
      {"POST /api/v1/products", {.roles = vendor}},
      // Vendor A's product, named by its applications: 409 for A, 404 for another vendor.
      {"PUT /api/v1/products/:id", {.roles = vendor, .scope = ScopeRule::kOwner}},
      {"DELETE /api/v1/products/:id", {.roles = vendor, .scope = ScopeRule::kOwner}},
      {"POST /api/v1/applications", {.roles = vendor, .scope = ScopeRule::kProduct}},
      {"GET /api/v1/applications", {.roles = kEveryRole}},
      {"GET /api/v1/applications/:id", {.roles = kEveryRole, .scope = ScopeRule::kApplicationRead}},
      {"POST /api/v1/applications/:id/materials", {.roles = vendor, .scope = ScopeRule::kRecord}},
      {"GET /api/v1/applications/:id/materials/:mid", {.roles = kEveryRole, .scope = ScopeRule::kApplicationRead}},
      // With action "approve"; the whole action × state × role table is the next test.
      // GZ's support unit is told no more than when it reads the application: 404.
      {"POST /api/v1/applications/:id/actions/:action",
       {.roles = kEveryRole, .scope = ScopeRule::kApplicationRead, .service_roles = reviewer}},
      {"POST /api/v1/applications/:id/test-key/claim", {.roles = vendor, .scope = ScopeRule::kRecord}},
      {"POST /api/v1/applications/:id/test-key/rotate", {.roles = vendor, .scope = ScopeRule::kRecord}},
      {"GET /api/v1/applications/:id/evidence", {.roles = kEveryRole, .scope = ScopeRule::kApplicationRead}},
      {"GET /api/v1/applications/:id/evidence.csv", {.roles = kEveryRole, .scope = ScopeRule::kApplicationRead}},
      {"GET /api/v1/applications/:id/conformance", {.roles = kEveryRole, .scope = ScopeRule::kApplicationRead}},
      {"GET /api/v1/applications/:id/report.json", {.roles = kEveryRole, .scope = ScopeRule::kApplicationRead}},
      {"GET /api/v1/applications/:id/report.pdf", {.roles = kEveryRole, .scope = ScopeRule::kApplicationRead}},
      {"GET /api/v1/applications/:id/report/verification", {.roles = kEveryRole, .scope = ScopeRule::kApplicationRead}},
      {"GET /api/v1/applications/:id/faults", {.roles = kEveryRole, .scope = ScopeRule::kApplicationRead}},
      {"PUT /api/v1/applications/:id/faults", {.roles = reviewer, .scope = ScopeRule::kRecord}},
      // The sandbox: the test key in the form authenticates, not a session.
      {"POST /sandbox/:city/:endpoint", {.public_route = true}},
      {"GET /sandbox/:city/:endpoint", {.public_route = true}},
      {"PUT /sandbox/:city/:endpoint", {.public_route = true}},
      {"DELETE /sandbox/:city/:endpoint", {.public_route = true}},
      {"GET /api/v1/alerts", {.roles = kEveryRole}},
      {"POST /api/v1/alerts/:id/respond", {.roles = reviewer, .scope = ScopeRule::kRecord}},
      {"POST /api/v1/alerts/:id/urge", {.roles = province, .scope = ScopeRule::kRecord}},
      {"POST /api/v1/complaints", {.roles = vendor, .scope = ScopeRule::kRecord}},
      {"POST /api/v1/complaints/:id/evidence", {.roles = vendor, .scope = ScopeRule::kRecord}},
      {"GET /api/v1/complaints", {.roles = kEveryRole}},
      {"GET /api/v1/complaints/:id", {.roles = kEveryRole, .scope = ScopeRule::kComplaintRead}},
      {"GET /api/v1/complaints/:id/evidence/:eid", {.roles = kEveryRole, .scope = ScopeRule::kComplaintRead}},
      {"POST /api/v1/complaints/:id/actions/verify", {.roles = reviewer, .scope = ScopeRule::kRecord}},
      {"POST /api/v1/complaints/:id/actions/rectified", {.roles = support, .scope = ScopeRule::kComplaintRead}},
      {"GET /api/v1/calendar/deadline", {.roles = kEveryRole}},
      {"GET /api/v1/calendar/:year", {.roles = kEveryRole}},
      {"PUT /api/v1/calendar/:year", {.roles = admin}},
      {"GET /api/v1/stats", {.roles = city_and_up}},
      {"GET /api/v1/stats/export", {.roles = city_and_up}},
      {"GET /api/v1/notifications", {.roles = kEveryRole}},
      {"POST /api/v1/notifications/:id/read", {.roles = kEveryRole, .scope = ScopeRule::kOwner}},
      {"POST /api/v1/notifications/read-all", {.roles = kEveryRole}},
      {"GET /api/v1/history/verify", {.roles = admin}},
      {"GET /api/v1/test/clock", {.roles = admin}},
      {"PUT /api/v1/test/clock", {.roles = admin}},
      {"POST /api/v1/test/sweep", {.roles = admin}},
      {"POST /api/v1/test/probe", {.roles = admin}},
  };
}

// ------------------------------------------------------------------ the action table

// (state, action) → the one role the transition table lets act. Written from
// process.md's state table, not read from domain/workflow.cc.
const std::map<std::pair<std::string, std::string>, Role>& Transitions() {
  static const std::map<std::pair<std::string, std::string>, Role> t = {
      {{"draft", "submit"}, Role::kVendor},
      {{"returned", "resubmit"}, Role::kVendor},
      {{"draft", "withdraw"}, Role::kVendor},
      {{"under_review", "withdraw"}, Role::kVendor},
      {{"returned", "withdraw"}, Role::kVendor},
      {{"joint_testing", "withdraw"}, Role::kVendor},
      {{"under_review", "approve"}, Role::kCityReviewer},
      {{"under_review", "return"}, Role::kCityReviewer},
      {{"joint_testing", "succeed"}, Role::kCityReviewer},
      {{"joint_testing", "delay"}, Role::kCityReviewer},
  };
  return t;
}
const std::map<std::string, std::string> kTarget = {
    {"submit", "under_review"}, {"resubmit", "under_review"}, {"withdraw", "withdrawn"}, {"approve", "joint_testing"},
    {"return", "returned"},     {"succeed", "succeeded"},     {"delay", "delayed"}};
const char* const kStates[] = {"draft", "under_review", "returned", "joint_testing", "succeeded", "withdrawn"};
const char* const kActions[] = {"submit", "resubmit", "withdraw", "approve", "return", "succeed", "delay"};

const json& Items(const json& body) {
  static const json empty = json::array();
  if (body.is_object() && body.contains("items")) return body["items"];
  return body.is_array() ? body : empty;
}

class ApiAuthzTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tp_ = TestPlatform::Create(GetParam(), *ParseInstant("2026-09-30T10:00:00+08:00"));
    ASSERT_NE(tp_, nullptr);
    auto& pf = tp_->platform();
    principals_[Caller::kVendorA] = tp_->AddVendor(Name(Caller::kVendorA));
    principals_[Caller::kVendorB] = tp_->AddVendor(Name(Caller::kVendorB));
    principals_[Caller::kReviewerGz] = tp_->AddUser(Role::kCityReviewer, Name(Caller::kReviewerGz), kGz);
    principals_[Caller::kReviewerSz] = tp_->AddUser(Role::kCityReviewer, Name(Caller::kReviewerSz), kSz);
    principals_[Caller::kSupportGz] = tp_->AddUser(Role::kTechSupport, Name(Caller::kSupportGz), kGz);
    spare_user_ = tp_->AddUser(Role::kProvince, "authz_spare").user_id;  // what PUT /users/:id changes
    spare_vendor_ = *tp_->AddVendor("authz_spare_vendor").vendor_id;     // what POST /vendors/:id/release releases
    principals_[Caller::kSupportSz] = tp_->AddUser(Role::kTechSupport, Name(Caller::kSupportSz), kSz);
    principals_[Caller::kProvince] = tp_->AddUser(Role::kProvince, Name(Caller::kProvince));
    principals_[Caller::kAdmin] = tp_->AddUser(Role::kAdmin, Name(Caller::kAdmin));
    auto product = pf.applications.CreateProduct(P(Caller::kVendorA), {"人脸闸机", "G1", "face_gate", "1.0"});
    ASSERT_TRUE(product.ok());
    product_ = (*product)["id"];
    auto product_b = pf.applications.CreateProduct(P(Caller::kVendorB), {"考勤机", "K1", "attendance_terminal", "2"});
    ASSERT_TRUE(product_b.ok());
    product_b_ = (*product_b)["id"];

    // Left under review past its 3-working-day deadline: the sweep raises an alert on it.
    late_app_ = MakeApp("under_review");
    tp_->clock().Set(*ParseInstant("2026-10-20T09:00:00+08:00"));
    ASSERT_TRUE(pf.alerts.Sweep(tp_->clock().Now()).ok());
    auto alerts = pf.alerts.List(P(Caller::kAdmin), {});
    ASSERT_TRUE(alerts.ok());
    for (const json& a : alerts->items) {
      if (a["application_id"] == late_app_) alert_ = a["id"];
    }
    ASSERT_NE(alert_, 0) << alerts->items.dump();

    for (const char* s : kStates) apps_[s] = MakeApp(s);
    material_ = (*pf.applications.Get(P(Caller::kVendorA), apps_["under_review"]))["materials"][0]["id"];
    // Vendor B's own application in Shenzhen, so B's lists are not trivially empty.
    auto b_app = pf.applications.Create(P(Caller::kVendorB), {kSz, {product_b_}, "first", std::nullopt, "B"});
    ASSERT_TRUE(b_app.ok());
    b_app_ = (*b_app)["id"];

    services::NewComplaint c{
        apps_["joint_testing"],      "",  "", "广州市实名制管理系统", "key_unusable", "测试密钥无法使用",
        "2026-10-19T10:00:00+08:00", true};
    auto complaint = pf.complaints.File(P(Caller::kVendorA), c);
    ASSERT_TRUE(complaint.ok()) << complaint.error().message;
    complaint_ = (*complaint)["id"];
    auto detail = pf.complaints.Get(P(Caller::kVendorA), complaint_);
    ASSERT_TRUE(detail.ok());
    ASSERT_FALSE((*detail)["evidence"].empty());
    evidence_ = (*detail)["evidence"][0]["id"];
    auto notes = pf.notifications.List(P(Caller::kVendorA), false);
    ASSERT_TRUE(notes.ok());
    ASSERT_FALSE(Items(*notes).empty());
    notification_ = Items(*notes)[0]["id"];

    for (Caller caller : kCallers) {
      if (caller == Caller::kAnonymous) continue;
      HttpClient client(tp_->port());
      auto login = client.Post("/api/v1/session", {{"username", Name(caller)}, {"password", testing::kTestPassword}});
      ASSERT_EQ(login.status, 200) << Name(caller) << " " << login.body;
      tokens_[caller] = login.json()["token"];
    }
  }

  const services::Principal& P(Caller c) { return principals_.at(c); }

  // A fresh application of vendor A in Guangzhou, driven through the services to `state`.
  long long MakeApp(const std::string& state) {
    auto& pf = tp_->platform();
    const auto& va = P(Caller::kVendorA);
    const auto& rg = P(Caller::kReviewerGz);
    auto created = pf.applications.Create(va, {kGz, {product_}, "first", std::nullopt, kSecret});
    EXPECT_TRUE(created.ok()) << created.error().message;
    if (!created.ok()) return 0;
    const long long id = (*created)["id"];
    EXPECT_TRUE(pf.applications.UploadMaterial(va, id, "other", "说明.pdf", "%PDF-1.4 authz").ok());
    auto act = [&](const services::Principal& p, AppAction a, services::ActionInput in = {}) {
      auto r = pf.applications.Act(p, id, a, in);
      EXPECT_TRUE(r.ok()) << state << ": " << r.error().message;
    };
    if (state == "draft") return id;
    if (state == "withdrawn") {
      act(va, AppAction::kWithdraw);
      return id;
    }
    act(va, AppAction::kSubmit);
    if (state == "under_review") return id;
    if (state == "returned") {
      services::ActionInput in;
      in.problems = json::array({{{"text", "营业执照扫描件不清晰"}}});
      act(rg, AppAction::kReturn, in);
      return id;
    }
    act(rg, AppAction::kApprove);
    EXPECT_TRUE(pf.applications.ClaimKey(va, id).ok());
    if (state == "joint_testing") return id;
    act(rg, AppAction::kSucceed);
    EXPECT_EQ(state, "succeeded");
    return id;
  }

  HttpClient ClientFor(Caller c) {
    HttpClient client(tp_->port());
    if (c != Caller::kAnonymous) client.SetDefaultHeader("Authorization", "Bearer " + tokens_.at(c));
    return client;
  }

  // What a refused request must leave as it was.
  std::string Snapshot() {
    auto& pf = tp_->platform();
    const auto& admin = P(Caller::kAdmin);
    json s;
    auto history = services::VerifyHistory(tp_->db());
    s["history"] = history.ok() ? json(history->entries) : json("error");
    auto apps = pf.applications.List(admin, {});
    s["applications"] = apps.ok() ? apps->items : json("error");
    for (const auto& [state, id] : apps_) {
      auto detail = pf.applications.Get(admin, id);
      s["app_" + state] = detail.ok() ? *detail : json("error");
    }
    auto complaint = pf.complaints.Get(admin, complaint_);
    s["complaint"] = complaint.ok() ? *complaint : json("error");
    auto alerts = pf.alerts.List(admin, {});
    s["alerts"] = alerts.ok() ? alerts->items : json("error");
    auto notes = pf.notifications.List(P(Caller::kVendorA), false);
    s["notifications_a"] = notes.ok() ? *notes : json("error");
    return s.dump();
  }

  std::string Path(const std::string& pattern) {
    const std::string base = pattern.substr(0, pattern.find("/:"));
    std::map<std::string, std::string> values = {{":mid", std::to_string(material_)},
                                                 {":eid", std::to_string(evidence_)},
                                                 {":action", "approve"},
                                                 {":code", kGz},
                                                 {":city", kGz},
                                                 {":endpoint", "open.api"},
                                                 {":year", "2026"}};
    if (base.ends_with("/applications")) {
      // Materials are accepted only in draft; keys exist only in joint testing.
      long long id = apps_["under_review"];
      if (pattern.ends_with("/materials")) id = apps_["draft"];
      if (pattern.find("/test-key/") != std::string::npos) id = apps_["joint_testing"];
      values[":id"] = std::to_string(id);
    }
    if (base.ends_with("/complaints")) values[":id"] = std::to_string(complaint_);
    if (base.ends_with("/alerts")) values[":id"] = std::to_string(alert_);
    if (base.ends_with("/notifications")) values[":id"] = std::to_string(notification_);
    if (base.ends_with("/users")) values[":id"] = std::to_string(spare_user_);
    if (base.ends_with("/vendors")) values[":id"] = std::to_string(spare_vendor_);
    if (base.ends_with("/products")) values[":id"] = std::to_string(product_);
    std::string out;
    for (std::size_t i = 0; i < pattern.size();) {
      if (pattern[i] == ':') {
        std::size_t j = pattern.find('/', i);
        if (j == std::string::npos) j = pattern.size();
        out += values.at(pattern.substr(i, j - i));
        i = j;
      } else {
        out += pattern[i++];
      }
    }
    if (pattern.ends_with("/calendar/deadline")) out += "?from=2026-09-30T10:00:00%2B08:00&days=3";
    return out;
  }

  // A body each handler accepts, so what answers is authorization, not validation.
  json Body(const std::string& pattern) {
    ++n_;
    const std::string s = std::to_string(n_);
    if (pattern.ends_with("/session")) return {{"username", "authz_vendor_b"}, {"password", testing::kTestPassword}};
    if (pattern.ends_with("/vendors/register")) {
      return {{"enterprise",
               {{"name", "新企业" + s},
                {"credit_code", testing::ValidCreditCode(7000 + n_)},
                {"legal_rep", "甲"},
                {"address", "广州"},
                {"contact_name", "乙"},
                {"contact_phone", "020-1234567"},
                {"contact_email", "a@b.cn"}}},
              {"username", "authz_new" + s},
              {"password", "Passw0rd!x"}};
    }
    if (pattern.ends_with("/vendors/me")) {
      return {{"name", "企业"},
              {"legal_rep", "甲"},
              {"address", "广州"},
              {"contact_name", "乙"},
              {"contact_phone", "020-1234567"},
              {"contact_email", "a@b.cn"}};
    }
    if (pattern.ends_with("/users")) {
      return {{"role", "province"}, {"username", "authz_user" + s}, {"password", "Passw0rd!x"}};
    }
    if (pattern.ends_with("/users/:id")) return {{"active", true}};
    if (pattern.ends_with("/release")) return {{"reason", "信用代码被他人冒用，经核实注销"}};
    // A wrong current password: the caller's own password stays what the test logs in with.
    if (pattern.ends_with("/me/password")) return {{"current_password", "not-it"}, {"new_password", "N3w-passw0rd"}};
    if (pattern.ends_with("/cities/:code")) return {{"profile", "gd-v1.3"}, {"test_env", "sandbox"}};
    if (pattern.ends_with("/products") || pattern.ends_with("/products/:id")) {
      return {{"name", "p"}, {"model", "m"}, {"kind", "software"}, {"version", "1"}};
    }
    if (pattern.ends_with("/applications")) {
      return {{"city_code", kGz}, {"product_ids", {product_}}, {"path", "first"}, {"description", ""}};
    }
    if (pattern.ends_with("/respond")) return {{"feedback", "已核实，正在处理"}};
    if (pattern.ends_with("/urge")) return {{"note", "请尽快处理"}};
    if (pattern.ends_with("/complaints")) {
      return {{"application_id", apps_["joint_testing"]},
              {"respondent", "技术支持单位"},
              {"conduct", "other"},
              {"facts", "f"},
              {"occurred_at", "2026-10-19T10:00:00+08:00"},
              {"declaration", true}};
    }
    if (pattern.ends_with("/verify")) return {{"founded", false}, {"findings", "经核实不属实"}};
    if (pattern.ends_with("/rectified")) return {{"report", "已整改"}};
    if (pattern.ends_with("/calendar/:year")) {
      return {{"official", true}, {"holidays", json::array()}, {"workdays", json::array()}};
    }
    if (pattern.ends_with("/test/clock")) return {{"now", "2026-10-20T09:00:00+08:00"}};
    if (pattern.ends_with("/faults")) return {{"scenarios", {{"delay_async", true}}}};
    return json::object();
  }

  HttpResponse Call(Caller caller, http::Method method, const std::string& pattern) {
    HttpClient client = ClientFor(caller);
    const std::string path = Path(pattern);
    if (method == http::Method::kPost && (pattern.ends_with("/materials") || pattern.ends_with("/evidence"))) {
      return client.PostMultipart(path, {{"kind", "other"}, {"description", "截图"}},
                                  {{"file", "证据.pdf", "application/pdf", "%PDF-1.4 authz " + std::to_string(++n_)}});
    }
    switch (method) {
      case http::Method::kGet:
        return client.Get(path);
      case http::Method::kDelete:
        return client.Delete(path);
      case http::Method::kPost:
        return client.Post(path, Body(pattern));
      case http::Method::kPut:
        return client.Put(path, Body(pattern));
    }
    return {};
  }

  // A refusal says only why: an error object and nothing of the record.
  void ExpectOnlyAnError(const HttpResponse& r, const std::string& code, const std::string& where) {
    EXPECT_EQ(r.json()["error"]["code"], code) << where;
    ASSERT_TRUE(r.json().is_object()) << where;
    EXPECT_EQ(r.json().size(), 1u) << where;
    EXPECT_EQ(r.body.find(kSecret), std::string::npos) << where;
    EXPECT_EQ(r.body.find("authz_vendor_a"), std::string::npos) << where;
    const std::string message = r.json()["error"].value("message", "");
    EXPECT_TRUE(std::any_of(message.begin(), message.end(), [](char ch) { return ch & 0x80; }))
        << "message should be Chinese: " << where;
    // A refusal for the role says which role, and what it tried, as the tables' do.
    if (code == "forbidden") {
      const json details = r.json()["error"]["details"];
      EXPECT_TRUE(details.contains("role") && details["role"].is_string()) << where << " " << r.body;
      EXPECT_TRUE(details.contains("action") && !details["action"].get<std::string>().empty())
          << where << " " << r.body;
      EXPECT_EQ(message.rfind("当前角色（", 0), 0u) << where << " " << message;
    }
  }

  std::unique_ptr<TestPlatform> tp_;
  std::map<Caller, services::Principal> principals_;
  std::map<Caller, std::string> tokens_;
  std::map<std::string, long long> apps_;
  long long spare_user_ = 0, spare_vendor_ = 0;
  long long product_ = 0, product_b_ = 0, late_app_ = 0, b_app_ = 0, material_ = 0, complaint_ = 0, evidence_ = 0,
            alert_ = 0, notification_ = 0;
  int n_ = 0;
};

TEST_P(ApiAuthzTest, EveryRouteEveryCaller) {
  const auto table = Table();
  http::RouteOptions options;
  options.test_clock = &tp_->clock();
  const http::Router router = http::BuildRouter(tp_->platform(), options);
  std::set<std::string> seen;
  for (const auto& route : router.routes()) {
    const std::string key = std::string(http::MethodWord(route.method)) + " " + route.pattern;
    seen.insert(key);
    auto it = table.find(key);
    ASSERT_NE(it, table.end()) << "route without a row in the authorization table: " << key;
    const Row& row = it->second;
    for (Caller caller : kCallers) {
      // DELETE /session would end the shared token; every caller logs out with a fresh one.
      if (key == "DELETE /api/v1/session" && caller != Caller::kAnonymous) {
        HttpClient fresh(tp_->port());
        auto login = fresh.Post("/api/v1/session", {{"username", Name(caller)}, {"password", testing::kTestPassword}});
        fresh.SetDefaultHeader("Authorization", "Bearer " + login.json()["token"].get<std::string>());
        auto r = fresh.Delete("/api/v1/session");
        EXPECT_EQ(r.status, 200) << Name(caller) << " " << r.body;
        continue;
      }
      const auto role = RoleOf(caller);
      const std::string before = Snapshot();
      const HttpResponse r = Call(caller, route.method, route.pattern);
      const std::string where =
          key + " as " + Name(caller) + " → " + std::to_string(r.status) + " " + r.body.substr(0, 300);
      ASSERT_GT(r.status, 0) << where;
      ASSERT_LT(r.status, 500) << where;
      std::optional<std::string> refused;  // the error code a refusal must carry
      if (row.public_route) {
        EXPECT_TRUE(r.status != 401 && r.status != 403 && r.status != 404) << where;
      } else if (!role) {
        refused = "unauthenticated";
        EXPECT_EQ(r.status, 401) << where;
      } else if (!row.roles.count(*role)) {
        refused = "forbidden";
        EXPECT_EQ(r.status, 403) << where;
      } else if ((row.scope == ScopeRule::kRecord && !SeesVendorAInGz(caller)) ||
                 ((row.scope == ScopeRule::kComplaintRead || row.scope == ScopeRule::kApplicationRead) &&
                  (!SeesVendorAInGz(caller) || caller == Caller::kSupportGz))) {
        refused = "not_found";
        EXPECT_EQ(r.status, 404) << where;
      } else if (row.scope == ScopeRule::kOwner && caller != Caller::kVendorA) {
        refused = "not_found";
        EXPECT_EQ(r.status, 404) << where;
      } else if (row.scope == ScopeRule::kProduct && caller != Caller::kVendorA) {
        refused = "unknown_product";
        EXPECT_EQ(r.status, 422) << where;
      } else if (!row.service_roles.empty() && !row.service_roles.count(*role)) {
        refused = "forbidden";
        EXPECT_EQ(r.status, 403) << where;
      } else {
        // Allowed: done, or refused for the record's state / the input, never for who asks.
        EXPECT_TRUE(r.status == 200 || r.status == 201 || r.status == 409 || r.status == 422) << where;
      }
      if (refused) {
        ExpectOnlyAnError(r, *refused, where);
        EXPECT_EQ(Snapshot(), before) << "a refused request changed something: " << where;
      }
    }
  }
  for (const auto& [key, row] : table) EXPECT_TRUE(seen.count(key)) << "row for a route that does not exist: " << key;
}

TEST_P(ApiAuthzTest, EveryActionInEveryStateForEveryCaller) {
  for (const char* action : kActions) {
    for (const char* state : kStates) {
      auto rule = Transitions().find({state, action});
      bool role_may_act[8] = {};
      for (const auto& [k, r] : Transitions()) {
        if (k.second == action) role_may_act[static_cast<int>(r)] = true;
      }
      for (Caller caller : kCallers) {
        const auto role = RoleOf(caller);
        const bool allowed = role && rule != Transitions().end() && rule->second == *role && SeesVendorAInGz(caller);
        // An allowed action runs on a fresh application, so the fixtures stay in their states.
        const long long id = allowed ? MakeApp(state) : apps_.at(state);
        json body = json::object();
        if (std::string(action) == "return") body["problems"] = json::array({{{"text", "材料缺页"}}});
        if (std::string(action) == "delay")
          body["problems"] = json::array({{{"clause", "V1.3 5.2"}, {"text", "签名错误"}}});
        const std::string before = Snapshot();
        HttpClient client = ClientFor(caller);
        const HttpResponse r = client.Post("/api/v1/applications/" + std::to_string(id) + "/actions/" + action, body);
        const std::string where = std::string(action) + " on " + state + " as " + Name(caller) + " → " +
                                  std::to_string(r.status) + " " + r.body.substr(0, 300);
        ASSERT_GT(r.status, 0) << where;
        if (allowed) {
          if (std::string(action) == "delay") {
            // The joint-test window of a fresh key has not expired.
            EXPECT_EQ(r.status, 409) << where;
            EXPECT_EQ(r.json()["error"]["code"], "invalid_transition") << where;
            EXPECT_EQ(r.json()["error"]["details"]["reason"], "window_not_expired") << where;
            EXPECT_EQ(Snapshot(), before) << where;
          } else {
            EXPECT_EQ(r.status, 200) << where;
            EXPECT_EQ(r.json()["state"], kTarget.at(action)) << where;
          }
          continue;
        }
        std::string code;
        int status = 0;
        if (!role) {
          status = 401, code = "unauthenticated";
        } else if (!SeesVendorAInGz(caller) || caller == Caller::kSupportGz) {
          // GZ's support unit sees only applications with a rectification order, which
          // none of these has: it learns no more by acting than by reading.
          status = 404, code = "not_found";
        } else if (!role_may_act[static_cast<int>(*role)]) {
          status = 403, code = "forbidden";
        } else {
          status = 409, code = "invalid_transition";
        }
        EXPECT_EQ(r.status, status) << where;
        ExpectOnlyAnError(r, code, where);
        EXPECT_EQ(Snapshot(), before) << "a refused action changed something: " << where;
      }
    }
  }
}

TEST_P(ApiAuthzTest, ProvinceReadsEverythingButActsOnNoApplication) {
  HttpClient province = ClientFor(Caller::kProvince);
  for (const auto& [state, id] : apps_) {
    const std::string base = "/api/v1/applications/" + std::to_string(id);
    auto got = province.Get(base);
    EXPECT_EQ(got.status, 200) << state;
    EXPECT_EQ(got.json()["state"], state);
    const std::string before = Snapshot();
    for (const char* action : kActions) {
      auto r = province.Post(base + "/actions/" + action, json::object());
      EXPECT_EQ(r.status, 403) << action << " on " << state << ": " << r.body;
    }
    EXPECT_EQ(province.Post(base + "/test-key/claim").status, 403);
    EXPECT_EQ(province.Post(base + "/test-key/rotate").status, 403);
    EXPECT_EQ(province
                  .PostMultipart(base + "/materials", {{"kind", "other"}},
                                 {{"file", "a.pdf", "application/pdf", "%PDF-1.4 p"}})
                  .status,
              403);
    EXPECT_EQ(Snapshot(), before) << state;
  }
  const std::string c = "/api/v1/complaints/" + std::to_string(complaint_);
  EXPECT_EQ(province.Get(c).status, 200);
  EXPECT_EQ(province.Post(c + "/actions/verify", {{"founded", true}, {"findings", "x"}}).status, 403);
  EXPECT_EQ(province.Post(c + "/actions/rectified", {{"report", "x"}}).status, 403);
  EXPECT_EQ(province.Post("/api/v1/alerts/" + std::to_string(alert_) + "/respond", {{"feedback", "x"}}).status, 403);
}

TEST_P(ApiAuthzTest, ListsAreScoped) {
  auto list = [&](Caller c, const std::string& path) {
    HttpClient client = ClientFor(c);
    auto r = client.Get(path);
    EXPECT_EQ(r.status, 200) << Name(c) << " " << path << " " << r.body;
    return Items(r.json());
  };
  auto ids = [](const json& items) {
    std::set<long long> out;
    for (const json& i : items) out.insert(i["id"].get<long long>());
    return out;
  };
  std::set<long long> a_apps = {late_app_};
  for (const auto& [state, id] : apps_) a_apps.insert(id);

  for (const char* path :
       {"/api/v1/applications", "/api/v1/applications?city_code=440100", "/api/v1/applications?state=joint_testing"}) {
    for (Caller c : {Caller::kVendorB, Caller::kReviewerSz, Caller::kSupportSz}) {
      const json items = list(c, path);
      for (const json& i : items) {
        EXPECT_EQ(a_apps.count(i["id"].get<long long>()), 0u) << Name(c) << " sees A's application via " << path;
      }
      EXPECT_EQ(json(items).dump().find(kSecret), std::string::npos) << Name(c) << " " << path;
    }
  }
  EXPECT_EQ(ids(list(Caller::kVendorB, "/api/v1/applications")), std::set<long long>{b_app_});
  for (Caller c : {Caller::kVendorA, Caller::kProvince, Caller::kAdmin}) {
    const auto seen = ids(list(c, "/api/v1/applications?limit=1000"));
    for (long long id : a_apps) EXPECT_EQ(seen.count(id), 1u) << Name(c) << " misses application " << id;
  }
  for (Caller c : {Caller::kProvince, Caller::kAdmin}) {
    EXPECT_EQ(ids(list(c, "/api/v1/applications?limit=1000")).count(b_app_), 1u) << Name(c);
  }

  // GZ's support unit lists rectification orders only; this complaint is not one yet.
  for (Caller c : {Caller::kVendorB, Caller::kReviewerSz, Caller::kSupportSz, Caller::kSupportGz}) {
    EXPECT_EQ(ids(list(c, "/api/v1/complaints")).count(complaint_), 0u) << Name(c);
  }
  for (Caller c : {Caller::kVendorA, Caller::kReviewerGz, Caller::kProvince, Caller::kAdmin}) {
    EXPECT_EQ(ids(list(c, "/api/v1/complaints")).count(complaint_), 1u) << Name(c);
  }
  for (Caller c : {Caller::kReviewerSz, Caller::kSupportSz, Caller::kSupportGz}) {
    // Support units see only rectification alerts; the alert here is a review alert.
    EXPECT_EQ(ids(list(c, "/api/v1/alerts")).count(alert_), 0u) << Name(c);
  }
  for (Caller c : {Caller::kReviewerGz, Caller::kProvince, Caller::kAdmin}) {
    EXPECT_EQ(ids(list(c, "/api/v1/alerts")).count(alert_), 1u) << Name(c);
  }
  // A vendor sees the alerts of its own applications (the alert is on vendor A's).
  EXPECT_EQ(ids(list(Caller::kVendorA, "/api/v1/alerts")).count(alert_), 1u);
  EXPECT_EQ(ids(list(Caller::kVendorA, "/api/v1/alerts?status=open")).count(alert_), 1u);
  EXPECT_EQ(ids(list(Caller::kVendorB, "/api/v1/alerts")).count(alert_), 0u);
}

TEST_P(ApiAuthzTest, AForeignRecordLooksLikeAMissingOne) {
  const std::string app = std::to_string(apps_["under_review"]);
  const std::pair<Caller, std::string> cases[] = {{Caller::kVendorB, "/api/v1/applications/"},
                                                  {Caller::kReviewerSz, "/api/v1/applications/"},
                                                  {Caller::kSupportSz, "/api/v1/applications/"}};
  for (const auto& [caller, prefix] : cases) {
    HttpClient client = ClientFor(caller);
    auto foreign = client.Get(prefix + app);
    auto missing = client.Get(prefix + "987654321");
    EXPECT_EQ(foreign.status, 404) << Name(caller);
    EXPECT_EQ(missing.status, 404) << Name(caller);
    EXPECT_EQ(foreign.json()["error"]["code"], missing.json()["error"]["code"]) << Name(caller);
    EXPECT_EQ(foreign.json()["error"]["message"], missing.json()["error"]["message"]) << Name(caller);
    EXPECT_EQ(foreign.body, missing.body) << Name(caller);  // not even the details differ
    auto mat = client.Get(prefix + app + "/materials/" + std::to_string(material_));
    EXPECT_EQ(mat.status, 404) << Name(caller);
    EXPECT_EQ(mat.body.find("%PDF"), std::string::npos) << Name(caller);
  }
  // A's material id under B's own application does not reach A's file either.
  HttpClient b = ClientFor(Caller::kVendorB);
  auto cross = b.Get("/api/v1/applications/" + std::to_string(b_app_) + "/materials/" + std::to_string(material_));
  EXPECT_EQ(cross.status, 404) << cross.body;
  EXPECT_EQ(cross.body.find("%PDF"), std::string::npos);
  // A's evidence id under a complaint id that B cannot see.
  auto ev = b.Get("/api/v1/complaints/" + std::to_string(complaint_) + "/evidence/" + std::to_string(evidence_));
  EXPECT_EQ(ev.status, 404);
}

INSTANTIATE_TEST_SUITE_P(Databases, ApiAuthzTest, ::testing::ValuesIn(testing::TestDatabaseKinds()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace liantiao
