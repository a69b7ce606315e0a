// The whole process of spec/process.md through the HTTP API: every party logs in over
// POST /api/v1/session and acts with its own Bearer token; time moves only through
// PUT /api/v1/test/clock and deadlines are swept with POST /api/v1/test/sweep. Runs on
// SQLite and, with LIANTIAO_TEST_PG, on PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "core/time.h"
#include "testing/app/sandbox_driver.h"
#include "testing/app/test_platform.h"
#include "testing/http_client.h"

namespace liantiao {
namespace {

using domain::Role;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResponse;
using testing::MultipartFile;
using testing::TestPlatform;

Instant At(const std::string& iso) {
  auto t = ParseInstant(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? *t : Instant{};
}

// One second after an ISO instant, formatted the way the API formats instants.
std::string PlusSeconds(const std::string& iso, int seconds) {
  return FormatInstant(At(iso) + std::chrono::seconds{seconds});
}

const std::string kGz = "440100", kSz = "440300";
const std::string kPdf = "%PDF-1.4\nliantiao test material\n%%EOF\n";
const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string("\0\0\0\rIHDR", 8) + "pixels";
const std::string kStart = "2026-09-30T10:00:00+08:00";

// The open (not done) deadline of a kind in an application's or complaint's report.
json OpenDeadline(const json& subject, const std::string& kind) {
  if (!subject.contains("deadlines")) return nullptr;
  for (const json& d : subject["deadlines"]) {
    if (d["kind"] == kind && d["done_at"].is_null()) return d;
  }
  return nullptr;
}

std::vector<json> DeadlinesOf(const json& subject, const std::string& kind) {
  std::vector<json> out;
  for (const json& d : subject["deadlines"]) {
    if (d["kind"] == kind) out.push_back(d);
  }
  return out;
}

std::multiset<std::string> Kinds(const json& list) {
  std::multiset<std::string> out;
  for (const json& n : list) out.insert(n["kind"].get<std::string>());
  return out;
}

class ApiProcessTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tp_ = TestPlatform::Create(GetParam(), At(kStart));
    ASSERT_NE(tp_, nullptr);
    tp_->AddVendor("vendor1");
    tp_->AddVendor("vendor2");
    tp_->AddUser(Role::kCityReviewer, "rev_gz", kGz);
    tp_->AddUser(Role::kCityReviewer, "rev_sz", kSz);
    tp_->AddUser(Role::kTechSupport, "sup_gz", kGz);
    tp_->AddUser(Role::kProvince, "prov");
    tp_->AddUser(Role::kAdmin, "adm");
    for (const char* user : {"vendor1", "vendor2", "rev_gz", "rev_sz", "sup_gz", "prov", "adm"}) {
      auto [it, inserted] = clients_.emplace(user, HttpClient(tp_->port()));
      ASSERT_FALSE(it->second.Login(user, testing::kTestPassword).empty()) << user;
    }
    auto product = C("vendor1").Post(
        "/api/v1/products", {{"name", "人脸识别闸机"}, {"model", "G1"}, {"kind", "face_gate"}, {"version", "1.0"}});
    ASSERT_EQ(product.status, 201) << product.body;
    product_ = product.json()["id"];
  }

  HttpClient& C(const std::string& user) { return clients_.at(user); }

  // Moves the platform clock through the API (as admin), on this server or a twin.
  void SetClock(const std::string& iso, HttpClient* admin = nullptr) {
    auto r = (admin ? *admin : C("adm")).Put("/api/v1/test/clock", {{"now", iso}});
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()["now"], FormatInstant(At(iso)));
  }

  long long Sweep() {
    auto r = C("adm").Post("/api/v1/test/sweep");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("raised", -1LL);
  }

  // A draft with one material uploaded through multipart.
  long long NewApp(const std::string& city = kGz, const std::string& vendor = "vendor1") {
    auto r = C(vendor).Post(
        "/api/v1/applications",
        {{"city_code", city}, {"path", "first"}, {"product_ids", {product_}}, {"description", "首次接入"}});
    EXPECT_EQ(r.status, 201) << r.body;
    const long long id = r.json().value("id", 0LL);
    auto m = UploadPdf(id, "license.pdf", kPdf, vendor);
    EXPECT_EQ(m.status, 201) << m.body;
    return id;
  }

  HttpResponse UploadPdf(long long id, const std::string& filename, const std::string& data,
                         const std::string& vendor = "vendor1") {
    return C(vendor).PostMultipart("/api/v1/applications/" + std::to_string(id) + "/materials",
                                   {{"kind", "business_license"}},
                                   {MultipartFile{"file", filename, "application/pdf", data}});
  }

  HttpResponse Act(const std::string& who, long long id, const std::string& action, const json& body = json::object()) {
    return C(who).Post("/api/v1/applications/" + std::to_string(id) + "/actions/" + action, body);
  }

  json MustAct(const std::string& who, long long id, const std::string& action, const json& body = json::object()) {
    auto r = Act(who, id, action, body);
    EXPECT_EQ(r.status, 200) << who << " " << action << ": " << r.body;
    return r.json();
  }

