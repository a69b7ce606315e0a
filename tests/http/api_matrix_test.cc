// The authorization matrix: every route × every role × own / foreign tenant. The
// expectations are written out here, independently of routes.cc; a route without a
// row fails the test, so a new endpoint cannot skip the matrix.
#include <gtest/gtest.h>

#include <map>
#include <set>

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

enum class Caller { kAnonymous, kVendorA, kVendorB, kReviewerGz, kReviewerSz, kSupportGz, kSupportSz, kProvince, kAdmin };
const Caller kCallers[] = {Caller::kAnonymous, Caller::kVendorA,  Caller::kVendorB,  Caller::kReviewerGz, Caller::kReviewerSz,
                           Caller::kSupportGz, Caller::kSupportSz, Caller::kProvince, Caller::kAdmin};
const char* Name(Caller c) {
  static const char* names[] = {"anonymous", "vendor_a", "vendor_b", "reviewer_gz", "reviewer_sz",
                                "support_gz", "support_sz", "province", "admin"};
  return names[static_cast<int>(c)];
}
// Every fixture record belongs to vendor A in Guangzhou.
bool InScope(Caller c) {
  return c == Caller::kVendorA || c == Caller::kReviewerGz || c == Caller::kSupportGz || c == Caller::kProvince ||
         c == Caller::kAdmin;
}
std::optional<Role> RoleOf(Caller c) {
  switch (c) {
    case Caller::kAnonymous: return std::nullopt;
    case Caller::kVendorA:
    case Caller::kVendorB: return Role::kVendor;
    case Caller::kReviewerGz:
    case Caller::kReviewerSz: return Role::kCityReviewer;
    case Caller::kSupportGz:
    case Caller::kSupportSz: return Role::kTechSupport;
    case Caller::kProvince: return Role::kProvince;
    case Caller::kAdmin: return Role::kAdmin;
  }
  return std::nullopt;
}

const std::set<Role> kAll = {Role::kVendor, Role::kCityReviewer, Role::kTechSupport, Role::kProvince, Role::kAdmin};

struct Expectation {
  bool public_route = false;
  std::set<Role> route_roles;   // checked by the route table: others 403
  bool scoped = false;          // names a record of vendor A in Guangzhou: foreign callers 404
  std::set<Role> action_roles;  // checked after scope by the service or the transition table
  bool owner_only = false;      // a notification: only its owner sees it
};

