// Sessions through the real routes: how a browser (cookie + CSRF) and an API client
// (Bearer) authenticate, and what logging out does.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "http/routes.h"
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
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos);  // plain HTTP unless configured
  EXPECT_FALSE(browser.Cookie("lt_session").empty());
  const std::string csrf = login.json()["csrf_token"];

  // Reads need only the cookie; /me gives the session's CSRF token back, for a
  // reloaded page that lost it.
  auto me = browser.Get("/api/v1/me");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["csrf_token"], csrf);
  // And the upload limit, for the page to refuse a bigger file before sending it.
  EXPECT_EQ(me.json()["max_file_bytes"], tp_->config().services.max_file_bytes);
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
  EXPECT_EQ(api.Post("/api/v1/products",
                     {{"name", "终端"}, {"model", "T1"}, {"kind", "attendance_terminal"}, {"version", "1"}})
                .status,
            201);
  // The scheme's name in any case.
  api.SetDefaultHeader("Authorization", "bearer " + login.json()["token"].get<std::string>());
  EXPECT_EQ(api.Get("/api/v1/me").status, 200);
  api.SetDefaultHeader("Authorization", "BEARER " + login.json()["token"].get<std::string>());
  EXPECT_EQ(api.Get("/api/v1/me").status, 200);
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