  json GetApp(const std::string& who, long long id) {
    auto r = C(who).Get("/api/v1/applications/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  json Notifications(const std::string& who) {
    auto r = C(who).Get("/api/v1/notifications");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  json Alerts(const std::string& who, const std::string& query = "") {
    auto r = C(who).Get("/api/v1/alerts" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  json FileComplaint(long long app, const std::string& occurred_at) {
    auto r = C("vendor1").Post("/api/v1/complaints", {{"application_id", app},
                                                      {"respondent", "广州市实名制系统技术支持单位"},
                                                      {"conduct", "key_unusable"},
                                                      {"facts", "测试密钥调用返回 -3"},
                                                      {"occurred_at", occurred_at},
                                                      {"declaration", true}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  json GetComplaint(const std::string& who, long long id) {
    auto r = C(who).Get("/api/v1/complaints/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  // The sweep raises nothing at due_at itself, exactly one alert of `kind` one second
  // later, and nothing on a second sweep at the same instant. Returns that alert as
  // the city reviewer lists it.
  json ExpectRaisedOnceJustAfter(const std::string& due_at, const std::string& kind) {
    SetClock(due_at);
    EXPECT_EQ(Sweep(), 0) << "at due_at " << due_at;
    SetClock(PlusSeconds(due_at, 1));
    EXPECT_EQ(Sweep(), 1) << "one second after " << due_at;
    EXPECT_EQ(Sweep(), 0) << "second sweep";
    json found = nullptr;
    int count = 0;
    for (const json& a : Alerts("rev_gz")) {
      if (a["kind"] == kind) {
        found = a;
        ++count;
      }
    }
    EXPECT_EQ(count, 1) << kind;
    if (found.is_null()) return found;
    EXPECT_EQ(found["due_at"], due_at);
    EXPECT_EQ(found["raised_at"], PlusSeconds(due_at, 1));
    EXPECT_EQ(found["status"], "open");
    EXPECT_EQ(found["city_code"], kGz);
    EXPECT_EQ(found["urge_count"], 0);
    // The province sees the same alert; another city does not.
    int province = 0;
    for (const json& a : Alerts("prov")) province += a["id"] == found["id"] ? 1 : 0;
    EXPECT_EQ(province, 1);
    EXPECT_TRUE(Alerts("rev_sz").empty());
    return found;
  }

  // The province urges, the city answers: statuses, counts and who is told.
  void UrgeAndRespond(const json& alert) {
    const std::string base = "/api/v1/alerts/" + std::to_string(alert["id"].get<long long>());
    auto urged = C("prov").Post(base + "/urge", {{"note", "请尽快处理"}});
    ASSERT_EQ(urged.status, 200) << urged.body;
    EXPECT_EQ(urged.json()["urge_count"], 1);
    EXPECT_EQ(urged.json()["status"], "open");
    EXPECT_EQ(urged.json()["urge_note"], "请尽快处理");
    EXPECT_EQ(Kinds(Notifications("rev_gz")).count("alert_urged"), 1u);
    // Urged again without a note: counted, and the note given before stays shown.
    auto urged_again = C("prov").Post(base + "/urge", json::object());
    ASSERT_EQ(urged_again.status, 200) << urged_again.body;
    EXPECT_EQ(urged_again.json()["urge_count"], 2);
    EXPECT_EQ(urged_again.json()["urge_note"], "请尽快处理");
    auto other_city = C("rev_sz").Post(base + "/respond", {{"feedback", "x"}});
    EXPECT_EQ(other_city.status, 404);
    EXPECT_EQ(other_city.error_code(), "not_found");
    auto answered = C("rev_gz").Post(base + "/respond", {{"feedback", "已核实，正在处理"}});
    ASSERT_EQ(answered.status, 200) << answered.body;
    EXPECT_EQ(answered.json()["status"], "answered");
    EXPECT_EQ(answered.json()["feedback"], "已核实，正在处理");
    EXPECT_FALSE(answered.json()["answered_at"].is_null());
    auto again = C("rev_gz").Post(base + "/respond", {{"feedback", "again"}});
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.error_code(), "invalid_transition");
    EXPECT_TRUE(Alerts("prov", "?status=open").empty());
    EXPECT_EQ(Alerts("prov", "?status=answered").size(), 1u);
    EXPECT_EQ(Kinds(Notifications("prov")).count("alert_answered"), 1u);
  }

  std::unique_ptr<TestPlatform> tp_;
  std::map<std::string, HttpClient> clients_;
  long long product_ = 0;
};

// ------------------------------------------------------------ registration, products

TEST_P(ApiProcessTest, VendorRegistersWithACheckedCreditCode) {
  HttpClient anyone(tp_->port());
  auto body = [](const std::string& code, const std::string& user) {
    services::VendorRegistration r = testing::Registration(user, code);
    r.enterprise.name = "粤安智能科技有限公司";
    return testing::RegistrationBody(r);
  };
  const std::string good = testing::ValidCreditCode(424242);
  std::string bad = good;
  bad.back() = bad.back() == '0' ? '1' : '0';

  auto refused = anyone.Post("/api/v1/vendors/register", body(bad, "yuean"));
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.error_code(), "invalid_credit_code");
  EXPECT_EQ(refused.json()["error"]["details"]["field"], "enterprise.credit_code");
  // Nothing stored: the user cannot log in, and the same name is still free.
  EXPECT_TRUE(HttpClient(tp_->port()).Login("yuean", testing::kTestPassword).empty());

  auto created = anyone.Post("/api/v1/vendors/register", body(good, "yuean"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["enterprise"]["credit_code"], good);
  EXPECT_EQ(created.json()["enterprise"]["name"], "粤安智能科技有限公司");
  EXPECT_EQ(created.json()["user"]["username"], "yuean");
  EXPECT_EQ(created.json()["user"]["role"], "vendor");
  EXPECT_FALSE(created.json().contains("warnings"));

  auto duplicate = anyone.Post("/api/v1/vendors/register", body(good, "yuean2"));
  EXPECT_EQ(duplicate.status, 409) << duplicate.body;
  EXPECT_EQ(duplicate.error_code(), "already_exists");
  EXPECT_TRUE(HttpClient(tp_->port()).Login("yuean2", testing::kTestPassword).empty());

  HttpClient vendor(tp_->port());
  ASSERT_FALSE(vendor.Login("yuean", testing::kTestPassword).empty());
  auto me = vendor.Get("/api/v1/vendors/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["credit_code"], good);
  EXPECT_EQ(me.json()["id"], created.json()["enterprise"]["id"]);

  // Products belong to the enterprise.
  auto p = vendor.Post("/api/v1/products",
                       {{"name", "考勤终端"}, {"model", "K2"}, {"kind", "attendance_terminal"}, {"version", "2.1"}});
  ASSERT_EQ(p.status, 201) << p.body;
  EXPECT_EQ(p.json()["kind"], "attendance_terminal");
  auto list = vendor.Get("/api/v1/products");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json().size(), 1u);
  EXPECT_EQ(list.json()[0]["id"], p.json()["id"]);
  EXPECT_EQ(list.json()[0]["model"], "K2");
  EXPECT_EQ(C("vendor1").Get("/api/v1/products").json().size(), 1u);  // only its own
}

// A PDF named as a web page is saved as a PDF, so the reviewer's computer opens it as
// one; a name that fits its type is kept as it is.
TEST_P(ApiProcessTest, ADownloadIsSavedUnderANameThatFitsItsType) {
  const long long id = NewApp();
  auto html = UploadPdf(id, "poly.html", kPdf);
  ASSERT_EQ(html.status, 201) << html.body;
  auto saved = C("rev_gz").Get("/api/v1/applications/" + std::to_string(id) + "/materials/" +
                               std::to_string(html.json()["id"].get<long long>()));
  EXPECT_EQ(saved.status, 200);
  EXPECT_EQ(saved.header("content-disposition"), "attachment; filename*=UTF-8''poly.html.pdf");
  auto upper = UploadPdf(id, "LICENSE.PDF", kPdf);
  ASSERT_EQ(upper.status, 201) << upper.body;
  EXPECT_EQ(C("rev_gz")
                .Get("/api/v1/applications/" + std::to_string(id) + "/materials/" +
                     std::to_string(upper.json()["id"].get<long long>()))
                .header("content-disposition"),
            "attachment; filename*=UTF-8''LICENSE.PDF");
}

// ------------------------------------------------------------ path 1

TEST_P(ApiProcessTest, FirstPathReturnResubmitApproveKeyAndSuccess) {
  const long long id = NewApp();
  json app = GetApp("vendor1", id);
  EXPECT_EQ(app["state"], "draft");
  ASSERT_EQ(app["materials"].size(), 1u);
  EXPECT_EQ(app["materials"][0]["kind"], "business_license");
  EXPECT_EQ(app["materials"][0]["filename"], "license.pdf");
  EXPECT_EQ(app["materials"][0]["size"], static_cast<long long>(kPdf.size()));
  EXPECT_EQ(app["materials"][0]["content_type"], "application/pdf");
  // The material comes back byte for byte.
  const long long material = app["materials"][0]["id"];
  auto download =
      C("rev_gz").Get("/api/v1/applications/" + std::to_string(id) + "/materials/" + std::to_string(material));
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.body, kPdf);
  EXPECT_EQ(download.header("content-disposition"), "attachment; filename*=UTF-8''license.pdf");

  app = MustAct("vendor1", id, "submit");
  EXPECT_EQ(app["state"], "under_review");
  // process.md's example: submitted 2026-09-30 10:00 → due 2026-10-10 24:00.
  json review = OpenDeadline(app, "review");
  ASSERT_FALSE(review.is_null()) << app.dump();
  EXPECT_EQ(review["started_at"], kStart);
  EXPECT_EQ(review["due_at"], "2026-10-10T23:59:59+08:00");
  EXPECT_EQ(review["provisional"], false);
  EXPECT_EQ(review["overdue"], false);
  EXPECT_EQ(review["working_days"], 3);
  EXPECT_EQ(Kinds(Notifications("rev_gz")).count("review_due"), 1u);
  EXPECT_EQ(Kinds(Notifications("rev_sz")).count("review_due"), 0u);

  SetClock("2026-10-09T09:00:00+08:00");
  auto no_problems = Act("rev_gz", id, "return");
  EXPECT_EQ(no_problems.status, 422);
  EXPECT_EQ(no_problems.error_code(), "problems_required");
  EXPECT_EQ(GetApp("vendor1", id)["state"], "under_review");
  app = MustAct("rev_gz", id, "return",
                {{"problems", {{{"material_id", material}, {"text", "营业执照未加盖公章"}}}}, {"note", "请补正"}});
  EXPECT_EQ(app["state"], "returned");
  ASSERT_EQ(app["reviews"].size(), 1u);
  EXPECT_EQ(app["reviews"][0]["action"], "return");
  EXPECT_EQ(app["reviews"][0]["reviewer"], "rev_gz");
  EXPECT_EQ(app["reviews"][0]["problems"][0]["material_id"], material);
  EXPECT_EQ(app["reviews"][0]["problems"][0]["text"], "营业执照未加盖公章");
  EXPECT_EQ(DeadlinesOf(app, "review").at(0)["done_at"], "2026-10-09T09:00:00+08:00");
  EXPECT_EQ(Kinds(Notifications("vendor1")).count("returned"), 1u);
  EXPECT_EQ(Kinds(Notifications("vendor2")).count("returned"), 0u);

  SetClock("2026-10-12T09:00:00+08:00");
  auto v2 = UploadPdf(id, "license-stamped.pdf", kPdf + "stamped");
  ASSERT_EQ(v2.status, 201) << v2.body;
  app = MustAct("vendor1", id, "resubmit");
  EXPECT_EQ(app["state"], "under_review");
  EXPECT_EQ(app["materials"].size(), 2u);
  EXPECT_EQ(OpenDeadline(app, "review")["due_at"], "2026-10-15T23:59:59+08:00");
  EXPECT_EQ(Kinds(Notifications("rev_gz")).count("review_due"), 2u);

  app = MustAct("rev_gz", id, "approve");
  EXPECT_EQ(app["state"], "joint_testing");
  json window = OpenDeadline(app, "joint_test");
  ASSERT_FALSE(window.is_null());
  EXPECT_EQ(window["due_at"], "2026-10-19T23:59:59+08:00");
  EXPECT_EQ(window["working_days"], 5);
  ASSERT_TRUE(app["test_key"].is_object());
  EXPECT_EQ(app["test_key"]["claimed"], false);
  EXPECT_EQ(app["test_key"]["profile"], "gd-v1.3");
  EXPECT_FALSE(app["test_key"].contains("secret"));
  EXPECT_EQ(Kinds(Notifications("vendor1")).count("key_issued"), 1u);

  const std::string path = "/api/v1/applications/" + std::to_string(id);
  auto claim = C("vendor1").Post(path + "/test-key/claim");
  ASSERT_EQ(claim.status, 200) << claim.body;
  const std::string secret = claim.json()["secret"];
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(claim.json()["app_id"], app["test_key"]["app_id"]);
  EXPECT_EQ(claim.json()["profile"], "gd-v1.3");
  EXPECT_FALSE(claim.json()["endpoint"].get<std::string>().empty());
  auto twice = C("vendor1").Post(path + "/test-key/claim");
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.error_code(), "already_claimed");
  EXPECT_EQ(twice.body.find(secret), std::string::npos);

  auto rotated = C("vendor1").Post(path + "/test-key/rotate");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string new_secret = rotated.json()["secret"];
  EXPECT_NE(rotated.json()["app_id"], claim.json()["app_id"]);
  EXPECT_NE(new_secret, secret);

  // The report: public key parts only, never a secret.
  for (const char* who : {"vendor1", "rev_gz", "prov"}) {
    auto r = C(who).Get(path);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body.find(secret), std::string::npos) << who;
    EXPECT_EQ(r.body.find(new_secret), std::string::npos) << who;
  }
  app = GetApp("vendor1", id);
  ASSERT_EQ(app["test_keys"].size(), 2u);
  EXPECT_EQ(app["test_keys"][0]["status"], "revoked");
  EXPECT_EQ(app["test_key"]["app_id"], rotated.json()["app_id"]);
  EXPECT_EQ(app["test_key"]["claimed"], true);

  auto early_delay = Act("rev_gz", id, "delay", {{"problems", {{{"clause", "V1.3 4.2"}, {"text", "签名错误"}}}}});
  EXPECT_EQ(early_delay.status, 409);
  EXPECT_EQ(early_delay.error_code(), "invalid_transition");
  EXPECT_EQ(early_delay.json()["error"]["details"]["reason"], "window_not_expired");

  SetClock("2026-10-14T16:00:00+08:00");
  app = MustAct("rev_gz", id, "succeed", {{"note", "联调通过"}});
  EXPECT_EQ(app["state"], "succeeded");
  EXPECT_EQ(app["late"], false);
  EXPECT_EQ(app["decided_at"], "2026-10-14T16:00:00+08:00");
  EXPECT_TRUE(app["test_key"].is_null());
  EXPECT_EQ(app["reviews"].back()["action"], "succeed");
  EXPECT_EQ(app["reviews"].back()["late"], false);
  EXPECT_EQ(DeadlinesOf(app, "joint_test").at(0)["done_at"], "2026-10-14T16:00:00+08:00");
  EXPECT_EQ(DeadlinesOf(app, "joint_test").at(0)["overdue"], false);
  EXPECT_EQ(Kinds(Notifications("vendor1")).count("succeeded"), 1u);
  auto withdraw = Act("vendor1", id, "withdraw");
  EXPECT_EQ(withdraw.status, 409);
  EXPECT_EQ(withdraw.error_code(), "invalid_transition");

  // The history tells the story in order, with who did what.
  std::vector<std::string> actions;
  for (const json& h : app["history"]) {
    if (h["entity"] == "application") actions.push_back(h["action"]);
  }
  const std::vector<std::string> expected = {"submit",    "return",     "resubmit", "approve",
                                             "key_claim", "key_rotate", "succeed"};
  std::vector<std::string> filtered;
  for (const auto& a : actions) {
    if (std::find(expected.begin(), expected.end(), a) != expected.end()) filtered.push_back(a);
  }
  EXPECT_EQ(filtered, expected) << app["history"].dump();
  for (const json& h : app["history"]) {
    if (h["action"] == "return") {
      EXPECT_EQ(h["actor"], "rev_gz");
      EXPECT_EQ(h["actor_display"], "rev_gz");  // the account's display name, as added
      EXPECT_EQ(h["role"], "city_reviewer");
      EXPECT_EQ(h["before"], "under_review");
      EXPECT_EQ(h["after"], "returned");
      EXPECT_NE(h["reason"].get<std::string>().find("营业执照未加盖公章"), std::string::npos);
    }
  }

  for (const json& h : app["history"]) {
    if (h["role"] == "system") {
      EXPECT_TRUE(h["actor_display"].is_null()) << h.dump();
    }
  }

  auto verify = C("adm").Get("/api/v1/history/verify");
  ASSERT_EQ(verify.status, 200) << verify.body;
  EXPECT_EQ(verify.json()["ok"], true);
  EXPECT_GE(verify.json()["entries"].get<long long>(), 7);
  EXPECT_TRUE(verify.json()["first_broken_seq"].is_null());
}

TEST_P(ApiProcessTest, TheListCarriesEachChecklistSummaryOnRequest) {
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  MustAct("rev_gz", id, "approve");
  const std::string path = "/api/v1/applications/" + std::to_string(id);
  auto claim = C("vendor1").Post(path + "/test-key/claim");
  ASSERT_EQ(claim.status, 200) << claim.body;
  const json key = claim.json();
  const auto text = [&](const char* field) { return key[field].get<std::string>(); };
  testing::SandboxDriver driver(*tp_, {id, kGz, text("app_id"), text("secret"), text("profile"), text("endpoint")});
  EXPECT_EQ(driver.Send("Team.Add", json::object()).outcome, "refused");  // judged as evidence

  for (const char* who : {"vendor1", "rev_gz", "prov"}) {
    auto list = C(who).Get("/api/v1/applications?state=joint_testing&include=conformance");
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(list.json().size(), 1u) << who;
    const json summary = list.json()[0]["conformance"];
    EXPECT_EQ(summary, C(who).Get(path + "/conformance").json()["summary"]) << who;
    EXPECT_EQ(summary["requests"], 1) << who;
    EXPECT_GT(summary["total"].get<int>(), 0) << who;
  }
  // Without the parameter the list is as before; the other city and vendor see nothing.
  EXPECT_FALSE(C("rev_gz").Get("/api/v1/applications").json()[0].contains("conformance"));
  EXPECT_TRUE(C("rev_sz").Get("/api/v1/applications?include=conformance").json().empty());
  EXPECT_TRUE(C("vendor2").Get("/api/v1/applications?include=conformance").json().empty());
  auto bad = C("rev_gz").Get("/api/v1/applications?include=cases");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.error_code(), "invalid_field");
}

// ------------------------------------------------------------ path 2

TEST_P(ApiProcessTest, SecondPathLinksCityBSuccess) {
  const long long first = NewApp(kSz);
  MustAct("vendor1", first, "submit");
  MustAct("rev_sz", first, "approve");
  SetClock("2026-10-09T10:00:00+08:00");
  MustAct("rev_sz", first, "succeed");

  auto r = C("vendor1").Post("/api/v1/applications", {{"city_code", kGz},
                                                      {"path", "connected_elsewhere"},
                                                      {"connected_city_code", kSz},
                                                      {"product_ids", {product_}},
                                                      {"description", "已在深圳联调成功"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const long long id = r.json()["id"];
  EXPECT_EQ(r.json()["path"], "connected_elsewhere");
  EXPECT_EQ(r.json()["connected_city_code"], kSz);
  EXPECT_EQ(r.json()["connected_city_name"], "深圳市");
  EXPECT_EQ(r.json()["connected_application_id"], first);
  json app = GetApp("rev_gz", id);
  EXPECT_EQ(app["connected_application_id"], first);
  EXPECT_EQ(app["connected_application"]["id"], first);
  EXPECT_EQ(app["connected_application"]["state"], "succeeded");
  EXPECT_EQ(app["connected_application"]["decided_at"], "2026-10-09T10:00:00+08:00");

  auto missing = C("vendor1").Post("/api/v1/applications",
                                   {{"city_code", kGz}, {"path", "connected_elsewhere"}, {"product_ids", {product_}}});
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.error_code(), "missing_field");
  // Another vendor's success is not this vendor's proof.
  auto p2 = C("vendor2").Post("/api/v1/products",
                              {{"name", "闸机"}, {"model", "X"}, {"kind", "face_gate"}, {"version", "1"}});
  ASSERT_EQ(p2.status, 201);
  auto other = C("vendor2").Post("/api/v1/applications", {{"city_code", kGz},
                                                          {"path", "connected_elsewhere"},
                                                          {"connected_city_code", kSz},
                                                          {"product_ids", {p2.json()["id"]}}});
  ASSERT_EQ(other.status, 201) << other.body;
  EXPECT_TRUE(other.json()["connected_application_id"].is_null());

  // The same steps follow.
  ASSERT_EQ(UploadPdf(id, "proof.pdf", kPdf).status, 201);
  EXPECT_EQ(MustAct("vendor1", id, "submit")["state"], "under_review");
}

// ------------------------------------------------------------ delay

TEST_P(ApiProcessTest, DelayRefusedInsideWindowAcceptedAfterWithProblems) {
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  json app = MustAct("rev_gz", id, "approve");
  const std::string due = OpenDeadline(app, "joint_test")["due_at"];
  EXPECT_EQ(due, "2026-10-13T23:59:59+08:00");
  const json problems = {{"problems", {{{"clause", "V1.3 4.2"}, {"text", "考勤记录签名校验失败"}}}}};

  SetClock(due);
  auto early = Act("rev_gz", id, "delay", problems);
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.error_code(), "invalid_transition");
  EXPECT_EQ(early.json()["error"]["details"]["reason"], "window_not_expired");
  EXPECT_EQ(early.json()["error"]["details"]["joint_test_due"], due);
  EXPECT_EQ(GetApp("vendor1", id)["state"], "joint_testing");

  SetClock(PlusSeconds(due, 1));
  auto bare = Act("rev_gz", id, "delay");
  EXPECT_EQ(bare.status, 422);
  EXPECT_EQ(bare.error_code(), "problems_required");
  auto no_clause = Act("rev_gz", id, "delay", {{"problems", {{{"text", "签名错误"}}}}});
  EXPECT_EQ(no_clause.status, 422);
  EXPECT_EQ(no_clause.error_code(), "invalid_field");
  EXPECT_EQ(GetApp("vendor1", id)["state"], "joint_testing");

  app = MustAct("rev_gz", id, "delay", problems);
  EXPECT_EQ(app["state"], "delayed");
  EXPECT_EQ(app["reviews"].back()["action"], "delay");
  EXPECT_EQ(app["reviews"].back()["problems"][0]["clause"], "V1.3 4.2");
  EXPECT_EQ(app["reviews"].back()["problems"][0]["text"], "考勤记录签名校验失败");
  EXPECT_TRUE(app["test_key"].is_null());
  EXPECT_EQ(Kinds(Notifications("vendor1")).count("delayed"), 1u);
}

TEST_P(ApiProcessTest, LateSuccessIsRecordedAsLate) {
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  json app = MustAct("rev_gz", id, "approve");
  SetClock(PlusSeconds(OpenDeadline(app, "joint_test")["due_at"], 3600));
  app = MustAct("rev_gz", id, "succeed");
  EXPECT_EQ(app["state"], "succeeded");
  EXPECT_EQ(app["late"], true);
  EXPECT_EQ(app["reviews"].back()["late"], true);
  EXPECT_EQ(DeadlinesOf(app, "joint_test").at(0)["overdue"], true);
}

// ------------------------------------------------------------ alerts, one per kind

TEST_P(ApiProcessTest, ReviewOverdueAlert) {
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  json alert = ExpectRaisedOnceJustAfter("2026-10-10T23:59:59+08:00", "review_overdue");
  ASSERT_FALSE(alert.is_null());
  EXPECT_EQ(alert["application_id"], id);
  EXPECT_TRUE(alert["complaint_id"].is_null());
  EXPECT_EQ(Kinds(Notifications("rev_gz")).count("alert_raised"), 1u);
  EXPECT_EQ(Kinds(Notifications("prov")).count("alerts_raised"), 1u);
  EXPECT_EQ(Kinds(Notifications("vendor1")).count("alert_raised"), 0u);
  // The vendor lists the alert of its own application; it is not the vendor's to answer.
  const json own = Alerts("vendor1", "?status=open");
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0]["id"], alert["id"]);
  EXPECT_TRUE(Alerts("vendor2", "?status=open").empty());
  auto respond = C("vendor1").Post("/api/v1/alerts/" + std::to_string(alert["id"].get<long long>()) + "/respond",
                                   {{"feedback", "已补充"}});
  EXPECT_EQ(respond.status, 403) << respond.body;
  // The review stays due and shows how late it is.
  SetClock("2026-10-13T10:00:00+08:00");
  json app = GetApp("rev_gz", id);
  json review = OpenDeadline(app, "review");
  ASSERT_FALSE(review.is_null());
  EXPECT_EQ(review["overdue"], true);
  EXPECT_EQ(review["overdue_working_days"], 2);  // 10-12 and 10-13: (due day, today]
  ASSERT_EQ(app["alerts"].size(), 1u);
  EXPECT_EQ(app["alerts"][0]["kind"], "review_overdue");
  UrgeAndRespond(alert);
  // The detail shows each alert as the alerts list does; the province's urging note is
  // for the city, not the vendor.
  const json listed = Alerts("prov", "?status=answered");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(GetApp("rev_gz", id)["alerts"][0], listed[0]);
  EXPECT_EQ(GetApp("rev_gz", id)["alerts"][0]["application_id"], id);
  EXPECT_EQ(GetApp("rev_gz", id)["alerts"][0]["city_code"], "440100");
  EXPECT_EQ(GetApp("vendor1", id)["alerts"][0]["urge_note"], "");
  EXPECT_EQ(GetApp("vendor1", id)["alerts"][0]["urge_count"], 2);
  // Answering the alert does not decide the review.
  EXPECT_EQ(GetApp("rev_gz", id)["state"], "under_review");
  EXPECT_EQ(Sweep(), 0);
}

// Lists answered as arrays come a page at a time with the list's size in X-Total-Count,
// so that no application, alert or complaint goes unseen however many there are.
TEST_P(ApiProcessTest, ApplicationsComeAPageAtATime) {
  const long long a = NewApp(), b = NewApp(), sz = NewApp(kSz);
  MustAct("vendor1", a, "submit");
  MustAct("vendor1", b, "submit");
  MustAct("vendor1", sz, "submit");
  auto all = C("vendor1").Get("/api/v1/applications");
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_TRUE(all.json().is_array()) << all.body;
  EXPECT_EQ(all.header("x-total-count"), "3");
  ASSERT_EQ(all.json().size(), 3u);
  auto second = C("vendor1").Get("/api/v1/applications?limit=1&offset=1");
  EXPECT_EQ(second.header("x-total-count"), "3");
  ASSERT_EQ(second.json().size(), 1u);
  EXPECT_EQ(second.json()[0]["id"], all.json()[1]["id"]);
  EXPECT_TRUE(C("vendor1").Get("/api/v1/applications?offset=3").json().empty());
  // The filters apply before the page is cut, and to its total.
  auto city = C("rev_gz").Get("/api/v1/applications?state=under_review&limit=1");
  EXPECT_EQ(city.header("x-total-count"), "2");
  ASSERT_EQ(city.json().size(), 1u);
  EXPECT_EQ(C("prov").Get("/api/v1/applications?city_code=440300").header("x-total-count"), "1");
  // Another city's filter shows a city reviewer nothing; a code that is no city's is refused.
  EXPECT_EQ(C("rev_gz").Get("/api/v1/applications?city_code=440300").header("x-total-count"), "0");
  auto nowhere = C("prov").Get("/api/v1/applications?city_code=449999");
  EXPECT_EQ(nowhere.status, 422) << nowhere.body;
  EXPECT_EQ(nowhere.json()["error"]["code"], "unknown_city");
  EXPECT_EQ(nowhere.json()["error"]["details"]["city_code"], "449999");
  auto bad = C("prov").Get("/api/v1/applications?limit=ten");
  EXPECT_EQ(bad.status, 422) << bad.body;
  // A filter given twice with different values is refused, not read as one of them;
  // the same value twice is the same question.
  auto twice = C("rev_gz").Get("/api/v1/applications?state=under_review&state=joint_testing");
  EXPECT_EQ(twice.status, 422) << twice.body;
  EXPECT_EQ(twice.json()["error"]["details"]["field"], "state") << twice.body;
  EXPECT_EQ(C("rev_gz").Get("/api/v1/applications?state=under_review&state=under_review").header("x-total-count"), "2");
}

TEST_P(ApiProcessTest, AlertsAndComplaintsComeAPageAtATime) {
  const long long a = NewApp(), b = NewApp();
  MustAct("vendor1", a, "submit");
  MustAct("vendor1", b, "submit");
  SetClock("2026-10-11T00:00:01+08:00");
  EXPECT_EQ(Sweep(), 2);
  auto all = C("prov").Get("/api/v1/alerts");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.header("x-total-count"), "2");
  ASSERT_EQ(all.json().size(), 2u);
  auto second = C("prov").Get("/api/v1/alerts?limit=1&offset=1");
  EXPECT_EQ(second.header("x-total-count"), "2");
  ASSERT_EQ(second.json().size(), 1u);
  EXPECT_EQ(second.json()[0]["id"], all.json()[1]["id"]);
  EXPECT_TRUE(C("prov").Get("/api/v1/alerts?offset=2").json().empty());
  EXPECT_EQ(C("rev_gz").Get("/api/v1/alerts?status=open&limit=1").header("x-total-count"), "2");
  EXPECT_EQ(C("prov").Get("/api/v1/complaints").header("x-total-count"), "0");
}

// The province pages through every city's alerts narrowed to a city and a kind: the
// filters apply before the page is cut, and to its total.
TEST_P(ApiProcessTest, AlertsNarrowToACityAndAKindBeforeThePage) {
  const long long gz = NewApp(), sz = NewApp(kSz), gz_testing = NewApp();
  MustAct("vendor1", gz, "submit");
  MustAct("vendor1", sz, "submit");
  MustAct("vendor1", gz_testing, "submit");
  MustAct("rev_gz", gz_testing, "approve");  // its window is due after the reviews
  SetClock("2026-10-20T00:00:01+08:00");
  EXPECT_EQ(Sweep(), 3);
  auto city = C("prov").Get("/api/v1/alerts?city_code=440300");
  ASSERT_EQ(city.status, 200) << city.body;
  EXPECT_EQ(city.header("x-total-count"), "1");
  ASSERT_EQ(city.json().size(), 1u);
  EXPECT_EQ(city.json()[0]["application_id"], sz);
  auto kind = C("prov").Get("/api/v1/alerts?kind=joint_test_overdue&limit=1");
  EXPECT_EQ(kind.header("x-total-count"), "1");
  ASSERT_EQ(kind.json().size(), 1u);
  EXPECT_EQ(kind.json()[0]["application_id"], gz_testing);
  auto both = C("prov").Get("/api/v1/alerts?city_code=440100&kind=review_overdue&status=open");
  EXPECT_EQ(both.header("x-total-count"), "1");
  ASSERT_EQ(both.json().size(), 1u);
  EXPECT_EQ(both.json()[0]["application_id"], gz);
  // A city's reviewer asking for another city's alerts sees none of them.
  EXPECT_EQ(C("rev_gz").Get("/api/v1/alerts?city_code=440300").header("x-total-count"), "0");
  // A code that is no city's is a mistake to say, not a city without alerts.
  auto nowhere = C("prov").Get("/api/v1/alerts?city_code=999999");
  EXPECT_EQ(nowhere.status, 422) << nowhere.body;
  EXPECT_EQ(nowhere.json()["error"]["code"], "unknown_city");
  auto bad = C("prov").Get("/api/v1/alerts?kind=late");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.json()["error"]["details"]["field"], "kind");
}

TEST_P(ApiProcessTest, JointTestOverdueAlert) {
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  MustAct("rev_gz", id, "approve");
  json alert = ExpectRaisedOnceJustAfter("2026-10-13T23:59:59+08:00", "joint_test_overdue");
  ASSERT_FALSE(alert.is_null());
  EXPECT_EQ(alert["application_id"], id);
  UrgeAndRespond(alert);
}

TEST_P(ApiProcessTest, ComplaintOverdueAlert) {
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  MustAct("rev_gz", id, "approve");  // joint-test window due 2026-10-13 24:00
  SetClock("2026-10-12T09:00:00+08:00");
  json c = FileComplaint(id, "2026-10-12T08:30:00+08:00");
  json verification = OpenDeadline(GetComplaint("rev_gz", c["id"]), "complaint_verification");
  ASSERT_FALSE(verification.is_null()) << c.dump();
  // Default 5 working days: 10-13 … 10-19.
  EXPECT_EQ(verification["due_at"], "2026-10-19T23:59:59+08:00");
  EXPECT_EQ(Kinds(Notifications("rev_gz")).count("complaint_filed"), 1u);
  // The window's alert comes first and alone.
  SetClock("2026-10-14T00:00:00+08:00");
  EXPECT_EQ(Sweep(), 1);
  json alert = ExpectRaisedOnceJustAfter("2026-10-19T23:59:59+08:00", "complaint_overdue");
  ASSERT_FALSE(alert.is_null());
  EXPECT_EQ(alert["complaint_id"], c["id"]);
  EXPECT_EQ(alert["application_id"], id);
  EXPECT_EQ(Alerts("prov").size(), 2u);
}

TEST_P(ApiProcessTest, RectificationOverdueAlert) {
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  MustAct("rev_gz", id, "approve");  // window due 2026-10-13 24:00
  SetClock("2026-10-09T11:00:00+08:00");
  json c = FileComplaint(id, "2026-10-09T10:00:00+08:00");
  SetClock("2026-10-09T12:00:00+08:00");
  auto v = C("rev_gz").Post("/api/v1/complaints/" + std::to_string(c["id"].get<long long>()) + "/actions/verify",
                            {{"founded", true}, {"findings", "测试环境未登记密钥"}, {"rectification_due_days", 1}});
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.json()["state"], "rectifying");
  json rect = OpenDeadline(v.json(), "rectification");
  ASSERT_FALSE(rect.is_null()) << v.body;
  // 1 working day after Friday 10-09: Saturday 10-10 is worked in lieu.
  EXPECT_EQ(rect["due_at"], "2026-10-10T23:59:59+08:00");
  json alert = ExpectRaisedOnceJustAfter("2026-10-10T23:59:59+08:00", "rectification_overdue");
  ASSERT_FALSE(alert.is_null());
  EXPECT_EQ(alert["complaint_id"], c["id"]);
  // The support unit that must act sees it and is told.
  json support = Alerts("sup_gz");
  ASSERT_EQ(support.size(), 1u);
  EXPECT_EQ(support[0]["kind"], "rectification_overdue");
  EXPECT_EQ(Kinds(Notifications("sup_gz")).count("alert_raised"), 1u);
  UrgeAndRespond(alert);
}