// "METHOD pattern" → expectation.
std::map<std::string, Expectation> Matrix() {
  const std::set<Role> V = {Role::kVendor}, R = {Role::kCityReviewer}, A = {Role::kAdmin},
                       S = {Role::kTechSupport}, P = {Role::kProvince},
                       Stats = {Role::kCityReviewer, Role::kProvince, Role::kAdmin},
                       NotVendor = {Role::kCityReviewer, Role::kTechSupport, Role::kProvince, Role::kAdmin};
  return {
      {"GET /api/v1/health", {.public_route = true}},
      {"POST /api/v1/session", {.public_route = true}},
      {"DELETE /api/v1/session", {.route_roles = kAll}},
      {"GET /api/v1/me", {.route_roles = kAll}},
      {"POST /api/v1/vendors/register", {.public_route = true}},
      {"GET /api/v1/vendors/me", {.route_roles = V}},
      {"PUT /api/v1/vendors/me", {.route_roles = V}},
      {"GET /api/v1/users", {.route_roles = A}},
      {"POST /api/v1/users", {.route_roles = A}},
      {"GET /api/v1/cities", {.route_roles = kAll}},
      {"PUT /api/v1/cities/:code", {.route_roles = A}},
      {"GET /api/v1/products", {.route_roles = V}},
      {"POST /api/v1/products", {.route_roles = V}},
      {"POST /api/v1/applications", {.route_roles = V}},
      {"GET /api/v1/applications", {.route_roles = kAll}},
      {"GET /api/v1/applications/:id", {.route_roles = kAll, .scoped = true}},
      {"POST /api/v1/applications/:id/materials", {.route_roles = V, .scoped = true}},
      {"GET /api/v1/applications/:id/materials/:mid", {.route_roles = kAll, .scoped = true}},
      {"POST /api/v1/applications/:id/actions/:action", {.route_roles = kAll, .scoped = true, .action_roles = R}},
      {"POST /api/v1/applications/:id/test-key/claim", {.route_roles = V, .scoped = true}},
      {"POST /api/v1/applications/:id/test-key/rotate", {.route_roles = V, .scoped = true}},
      {"GET /api/v1/alerts", {.route_roles = kAll, .action_roles = NotVendor}},
      {"POST /api/v1/alerts/:id/respond", {.route_roles = R, .scoped = true}},
      {"POST /api/v1/alerts/:id/urge", {.route_roles = P, .scoped = true}},
      {"POST /api/v1/complaints", {.route_roles = V, .scoped = true}},
      {"POST /api/v1/complaints/:id/evidence", {.route_roles = V, .scoped = true}},
      {"GET /api/v1/complaints", {.route_roles = kAll}},
      {"GET /api/v1/complaints/:id", {.route_roles = kAll, .scoped = true}},
      {"GET /api/v1/complaints/:id/evidence/:eid", {.route_roles = kAll, .scoped = true}},
      {"POST /api/v1/complaints/:id/actions/verify", {.route_roles = R, .scoped = true}},
      {"POST /api/v1/complaints/:id/actions/rectified", {.route_roles = S, .scoped = true}},
      {"GET /api/v1/calendar/deadline", {.route_roles = kAll}},
      {"GET /api/v1/calendar/:year", {.route_roles = kAll}},
      {"PUT /api/v1/calendar/:year", {.route_roles = A}},
      {"GET /api/v1/stats", {.route_roles = Stats}},
      {"GET /api/v1/stats/export", {.route_roles = Stats}},
      {"GET /api/v1/notifications", {.route_roles = kAll}},
      {"POST /api/v1/notifications/:id/read", {.route_roles = kAll, .owner_only = true}},
      {"POST /api/v1/notifications/read-all", {.route_roles = kAll}},
      {"GET /api/v1/history/verify", {.route_roles = A}},
      {"GET /api/v1/test/clock", {.route_roles = A}},
      {"PUT /api/v1/test/clock", {.route_roles = A}},
      {"POST /api/v1/test/sweep", {.route_roles = A}},
  };
}

std::string MethodWord(http::Method m) {
  switch (m) {
    case http::Method::kGet: return "GET";
    case http::Method::kPost: return "POST";
    case http::Method::kPut: return "PUT";
    case http::Method::kDelete: return "DELETE";
  }
  return "";
}

class ApiMatrixTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tp_ = TestPlatform::Create(GetParam(), *ParseInstant("2026-09-30T10:00:00+08:00"));
    ASSERT_NE(tp_, nullptr);
    auto& pf = tp_->platform();
    vendor_a_ = tp_->AddVendor("vendor_a");
    tp_->AddVendor("vendor_b");
    reviewer_gz_ = tp_->AddUser(Role::kCityReviewer, "reviewer_gz", "440100");
    tp_->AddUser(Role::kCityReviewer, "reviewer_sz", "440300");
    tp_->AddUser(Role::kTechSupport, "support_gz", "440100");
    tp_->AddUser(Role::kTechSupport, "support_sz", "440300");
    tp_->AddUser(Role::kProvince, "province");
    tp_->AddUser(Role::kAdmin, "admin");
    product_ = (*pf.applications.CreateProduct(vendor_a_, {"闸机", "G1", "face_gate", "1"}))["id"];
    auto make_app = [&] {
      long long id = (*pf.applications.Create(vendor_a_, {"440100", {product_}, "first", std::nullopt, ""}))["id"];
      material_ = (*pf.applications.UploadMaterial(vendor_a_, id, "other", "a.pdf", "%PDF-1.4 x"))["id"];
      (void)pf.applications.Act(vendor_a_, id, AppAction::kSubmit, {});
      return id;
    };
    app_ = make_app();
    const long long first_material = material_;
    (void)pf.applications.Act(reviewer_gz_, app_, AppAction::kApprove, {});
    services::NewComplaint c{app_, "", "", "广州市实名制系统", "key_unusable", "密钥不可用",
                             "2026-09-30T10:00:00+08:00", true};
    complaint_ = (*pf.complaints.File(vendor_a_, c))["id"];
    evidence_ = (*pf.complaints.Get(vendor_a_, complaint_))["evidence"][0]["id"];
    make_app();  // a second one, left under review, runs late
    material_ = first_material;
    (void)pf.alerts.Sweep(*ParseInstant("2026-10-20T00:00:00+08:00"));
    alert_ = (*pf.alerts.List(reviewer_gz_, std::nullopt))[0]["id"];
    notification_ = (*pf.notifications.List(vendor_a_, false))[0]["id"];
  }

  std::string Path(const std::string& pattern) {
    std::string out;
    const std::string base = pattern.substr(0, pattern.find("/:"));
    std::map<std::string, std::string> values = {{":mid", std::to_string(material_)},
                                                 {":eid", std::to_string(evidence_)},
                                                 {":action", "approve"},
                                                 {":code", "440100"},
                                                 {":year", "2026"}};
    if (base.ends_with("/applications")) values[":id"] = std::to_string(app_);
    if (base.ends_with("/complaints")) values[":id"] = std::to_string(complaint_);
    if (base.ends_with("/alerts")) values[":id"] = std::to_string(alert_);
    if (base.ends_with("/notifications")) values[":id"] = std::to_string(notification_);
    std::size_t i = 0;
    while (i < pattern.size()) {
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

  // A body that passes each handler's own validation, so what answers is authorization.
  json Body(const std::string& route) {
    static int n = 0;
    ++n;
    if (route.ends_with("/session")) return {{"username", "vendor_a"}, {"password", testing::kTestPassword}};
    if (route.ends_with("/vendors/register")) {
      return {{"enterprise", {{"name", "新企业"}, {"credit_code", testing::ValidCreditCode(9000 + n)},
                              {"legal_rep", "甲"}, {"address", "广州"}, {"contact_name", "乙"},
                              {"contact_phone", "020-1234567"}, {"contact_email", "a@b.cn"}}},
              {"username", "newvendor" + std::to_string(n)}, {"password", "Passw0rd!x"}};
    }
    if (route.ends_with("/vendors/me")) {
      return {{"name", "企业"}, {"legal_rep", "甲"}, {"address", "广州"}, {"contact_name", "乙"},
              {"contact_phone", "020-1234567"}, {"contact_email", "a@b.cn"}};
    }
    if (route.ends_with("/users")) {
      return {{"role", "province"}, {"username", "newuser" + std::to_string(n)}, {"password", "Passw0rd!x"}};
    }
    if (route.ends_with("/cities/:code")) return {{"profile", "gd-v1.3"}, {"test_env", "sandbox"}};
    if (route.ends_with("/products")) return {{"name", "p"}, {"model", "m"}, {"kind", "software"}, {"version", "1"}};
    if (route.ends_with("/applications")) {
      return {{"city_code", "440100"}, {"product_ids", {product_}}, {"path", "first"}, {"description", ""}};
    }
    if (route.ends_with("/respond")) return {{"feedback", "已核实"}};
    if (route.ends_with("/urge")) return {{"note", "请尽快处理"}};
    if (route.ends_with("/complaints")) {
      return {{"application_id", app_}, {"respondent", "x"}, {"conduct", "other"}, {"facts", "f"},
              {"occurred_at", "2026-09-30T10:00:00+08:00"}, {"declaration", true}};
    }
    if (route.ends_with("/verify")) return {{"founded", false}, {"findings", "不属实"}};
    if (route.ends_with("/rectified")) return {{"report", "已整改"}};
    if (route.ends_with("/calendar/:year")) return {{"holidays", json::array()}, {"workdays", json::array()}};
    if (route.ends_with("/test/clock")) return {{"now", "2026-10-20T00:00:00+08:00"}};
    return json::object();
  }

  HttpResponse Call(Caller caller, http::Method method, const std::string& pattern) {
    HttpClient client(tp_->port());
    if (caller != Caller::kAnonymous) {
      auto login = client.Post("/api/v1/session", {{"username", Name(caller)}, {"password", testing::kTestPassword}});
      client.SetDefaultHeader("Authorization", "Bearer " + login.json()["token"].get<std::string>());
    }
    const std::string path = Path(pattern);
    if (pattern.ends_with("/materials") || pattern.ends_with("/evidence")) {
      return client.PostMultipart(path, {{"kind", "other"}, {"description", "d"}},
                                  {{"file", "a.pdf", "application/pdf", "%PDF-1.4 matrix"}});
    }
    switch (method) {
      case http::Method::kGet: return client.Get(path);
      case http::Method::kDelete: return client.Delete(path);
      case http::Method::kPost: return client.Post(path, Body(pattern));
      case http::Method::kPut: return client.Put(path, Body(pattern));
    }
    return {};
  }

  std::unique_ptr<TestPlatform> tp_;
  services::Principal vendor_a_, reviewer_gz_;
  long long product_ = 0, app_ = 0, material_ = 0, complaint_ = 0, evidence_ = 0, alert_ = 0, notification_ = 0;
};

TEST_P(ApiMatrixTest, EveryRouteEveryRoleOwnAndForeignTenant) {
  const auto matrix = Matrix();
  http::RouteOptions options;
  options.test_clock = &tp_->clock();
  const http::Router router = http::BuildRouter(tp_->platform(), options);
  int checked = 0;
  for (const auto& route : router.routes()) {
    const std::string key = MethodWord(route.method) + " " + route.pattern;
    auto it = matrix.find(key);
    ASSERT_NE(it, matrix.end()) << "no row in the authorization matrix for " << key;
    const Expectation& e = it->second;
    for (Caller caller : kCallers) {
      const auto role = RoleOf(caller);
      const HttpResponse r = Call(caller, route.method, route.pattern);
      const std::string where = key + " as " + Name(caller) + " → " + std::to_string(r.status) + " " + r.body;
      ASSERT_GT(r.status, 0) << where;
      EXPECT_LT(r.status, 500) << where;
      if (e.public_route) {
        EXPECT_NE(r.status, 401) << where;
        EXPECT_NE(r.status, 403) << where;
      } else if (!role) {
        EXPECT_EQ(r.status, 401) << where;
      } else if (!e.route_roles.count(*role)) {
        EXPECT_EQ(r.status, 403) << where;
        EXPECT_EQ(r.json()["error"]["code"], "forbidden") << where;
      } else if ((e.scoped && !InScope(caller)) || (e.owner_only && caller != Caller::kVendorA)) {
        EXPECT_EQ(r.status, 404) << where;
        EXPECT_EQ(r.json()["error"]["code"], "not_found") << where;
      } else if (!e.action_roles.empty() && !e.action_roles.count(*role)) {
        EXPECT_EQ(r.status, 403) << where;
      } else {
        EXPECT_TRUE(r.status != 401 && r.status != 403 && r.status != 404) << where;
      }
      ++checked;
    }
  }
  EXPECT_EQ(static_cast<std::size_t>(checked), router.routes().size() * std::size(kCallers));
  EXPECT_EQ(matrix.size(), router.routes().size()) << "the matrix has rows for routes that do not exist";
}

TEST_P(ApiMatrixTest, ListsAreScopedToTheCaller) {
  auto ids = [&](Caller caller, const std::string& path) {
    HttpClient client(tp_->port());
    auto login = client.Post("/api/v1/session", {{"username", Name(caller)}, {"password", testing::kTestPassword}});
    client.SetDefaultHeader("Authorization", "Bearer " + login.json()["token"].get<std::string>());
    json body = client.Get(path).json();
    std::set<long long> out;
    const json& items = body.is_object() && body.contains("items") ? body["items"] : body;
    if (items.is_array()) {
      for (const json& item : items) out.insert(item["id"].get<long long>());
    }
    return out;
  };
  for (Caller c : {Caller::kVendorB, Caller::kReviewerSz, Caller::kSupportSz}) {
    EXPECT_EQ(ids(c, "/api/v1/applications").count(app_), 0u) << Name(c);
    EXPECT_EQ(ids(c, "/api/v1/complaints").count(complaint_), 0u) << Name(c);
  }
  EXPECT_EQ(ids(Caller::kReviewerSz, "/api/v1/alerts").count(alert_), 0u);
  for (Caller c : {Caller::kVendorA, Caller::kReviewerGz, Caller::kSupportGz, Caller::kProvince, Caller::kAdmin}) {
    EXPECT_EQ(ids(c, "/api/v1/applications").count(app_), 1u) << Name(c);
    EXPECT_EQ(ids(c, "/api/v1/complaints").count(complaint_), 1u) << Name(c);
  }
  EXPECT_EQ(ids(Caller::kProvince, "/api/v1/alerts").count(alert_), 1u);
  EXPECT_EQ(ids(Caller::kReviewerGz, "/api/v1/alerts").count(alert_), 1u);
}

INSTANTIATE_TEST_SUITE_P(Databases, ApiMatrixTest, ::testing::ValuesIn(testing::TestDatabaseKinds()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace liantiao