// A user changes its own password: the current one is required, its other sessions
// end and the one that asked goes on; the old password no longer logs in.
TEST_P(ApiSessionTest, ChangingTheOwnPasswordEndsTheOtherSessions) {
  auto login = [&](HttpClient& c, const std::string& password) {
    auto r = c.Post("/api/v1/session", {{"username", "browser_vendor"}, {"password", password}});
    if (r.status == 200) c.SetDefaultHeader("Authorization", "Bearer " + r.json()["token"].get<std::string>());
    return r.status;
  };
  HttpClient here(tp_->port()), elsewhere(tp_->port()), fresh(tp_->port());
  ASSERT_EQ(login(here, testing::kTestPassword), 200);
  ASSERT_EQ(login(elsewhere, testing::kTestPassword), 200);
  auto wrong = here.Put("/api/v1/me/password", {{"current_password", "not it"}, {"new_password", "N3w-passw0rd"}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(wrong.json()["error"]["details"]["field"], "current_password");
  auto short_one =
      here.Put("/api/v1/me/password", {{"current_password", testing::kTestPassword}, {"new_password", "short"}});
  EXPECT_EQ(short_one.json()["error"]["details"]["field"], "new_password");
  EXPECT_EQ(elsewhere.Get("/api/v1/me").status, 200) << "refused changes end nothing";
  auto changed =
      here.Put("/api/v1/me/password", {{"current_password", testing::kTestPassword}, {"new_password", "N3w-passw0rd"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(here.Get("/api/v1/me").status, 200);
  EXPECT_EQ(elsewhere.Get("/api/v1/me").status, 401);
  EXPECT_EQ(login(fresh, testing::kTestPassword), 401);
  EXPECT_EQ(login(fresh, "N3w-passw0rd"), 200);
  // Guessing the current password through an open session meets the login's limit
  // (the successful login just now cleared the count): after five wrong guesses even
  // the right one waits.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(here.Put("/api/v1/me/password", {{"current_password", "guess"}, {"new_password", "An0ther-one"}}).status,
              422);
  }
  auto locked =
      here.Put("/api/v1/me/password", {{"current_password", "N3w-passw0rd"}, {"new_password", "An0ther-one"}});
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(locked.json()["error"]["code"], "too_many_attempts");
}

// An admin disables a user (its sessions end, it cannot log in) and enables it again,
// or sets a new password; not its own account.
TEST_P(ApiSessionTest, AnAdminDisablesAUserAndResetsItsPassword) {
  const auto admin_p = tp_->AddUser(Role::kAdmin, "users_admin");
  HttpClient admin(tp_->port()), vendor(tp_->port());
  auto a = admin.Post("/api/v1/session", {{"username", "users_admin"}, {"password", testing::kTestPassword}});
  admin.SetDefaultHeader("Authorization", "Bearer " + a.json()["token"].get<std::string>());
  auto v = vendor.Post("/api/v1/session", {{"username", "browser_vendor"}, {"password", testing::kTestPassword}});
  vendor.SetDefaultHeader("Authorization", "Bearer " + v.json()["token"].get<std::string>());
  long long vendor_id = 0;
  for (const auto& u : admin.Get("/api/v1/users").json()) {
    if (u["username"] == "browser_vendor") {
      vendor_id = u["id"];
      EXPECT_EQ(u["active"], true);
      EXPECT_EQ(u["vendor_name"], "browser_vendor 科技有限公司");  // the enterprise's, named in the list
    } else {
      EXPECT_FALSE(u.contains("vendor_name")) << u.dump();
    }
  }
  ASSERT_GT(vendor_id, 0);
  const std::string path = "/api/v1/users/" + std::to_string(vendor_id);
  EXPECT_EQ(vendor.Put(path, {{"active", false}}).status, 403);
  EXPECT_EQ(admin.Put(path, nlohmann::json::object()).status, 422);
  EXPECT_EQ(admin.Put(path, {{"active", "no"}}).status, 422);
  EXPECT_EQ(admin.Put("/api/v1/users/" + std::to_string(admin_p.user_id), {{"active", false}}).status, 422);
  EXPECT_EQ(admin.Put("/api/v1/users/987654", {{"active", false}}).status, 404);
  auto disabled = admin.Put(path, {{"active", false}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(disabled.json()["active"], false);
  EXPECT_EQ(vendor.Get("/api/v1/me").status, 401);
  HttpClient again(tp_->port());
  // The right password learns that the account is disabled; a wrong one does not.
  auto refused = again.Post("/api/v1/session", {{"username", "browser_vendor"}, {"password", testing::kTestPassword}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.json()["error"]["code"], "account_disabled");
  EXPECT_EQ(refused.json()["error"]["message"], "账号已停用，请联系系统管理员");
  auto wrong = again.Post("/api/v1/session", {{"username", "browser_vendor"}, {"password", "Wr0ng-passw0rd"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.json()["error"]["code"], "bad_credentials");
  EXPECT_EQ(admin.Put(path, {{"active", true}, {"password", "Res3t-passw0rd"}}).json()["active"], true);
  EXPECT_EQ(again.Post("/api/v1/session", {{"username", "browser_vendor"}, {"password", "Res3t-passw0rd"}}).status,
            200);
  // Each change is in the tamper-evident history, which still verifies.
  auto verify = admin.Get("/api/v1/history/verify");
  EXPECT_EQ(verify.json()["ok"], true) << verify.body;
}

// The admin's list of users comes a page at a time, narrowed by role, city and part of
// a name before the page is cut; what it is asked for wrongly is refused, not ignored.
TEST_P(ApiSessionTest, TheUserListNarrowsAndPages) {
  tp_->AddUser(Role::kAdmin, "list_admin");
  tp_->AddUser(Role::kCityReviewer, "Reviewer_GZ", "440100");
  tp_->AddUser(Role::kCityReviewer, "reviewer_sz", "440300");
  tp_->AddUser(Role::kTechSupport, "support_gz", "440100");
  tp_->AddUser(Role::kCityReviewer, "odd_name", "440100");
  tp_->AddUser(Role::kTechSupport, "oddxname", "440300");
  HttpClient admin(tp_->port());
  auto a = admin.Post("/api/v1/session", {{"username", "list_admin"}, {"password", testing::kTestPassword}});
  admin.SetDefaultHeader("Authorization", "Bearer " + a.json()["token"].get<std::string>());
  auto names = [&](const std::string& query) {
    auto r = admin.Get("/api/v1/users" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::vector<std::string> out;
    for (const auto& u : r.json()) out.push_back(u["username"]);
    return std::make_pair(out, r.header("x-total-count"));
  };
  auto all = names("");
  EXPECT_EQ(all.second, "7");  // browser_vendor and the six above
  auto reviewers = names("?role=city_reviewer");
  EXPECT_EQ(reviewers.first, (std::vector<std::string>{"Reviewer_GZ", "reviewer_sz", "odd_name"}));
  EXPECT_EQ(names("?role=city_reviewer&city_code=440100").first, (std::vector<std::string>{"Reviewer_GZ", "odd_name"}));
  // Part of a name, without regard to case; _ (and %) are the characters typed.
  EXPECT_EQ(names("?q=REVIEWER_").first, (std::vector<std::string>{"Reviewer_GZ", "reviewer_sz"}));
  EXPECT_EQ(names("?q=d_n").first, (std::vector<std::string>{"odd_name"}));
  EXPECT_TRUE(names("?q=%25").first.empty());
  EXPECT_EQ(names("?q=_gz").first, (std::vector<std::string>{"Reviewer_GZ", "support_gz"}));
  auto page = names("?role=city_reviewer&limit=1&offset=1");
  EXPECT_EQ(page.first, (std::vector<std::string>{"reviewer_sz"}));
  EXPECT_EQ(page.second, "3");
  EXPECT_EQ(admin.Get("/api/v1/users?role=king").json()["error"]["details"]["field"], "role");
  EXPECT_EQ(admin.Get("/api/v1/users?city_code=449999").json()["error"]["code"], "unknown_city");
  EXPECT_EQ(admin.Get("/api/v1/users?limit=0").status, 422);
}

// The admin and the province list the vendor enterprises, those without any application
// included (the admin adds their users), narrowed by part of a name or credit code.
TEST_P(ApiSessionTest, TheVendorListShowsEveryEnterprise) {
  tp_->AddUser(Role::kAdmin, "vendors_admin");
  HttpClient admin(tp_->port());
  auto a = admin.Post("/api/v1/session", {{"username", "vendors_admin"}, {"password", testing::kTestPassword}});
  admin.SetDefaultHeader("Authorization", "Bearer " + a.json()["token"].get<std::string>());
  auto all = admin.Get("/api/v1/vendors");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.header("x-total-count"), "1");
  ASSERT_EQ(all.json().size(), 1u);
  const nlohmann::json v = all.json()[0];
  for (const char* field : {"id", "name", "credit_code", "contact_name", "contact_phone", "created_at"}) {
    EXPECT_TRUE(v.contains(field)) << field;
  }
  const std::string code = v["credit_code"];
  EXPECT_EQ(admin.Get("/api/v1/vendors?q=" + code.substr(2, 6)).header("x-total-count"), "1");
  EXPECT_EQ(admin.Get("/api/v1/vendors?q=%25").header("x-total-count"), "0");
  EXPECT_EQ(admin.Get("/api/v1/vendors?limit=0").status, 422);
}

// Failed logins count per client. Behind a proxy listed in trusted_proxies that is the
// address its X-Forwarded-For names, so one client's guesses do not lock out the others
// behind the same proxy; without the setting the header is not believed, and every
// request from the proxy's address counts as one client.
TEST_P(ApiSessionTest, BehindATrustedProxyLoginLimitsCountTheForwardedClient) {
  auto attempt = [&](unsigned short port, const std::string& forwarded_for, const std::string& password) {
    HttpClient c(port);
    return c
        .Post("/api/v1/session", {{"username", "browser_vendor"}, {"password", password}},
              {{"X-Forwarded-For", forwarded_for}})
        .status;
  };
  auto proxied =
      TestPlatform::Create(GetParam(), *ParseInstant("2026-09-30T10:00:00+08:00"), true,
                           [](app::AppConfig& c) { c.trusted_proxies = *http::TrustedProxies::Parse("127.0.0.1"); });
  ASSERT_NE(proxied, nullptr);
  proxied->AddVendor("browser_vendor");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(attempt(proxied->port(), "203.0.113.1", "guess"), 401);
  EXPECT_EQ(attempt(proxied->port(), "203.0.113.1", testing::kTestPassword), 429) << "that client waits";
  // The client's own header cannot pose as another: the proxy's appended address counts.
  EXPECT_EQ(attempt(proxied->port(), "203.0.113.2, 203.0.113.1", testing::kTestPassword), 429);
  EXPECT_EQ(attempt(proxied->port(), "203.0.113.2", testing::kTestPassword), 200) << "another client logs in";

  // tp_ trusts no proxy: the same guesses lock the name for every request from 127.0.0.1.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(attempt(tp_->port(), "203.0.113.1", "guess"), 401);
  EXPECT_EQ(attempt(tp_->port(), "203.0.113.2", testing::kTestPassword), 429);
}

// Sign-ups count per client as failed logins do: behind a trusted proxy, the address its
// X-Forwarded-For names. The one past the limit is answered 429 with Retry-After.
TEST_P(ApiSessionTest, SignUpsArePerForwardedClientBehindATrustedProxy) {
  auto proxied =
      TestPlatform::Create(GetParam(), *ParseInstant("2026-09-30T10:00:00+08:00"), true, [](app::AppConfig& c) {
        c.trusted_proxies = *http::TrustedProxies::Parse("127.0.0.1");
        c.services.signup_max_per_client = 1;
      });
  ASSERT_NE(proxied, nullptr);
  int n = 7100;
  auto signup = [&](const std::string& user, const std::string& forwarded_for) {
    return HttpClient(proxied->port())
        .Post("/api/v1/vendors/register",
              testing::RegistrationBody(testing::Registration(user, testing::ValidCreditCode(n++))),
              {{"X-Forwarded-For", forwarded_for}});
  };
  EXPECT_EQ(signup("proxied_a1", "203.0.113.1").status, 201);
  auto refused = signup("proxied_a2", "203.0.113.1");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.error_code(), "too_many_attempts");
  EXPECT_EQ(refused.header("retry-after"), "3600");
  EXPECT_EQ(signup("proxied_b1", "203.0.113.2").status, 201) << "another client signs up";
}

// A login that finds every password hashing slot taken is answered 503 server_busy with
// Retry-After, at once; a slot freed, the same login goes through.
TEST_P(ApiSessionTest, ALoginWithNoSlotToHashInIsAnswered503) {
  auto busy = TestPlatform::Create(GetParam(), *ParseInstant("2026-09-30T10:00:00+08:00"), true, [](app::AppConfig& c) {
    c.password_hash_slots = 1;
    c.services.password_hash_wait = std::chrono::milliseconds(0);
  });
  ASSERT_NE(busy, nullptr);
  busy->AddVendor("busy_vendor");
  auto login = [&] {
    return HttpClient(busy->port())
        .Post("/api/v1/session", {{"username", "busy_vendor"}, {"password", testing::kTestPassword}});
  };
  {
    auto slot = busy->platform().deps.hashing.Enter();
    ASSERT_TRUE(slot.ok());
    auto r = login();
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.json()["error"]["code"], "server_busy");
    EXPECT_EQ(r.header("retry-after"), "1");
  }
  EXPECT_EQ(login().status, 200);
}

// Logins wait for a hash on threads of their own, not on the HTTP threads: with one HTTP
// thread and its one hashing slot taken, the server still answers everything else, and
// the logins that came meanwhile go through once the slot frees (none is told busy).
TEST_P(ApiSessionTest, LoginsWaitingForAHashLeaveTheHttpThreadsFree) {
  auto one = TestPlatform::Create(GetParam(), *ParseInstant("2026-09-30T10:00:00+08:00"), true, [](app::AppConfig& c) {
    c.threads = 1;
    c.password_hash_slots = 1;
    c.services.password_hash_wait = std::chrono::hours(1);
  });
  ASSERT_NE(one, nullptr);
  one->AddVendor("queued_vendor");
  std::vector<std::future<testing::HttpResponse>> logins;
  {
    auto slot = one->platform().deps.hashing.Enter();
    ASSERT_TRUE(slot.ok());
    for (int i = 0; i < 4; ++i) {
      logins.push_back(std::async(std::launch::async, [&] {
        return HttpClient(one->port())
            .Post("/api/v1/session", {{"username", "queued_vendor"}, {"password", testing::kTestPassword}});
      }));
    }
    // The hashing thread has taken the first login and waits for the slot (or, were the
    // logins hashed on the HTTP thread, one was answered busy: fail rather than spin).
    auto answered = [&] {
      return std::any_of(logins.begin(), logins.end(), [](const auto& f) {
        return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
      });
    };
    while (one->platform().deps.hashing.Current().waiting < 1 && !answered()) std::this_thread::yield();
    ASSERT_FALSE(answered()) << "a login was answered while no hash could run";
    EXPECT_EQ(HttpClient(one->port()).Get("/api/v1/health").status, 200) << "the one HTTP thread is free";
  }
  for (auto& login : logins) {
    const auto r = login.get();
    EXPECT_EQ(r.status, 200) << r.body;
  }
}

// A page on another site cannot log its visitor in (login CSRF): the browser marks the
// request cross-site, and it is refused. The same site, and clients that are not
// browsers, log in as before.
TEST_P(ApiSessionTest, ALoginPostedFromAnotherSiteIsRefused) {
  HttpClient client(tp_->port());
  const nlohmann::json body = {{"username", "browser_vendor"}, {"password", testing::kTestPassword}};
  auto cross = client.Post("/api/v1/session", body, {{"Sec-Fetch-Site", "cross-site"}});
  EXPECT_EQ(cross.status, 403);
  EXPECT_EQ(cross.json()["error"]["code"], "csrf_mismatch");
  EXPECT_TRUE(cross.header("set-cookie").empty());
  auto signup = client.Post("/api/v1/vendors/register", {{"username", "x"}}, {{"Sec-Fetch-Site", "cross-site"}});
  EXPECT_EQ(signup.status, 403);
  EXPECT_EQ(client.Post("/api/v1/session", body, {{"Sec-Fetch-Site", "same-origin"}}).status, 200);
  EXPECT_EQ(client.Post("/api/v1/session", body).status, 200);
}

// Browsers without Fetch Metadata still send Origin on a POST. What a page on another
// site can post to the server without a CORS preflight is a form's body (urlencoded,
// multipart, text/plain) or none: with an Origin, such a login or sign-up is refused. The
// web app's JSON with an Origin, a browser saying the request is same-origin, and clients
// sending no Origin (whatever their Content-Type, as curl -d sends) log in as before.
TEST_P(ApiSessionTest, ALoginFormFromAPageWithoutFetchMetadataIsRefused) {
  HttpClient client(tp_->port());
  const std::string body = nlohmann::json{{"username", "browser_vendor"}, {"password", testing::kTestPassword}}.dump();
  const HttpClient::Headers page = {{"Origin", "https://elsewhere.example"}};
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded", "TEXT/PLAIN;charset=UTF-8", ""}) {
    auto r = client.PostRaw("/api/v1/session", body, type, page);
    EXPECT_EQ(r.status, 403) << type;
    EXPECT_EQ(r.json()["error"]["code"], "csrf_mismatch") << type;
    EXPECT_TRUE(r.header("set-cookie").empty()) << type;
  }
  auto form = client.PostMultipart("/api/v1/session",
                                   {{"username", "browser_vendor"}, {"password", testing::kTestPassword}}, {}, page);
  EXPECT_EQ(form.status, 403);
  EXPECT_EQ(form.json()["error"]["code"], "csrf_mismatch");
  EXPECT_EQ(client.PostRaw("/api/v1/vendors/register", R"({"username":"x"})", "text/plain", page).status, 403);
  EXPECT_EQ(client.PostRaw("/api/v1/session", body, "Application/JSON; charset=UTF-8", page).status, 200);
  EXPECT_EQ(client.PostRaw("/api/v1/session", body, "text/plain", {}).status, 200);
  EXPECT_EQ(client
                .PostRaw("/api/v1/session", body, "text/plain",
                         {{"Origin", "http://127.0.0.1"}, {"Sec-Fetch-Site", "same-origin"}})
                .status,
            200);
}

// Behind TLS (secure_cookie), the cookies set at login and the ones clearing them at
// logout are all marked Secure, so a browser never sends the session over plain HTTP.
// Beside the session's HttpOnly cookie, `lt_signed_in` tells the web app that there is
// one, and holds nothing else.
TEST_P(ApiSessionTest, ASecureCookieIsMarkedSoAtLoginAndLogout) {
  http::RouteOptions options;
  options.secure_cookie = true;
  const http::Router router = http::BuildRouter(tp_->platform(), options);
  auto call = [&](http::Method method, http::Request req) -> http::Response {
    for (const auto& route : router.routes()) {
      if (route.method != method || route.pattern != "/api/v1/session") continue;
      if (route.handler) {
        auto r = route.handler(req);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : http::Response{};
      }
      // Logins hash on threads of their own and answer from there.
      std::promise<http::Response> answer;
      route.async_handler(req, [&answer](http::Response r) { answer.set_value(std::move(r)); });
      http::Response r = answer.get_future().get();
      EXPECT_EQ(r.status, 200) << r.body;
      return r;
    }
    ADD_FAILURE() << "no session route";
    return {};
  };
  // The Set-Cookie header naming `cookie`.
  auto cookie_of = [](const http::Response& r, const std::string& cookie = "lt_session") {
    for (const auto& [name, value] : r.headers) {
      if (name == "Set-Cookie" && value.starts_with(cookie + "=")) return value;
    }
    return std::string();
  };
  http::Request login;
  login.method = http::Method::kPost;
  login.body = nlohmann::json{{"username", "browser_vendor"}, {"password", testing::kTestPassword}}.dump();
  const http::Response in = call(http::Method::kPost, login);
  const std::string token = nlohmann::json::parse(in.body)["token"];
  EXPECT_EQ(cookie_of(in).find("lt_session=" + token + "; Path=/; HttpOnly; "), 0u) << cookie_of(in);
  EXPECT_NE(cookie_of(in).find("; Secure"), std::string::npos) << cookie_of(in);
  // Its companion, which the web app reads, says only that there is a session.
  const std::string signed_in = cookie_of(in, http::kSignedInCookie);
  EXPECT_EQ(signed_in.find("lt_signed_in=1; "), 0u) << signed_in;
  EXPECT_EQ(signed_in.find("HttpOnly"), std::string::npos) << signed_in;
  EXPECT_NE(signed_in.find("; Secure"), std::string::npos) << signed_in;
  EXPECT_EQ(signed_in.find(token), std::string::npos);
  http::Request logout;
  logout.method = http::Method::kDelete;
  logout.session_token = token;
  logout.principal = tp_->platform().auth.Authenticate(logout.session_token)->principal;
  const http::Response out = call(http::Method::kDelete, logout);
  for (const char* cookie : {"lt_session", http::kSignedInCookie}) {
    EXPECT_NE(cookie_of(out, cookie).find("Max-Age=0"), std::string::npos) << cookie;
    EXPECT_NE(cookie_of(out, cookie).find("; Secure"), std::string::npos) << cookie;
  }
}

INSTANTIATE_TEST_SUITE_P(Databases, ApiSessionTest, ::testing::ValuesIn(testing::TestDatabaseKinds()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace liantiao