// ------------------------------------------------------------ complaints

TEST_P(ApiProcessTest, FoundedComplaintRectifiedWithNewKeyAndFreshWindow) {
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  json app = MustAct("rev_gz", id, "approve");
  const std::string first_key = app["test_key"]["app_id"];
  ASSERT_EQ(C("vendor1").Post("/api/v1/applications/" + std::to_string(id) + "/test-key/claim").status, 200);

  SetClock("2026-10-09T11:00:00+08:00");
  json c = FileComplaint(id, "2026-10-09T10:00:00+08:00");
  const long long cid = c["id"];
  const std::string cpath = "/api/v1/complaints/" + std::to_string(cid);
  EXPECT_EQ(c["state"], "submitted");
  EXPECT_EQ(c["application_id"], id);
  EXPECT_EQ(c["conduct"], "key_unusable");
  EXPECT_EQ(c["complainant"], "联系人");  // defaults to the enterprise's contact
  ASSERT_FALSE(c["evidence"].empty());
  EXPECT_EQ(c["evidence"][0]["source"], "platform");

  auto ev = C("vendor1").PostMultipart(cpath + "/evidence", {{"description", "调用失败截图"}},
                                       {MultipartFile{"file", "screenshot.png", "image/png", kPng}});
  ASSERT_EQ(ev.status, 201) << ev.body;
  EXPECT_EQ(ev.json()["source"], "vendor");
  EXPECT_EQ(ev.json()["size"], static_cast<long long>(kPng.size()));
  const long long eid = ev.json()["id"];
  auto exe = C("vendor1").PostMultipart(
      cpath + "/evidence", {}, {MultipartFile{"file", "tool.exe", "application/octet-stream", "MZ\x90\0\x03"}});
  EXPECT_EQ(exe.status, 422);
  EXPECT_EQ(exe.error_code(), "unsupported_file_type");
  c = GetComplaint("rev_gz", cid);
  ASSERT_EQ(c["evidence"].size(), 2u);
  EXPECT_EQ(c["evidence"][1]["description"], "调用失败截图");
  auto bytes = C("rev_gz").Get(cpath + "/evidence/" + std::to_string(eid));
  EXPECT_EQ(bytes.status, 200);
  EXPECT_TRUE(bytes.body == kPng);
  EXPECT_EQ(Kinds(Notifications("rev_gz")).count("complaint_filed"), 1u);

  // Before the order the support unit does not see the complaint, nor learn its state.
  auto early = C("sup_gz").Post(cpath + "/actions/rectified", {{"report", "done"}});
  EXPECT_EQ(early.status, 404);
  EXPECT_EQ(early.error_code(), "not_found");

  auto verified =
      C("rev_gz").Post(cpath + "/actions/verify",
                       {{"founded", true}, {"findings", "测试环境未登记密钥"}, {"rectification_due_days", 3}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(verified.json()["state"], "rectifying");
  EXPECT_EQ(verified.json()["findings"], "测试环境未登记密钥");
  EXPECT_EQ(OpenDeadline(verified.json(), "rectification")["due_at"], "2026-10-13T23:59:59+08:00");
  EXPECT_EQ(Kinds(Notifications("sup_gz")).count("rectification_ordered"), 1u);
  EXPECT_EQ(Kinds(Notifications("vendor1")).count("complaint_founded"), 1u);
  auto twice = C("rev_gz").Post(cpath + "/actions/verify", {{"founded", false}, {"findings", "again"}});
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.error_code(), "invalid_transition");

  SetClock("2026-10-12T15:00:00+08:00");
  auto done = C("sup_gz").Post(cpath + "/actions/rectified", {{"report", "已重新登记密钥并恢复接口"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["state"], "rectified");
  EXPECT_EQ(done.json()["rectification_report"], "已重新登记密钥并恢复接口");
  EXPECT_EQ(Kinds(Notifications("rev_gz")).count("rectified"), 1u);
  EXPECT_EQ(Kinds(Notifications("vendor1")).count("key_issued"), 2u);

  app = GetApp("vendor1", id);
  EXPECT_EQ(app["state"], "joint_testing");
  ASSERT_EQ(app["test_keys"].size(), 2u);
  EXPECT_EQ(app["test_keys"][0]["app_id"], first_key);
  EXPECT_EQ(app["test_keys"][0]["status"], "revoked");
  EXPECT_NE(app["test_key"]["app_id"], first_key);
  EXPECT_EQ(app["test_key"]["claimed"], false);
  // A fresh 5-working-day window from the re-issue (10-13 … 10-19); the first is done.
  EXPECT_EQ(OpenDeadline(app, "joint_test")["due_at"], "2026-10-19T23:59:59+08:00");
  EXPECT_EQ(DeadlinesOf(app, "joint_test").size(), 2u);
  auto claim = C("vendor1").Post("/api/v1/applications/" + std::to_string(id) + "/test-key/claim");
  ASSERT_EQ(claim.status, 200) << claim.body;
  EXPECT_EQ(claim.json()["app_id"], app["test_key"]["app_id"]);

  SetClock("2026-10-15T10:00:00+08:00");
  app = MustAct("rev_gz", id, "succeed");
  EXPECT_EQ(app["late"], false);
  EXPECT_EQ(GetComplaint("vendor1", cid)["state"], "closed");
  auto list = C("prov").Get("/api/v1/complaints?state=closed");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json().size(), 1u);
  EXPECT_EQ(list.json()[0]["id"], cid);
}

TEST_P(ApiProcessTest, UnfoundedComplaintIsFinal) {
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  MustAct("rev_gz", id, "approve");
  SetClock("2026-10-08T10:00:00+08:00");
  json c = FileComplaint(id, "2026-10-08T09:00:00+08:00");
  const std::string cpath = "/api/v1/complaints/" + std::to_string(c["id"].get<long long>());
  auto v = C("rev_gz").Post(cpath + "/actions/verify", {{"founded", false}, {"findings", "经核查测试环境服务正常"}});
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.json()["state"], "unfounded");
  EXPECT_EQ(v.json()["findings"], "经核查测试环境服务正常");
  EXPECT_TRUE(OpenDeadline(v.json(), "complaint_verification").is_null());
  EXPECT_TRUE(OpenDeadline(v.json(), "rectification").is_null());
  EXPECT_EQ(Kinds(Notifications("vendor1")).count("complaint_unfounded"), 1u);
  EXPECT_EQ(Kinds(Notifications("sup_gz")).count("rectification_ordered"), 0u);
  auto rectified = C("sup_gz").Post(cpath + "/actions/rectified", {{"report", "x"}});
  EXPECT_EQ(rectified.status, 404);  // never ordered: not the support unit's to see
  EXPECT_EQ(rectified.error_code(), "not_found");
  MustAct("rev_gz", id, "succeed");
  EXPECT_EQ(GetComplaint("vendor1", c["id"])["state"], "unfounded");
}

// ------------------------------------------------------------ calendar, stats

TEST_P(ApiProcessTest, CalendarYearsAndDeadlines) {
  auto y = C("vendor1").Get("/api/v1/calendar/2026");
  ASSERT_EQ(y.status, 200) << y.body;
  EXPECT_EQ(y.json()["year"], 2026);
  EXPECT_EQ(y.json()["official"], true);
  const json holidays = y.json()["holidays"], workdays = y.json()["workdays"];
  EXPECT_NE(std::find(holidays.begin(), holidays.end(), "2026-10-01"), holidays.end());
  EXPECT_NE(std::find(holidays.begin(), holidays.end(), "2026-10-07"), holidays.end());
  EXPECT_NE(std::find(workdays.begin(), workdays.end(), "2026-10-10"), workdays.end());

  auto d = C("rev_gz").Get("/api/v1/calendar/deadline?from=2026-09-30T10:00:00%2B08:00&days=3");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json()["due_at"], "2026-10-10T23:59:59+08:00");
  EXPECT_EQ(d.json()["due_date"], "2026-10-10");
  EXPECT_EQ(d.json()["provisional"], false);
  // The time as api.md writes it, its "+" not escaped (a space once decoded): the same.
  auto typed = C("rev_gz").Get("/api/v1/calendar/deadline?from=2026-09-30T10:00:00+08:00&days=3");
  ASSERT_EQ(typed.status, 200) << typed.body;
  EXPECT_EQ(typed.json()["due_at"], "2026-10-10T23:59:59+08:00");

  auto none = C("adm").Get("/api/v1/calendar/2027");
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(none.json()["official"], false);
  auto provisional = C("adm").Get("/api/v1/calendar/deadline?from=2026-12-29T10:00:00%2B08:00&days=5");
  EXPECT_EQ(provisional.json()["due_at"], "2027-01-05T23:59:59+08:00");
  EXPECT_EQ(provisional.json()["provisional"], true);
}

