// Sessions through the real routes: how a browser (cookie + CSRF) and an API client
// (Bearer) authenticate, and what logging out does.
#include <gtest/gtest.h>

#include "testing/app/test_platform.h"
#include "testing/http_client.h"

namespace liantiao {
namespace {

using domain::Role;
using testing::HttpClient;
using testing::TestPlatform;

class ApiSessionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tp_ = TestPlatform::Create(GetParam(), *ParseInstant("2026-09-30T10:00:00+08:00"));
    ASSERT_NE(tp_, nullptr);
    tp_->AddVendor("browser_vendor");
  }
  std::unique_ptr<TestPlatform> tp_;
};

TEST_P(ApiSessionTest, BrowserSessionNeedsCsrfOnUnsafeMethods) {
  HttpClient browser(tp_->port());
  browser.EnableCookies();
  auto login = browser.Post("/api/v1/session", {{"username", "browser_vendor"}, {"password", testing::kTestPassword}});
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string set_cookie = login.header("set-cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_FALSE(browser.Cookie("lt_session").empty());
  const std::string csrf = login.json()["csrf_token"];

  // Reads need only the cookie; /me gives the session's CSRF token back, for a
  // reloaded page that lost it.
  auto me = browser.Get("/api/v1/me");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["csrf_token"], csrf);
  // A write without the CSRF token is refused and creates nothing.
  nlohmann::json product = {{"name", "闸机"}, {"model", "G1"}, {"kind", "face_gate"}, {"version", "1"}};
  auto refused = browser.Post("/api/v1/products", product);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.json()["error"]["code"], "csrf_mismatch");
  EXPECT_EQ(browser.Get("/api/v1/products").json().size(), 0u);
  auto wrong = browser.Post("/api/v1/products", product, {{"X-CSRF-Token", csrf + "x"}});
  EXPECT_EQ(wrong.status, 403);
  auto created = browser.Post("/api/v1/products", product, {{"X-CSRF-Token", csrf}});
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(browser.Get("/api/v1/products").json().size(), 1u);

  // Logging out ends the session for the cookie and for the token alike.
  const std::string token = login.json()["token"];
  EXPECT_EQ(browser.Delete("/api/v1/session", {{"X-CSRF-Token", csrf}}).status, 200);
  EXPECT_EQ(browser.Get("/api/v1/me").status, 401);
  HttpClient api(tp_->port());
  EXPECT_EQ(api.Get("/api/v1/me", {{"Authorization", "Bearer " + token}}).status, 401);
}

TEST_P(ApiSessionTest, BearerTokenNeedsNoCsrfAndBadTokensAre401) {
  HttpClient api(tp_->port());
  auto login = api.Post("/api/v1/session", {{"username", "browser_vendor"}, {"password", testing::kTestPassword}});
  ASSERT_EQ(login.status, 200);
  api.SetDefaultHeader("Authorization", "Bearer " + login.json()["token"].get<std::string>());
  auto me = api.Get("/api/v1/me");
  EXPECT_EQ(me.json()["username"], "browser_vendor");
  EXPECT_EQ(me.json()["role"], "vendor");
  EXPECT_EQ(me.json()["vendor"]["credit_code_checksum_ok"], true);
  EXPECT_EQ(api.Post("/api/v1/products", {{"name", "终端"}, {"model", "T1"}, {"kind", "attendance_terminal"},
                                          {"version", "1"}}).status,
            201);
  api.SetDefaultHeader("Authorization", "Bearer not-a-token");
  auto bad = api.Get("/api/v1/me");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.json()["error"]["code"], "unauthenticated");
  api.SetDefaultHeader("Authorization", "");
  EXPECT_EQ(api.Get("/api/v1/me").status, 401);
  auto wrong_password = api.Post("/api/v1/session", {{"username", "browser_vendor"}, {"password", "nope"}});
  EXPECT_EQ(wrong_password.status, 401);
  EXPECT_EQ(wrong_password.json()["error"]["code"], "bad_credentials");
  auto unknown_user = api.Post("/api/v1/session", {{"username", "nobody"}, {"password", "nope"}});
  EXPECT_EQ(unknown_user.json()["error"]["code"], "bad_credentials");  // same answer: no user enumeration
}

TEST_P(ApiSessionTest, TestClockRoutesAreAdminOnly) {
  tp_->AddUser(Role::kAdmin, "clock_admin");
  HttpClient vendor(tp_->port());
  auto v = vendor.Post("/api/v1/session", {{"username", "browser_vendor"}, {"password", testing::kTestPassword}});
  vendor.SetDefaultHeader("Authorization", "Bearer " + v.json()["token"].get<std::string>());
  EXPECT_EQ(vendor.Put("/api/v1/test/clock", {{"now", "2026-10-01T00:00:00+08:00"}}).status, 403);
  HttpClient admin(tp_->port());
  auto a = admin.Post("/api/v1/session", {{"username", "clock_admin"}, {"password", testing::kTestPassword}});
  admin.SetDefaultHeader("Authorization", "Bearer " + a.json()["token"].get<std::string>());
  auto set = admin.Put("/api/v1/test/clock", {{"now", "2026-10-01T00:00:00Z"}});
  EXPECT_EQ(set.status, 200);
  EXPECT_EQ(set.json()["now"], "2026-10-01T08:00:00+08:00");
  EXPECT_EQ(FormatInstant(tp_->clock().Now()), "2026-10-01T08:00:00+08:00");
  // Moving the process a week ahead logs nobody out: sessions run on real time.
  EXPECT_EQ(admin.Put("/api/v1/test/clock", {{"now", "2026-10-08T00:00:00+08:00"}}).status, 200);
  EXPECT_EQ(vendor.Get("/api/v1/me").status, 200);
  EXPECT_EQ(admin.Post("/api/v1/test/sweep").json()["raised"], 0);
  EXPECT_EQ(admin.Put("/api/v1/test/clock", {{"now", "tomorrow"}}).status, 422);
}

INSTANTIATE_TEST_SUITE_P(Databases, ApiSessionTest, ::testing::ValuesIn(testing::TestDatabaseKinds()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace liantiao