TEST_P(ApiProcessTest, LoadingAYearRecomputesProvisionalDeadlines) {
  SetClock("2026-12-29T10:00:00+08:00");
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  MustAct("rev_gz", id, "approve");
  json window = OpenDeadline(GetApp("vendor1", id), "joint_test");
  // 12-30, 12-31, then 2027 without data (Mon–Fri): 01-01, 01-04, 01-05.
  EXPECT_EQ(window["due_at"], "2027-01-05T23:59:59+08:00");
  EXPECT_EQ(window["provisional"], true);

  const json year = {{"official", true}, {"holidays", {"2027-01-01"}}, {"workdays", json::array()}};
  auto refused = C("rev_gz").Put("/api/v1/calendar/2027", year);
  EXPECT_EQ(refused.status, 403);
  auto put = C("adm").Put("/api/v1/calendar/2027", year);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["year"], 2027);
  EXPECT_EQ(put.json()["holidays"], json::array({"2027-01-01"}));
  EXPECT_EQ(put.json()["source"], "admin import");

  window = OpenDeadline(GetApp("vendor1", id), "joint_test");
  EXPECT_EQ(window["due_at"], "2027-01-06T23:59:59+08:00");
  EXPECT_EQ(window["provisional"], false);
  auto d = C("adm").Get("/api/v1/calendar/deadline?from=2026-12-29T10:00:00%2B08:00&days=5");
  EXPECT_EQ(d.json()["due_at"], "2027-01-06T23:59:59+08:00");
  EXPECT_EQ(d.json()["provisional"], false);
  // The recomputed deadline is the one the sweep honours.
  SetClock("2027-01-06T12:00:00+08:00");
  EXPECT_EQ(Sweep(), 0);
}

TEST_P(ApiProcessTest, AYearLoadedByAnotherProcessReachesThisServerAtItsNextSweep) {
  // `liantiao calendar import` and a second server write the same table; this server's
  // cached calendar learns of it when it sweeps, scheduled or through /test/sweep.
  auto twin = tp_->Twin();
  ASSERT_NE(twin, nullptr);
  HttpClient twin_admin(twin->port());
  ASSERT_FALSE(twin_admin.Login("adm", testing::kTestPassword).empty());
  const json year = {{"official", true}, {"holidays", {"2027-01-01", "2027-01-04"}}, {"workdays", json::array()}};
  auto put = twin_admin.Put("/api/v1/calendar/2027", year);
  ASSERT_EQ(put.status, 200) << put.body;

  EXPECT_EQ(Sweep(), 0);
  auto y = C("adm").Get("/api/v1/calendar/2027");
  ASSERT_EQ(y.status, 200) << y.body;
  EXPECT_EQ(y.json()["official"], true);
  EXPECT_EQ(y.json()["holidays"], json::array({"2027-01-01", "2027-01-04"}));
  auto d = C("vendor1").Get("/api/v1/calendar/deadline?from=2026-12-30T10:00:00%2B08:00&days=2");
  // 12-31, then 01-01 and 01-04 are holidays: 01-05.
  EXPECT_EQ(d.json()["due_at"], "2027-01-05T23:59:59+08:00");
  EXPECT_EQ(d.json()["provisional"], false);
}

TEST_P(ApiProcessTest, CalendarPutTakesTheShapeGetAnswers) {
  // What GET answers can be sent back as it is, source and all.
  const json y2026 = C("adm").Get("/api/v1/calendar/2026").json();
  auto same = C("adm").Put("/api/v1/calendar/2026", y2026);
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json()["official"], true);
  EXPECT_EQ(same.json()["holidays"], y2026["holidays"]);
  EXPECT_EQ(same.json()["workdays"], y2026["workdays"]);
  const json stored = same.json();

  // Refused, naming the field, and nothing stored: the year is not wiped.
  const std::pair<json, std::pair<std::string, std::string>> refusals[] = {
      {json::object(), {"missing_field", "holidays"}},
      {{{"official", true}, {"holidays", json::array()}}, {"missing_field", "workdays"}},
      {{{"official", "yes"}, {"holidays", json::array()}, {"workdays", json::array()}}, {"invalid_field", "official"}},
      {{{"official", true}, {"holidays", "2026-10-01"}, {"workdays", json::array()}}, {"invalid_field", "holidays"}},
      {{{"year", 2027}, {"official", true}, {"holidays", json::array()}, {"workdays", json::array()}},
       {"invalid_field", "year"}},
  };
  for (const auto& [body, expected] : refusals) {
    auto r = C("adm").Put("/api/v1/calendar/2026", body);
    EXPECT_EQ(r.status, 422) << body.dump() << " → " << r.body;
    EXPECT_EQ(r.error_code(), expected.first) << body.dump();
    EXPECT_EQ(r.json()["error"]["details"]["field"], expected.second) << body.dump();
  }
  EXPECT_EQ(C("adm").Get("/api/v1/calendar/2026").json(), stored);
}

TEST_P(ApiProcessTest, AnAdminsOwnYearKeepsDeadlinesProvisional) {
  SetClock("2026-12-29T10:00:00+08:00");
  const long long id = NewApp();
  MustAct("vendor1", id, "submit");
  MustAct("rev_gz", id, "approve");
  // 12-30, 12-31, then 2027 without data (Mon–Fri): 01-01, 01-04, 01-05.
  EXPECT_EQ(OpenDeadline(GetApp("vendor1", id), "joint_test")["provisional"], true);

  // Not the published schedule: its holiday is counted, the deadline stays provisional.
  auto own =
      C("adm").Put("/api/v1/calendar/2027",
                   {{"year", 2027}, {"official", false}, {"holidays", {"2027-01-01"}}, {"workdays", json::array()}});
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json()["official"], false);
  EXPECT_EQ(C("vendor1").Get("/api/v1/calendar/2027").json()["official"], false);
  json window = OpenDeadline(GetApp("vendor1", id), "joint_test");
  EXPECT_EQ(window["due_at"], "2027-01-06T23:59:59+08:00");
  EXPECT_EQ(window["provisional"], true);
  auto d = C("adm").Get("/api/v1/calendar/deadline?from=2026-12-29T10:00:00%2B08:00&days=5");
  EXPECT_EQ(d.json()["due_at"], "2027-01-06T23:59:59+08:00");
  EXPECT_EQ(d.json()["provisional"], true);

  // The published schedule replaces it and settles the deadline (sent as the lists
  // alone, `official` is true).
  auto official = C("adm").Put("/api/v1/calendar/2027", {{"holidays", {"2027-01-01"}}, {"workdays", json::array()}});
  ASSERT_EQ(official.status, 200) << official.body;
  EXPECT_EQ(official.json()["official"], true);
  window = OpenDeadline(GetApp("vendor1", id), "joint_test");
  EXPECT_EQ(window["due_at"], "2027-01-06T23:59:59+08:00");
  EXPECT_EQ(window["provisional"], false);
}

TEST_P(ApiProcessTest, StatisticsForProvinceAndCity) {
  const long long a = NewApp();
  MustAct("vendor1", a, "submit");
  MustAct("rev_gz", a, "approve");
  MustAct("rev_gz", a, "succeed");
  const long long b = NewApp();
  MustAct("vendor1", b, "submit");
  SetClock("2026-10-11T00:00:00+08:00");
  EXPECT_EQ(Sweep(), 1);

  auto stats = C("prov").Get("/api/v1/stats");
  ASSERT_EQ(stats.status, 200) << stats.body;
  ASSERT_EQ(stats.json()["cities"].size(), 21u);
  const json all = stats.json();
  json gz;
  for (const json& c : all["cities"]) {
    if (c["city_code"] == kGz) gz = c;
  }
  ASSERT_TRUE(gz.is_object()) << stats.body;
  EXPECT_EQ(gz["applications_received"], 2);
  EXPECT_EQ(gz["reviews_done"], 1);
  EXPECT_EQ(gz["reviews_on_time_pct"], 100.0);
  EXPECT_EQ(gz["joint_tests_succeeded"], 1);
  EXPECT_EQ(gz["alerts_raised"], 1);
  auto own = C("rev_gz").Get("/api/v1/stats");
  ASSERT_EQ(own.status, 200);
  ASSERT_EQ(own.json()["cities"].size(), 1u);
  EXPECT_EQ(own.json()["cities"][0]["city_code"], kGz);
  auto csv = C("prov").Get("/api/v1/stats/export");
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(csv.header("content-type").find("text/csv"), std::string::npos);
  EXPECT_NE(csv.body.find("\r\n440100,广州市,2,1,100.0,"), std::string::npos) << csv.body;
}

// ------------------------------------------------------------ two servers, one database

TEST_P(ApiProcessTest, TwoServersSweepingAtTheSameInstantRaiseOneAlertPerDeadline) {
  constexpr int kApps = 6;
  for (int i = 0; i < kApps; ++i) MustAct("vendor1", NewApp(), "submit");
  auto twin = tp_->Twin();
  ASSERT_NE(twin, nullptr);
  HttpClient twin_admin(twin->port());
  ASSERT_FALSE(twin_admin.Login("adm", testing::kTestPassword).empty());
  const std::string at = "2026-10-11T00:00:00+08:00";
  SetClock(at);
  SetClock(at, &twin_admin);

  // Both servers sweep at once, twice: the first round raises each deadline's alert
  // exactly once between them, the second raises nothing.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    HttpResponse mine, theirs;
    std::thread other([&] { theirs = twin_admin.Post("/api/v1/test/sweep"); });
    mine = C("adm").Post("/api/v1/test/sweep");
    other.join();
    ASSERT_EQ(mine.status, 200) << mine.body;
    ASSERT_EQ(theirs.status, 200) << theirs.body;
    EXPECT_EQ(mine.json()["raised"].get<long long>() + theirs.json()["raised"].get<long long>(),
              round == 0 ? kApps : 0);
  }
  json alerts = Alerts("prov");
  EXPECT_EQ(alerts.size(), static_cast<std::size_t>(kApps));
  std::set<long long> apps;
  for (const json& a : alerts) {
    EXPECT_EQ(a["kind"], "review_overdue");
    apps.insert(a["application_id"].get<long long>());
  }
  EXPECT_EQ(apps.size(), static_cast<std::size_t>(kApps));
  // Either server lists the same alerts.
  HttpClient twin_prov(twin->port());
  ASSERT_FALSE(twin_prov.Login("prov", testing::kTestPassword).empty());
  EXPECT_EQ(twin_prov.Get("/api/v1/alerts").json().size(), static_cast<std::size_t>(kApps));
  // One history entry per raised alert, and the chain still verifies.
  auto verify = C("adm").Get("/api/v1/history/verify");
  EXPECT_EQ(verify.json()["ok"], true) << verify.body;
}

INSTANTIATE_TEST_SUITE_P(Databases, ApiProcessTest, ::testing::ValuesIn(testing::TestDatabaseKinds()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace liantiao
