// app::HttpPoster: the probes' POST over http and https, with the certificate checked.
#include "app/http_poster.h"

#include <gtest/gtest.h>

#include "http/server.h"
#include "testing/must.h"
#include "testing/tls_server.h"

namespace liantiao::app {
namespace {

using testing::Must;

constexpr const char* kForm = "application/x-www-form-urlencoded; charset=UTF-8";

TEST(HttpPoster, PostsOverHttpsToAServerItsCaFileTrusts) {
  std::string seen_target, seen_body;
  testing::TlsServer server([&](const std::string& target, const std::string& body) {
    seen_target = target;
    seen_body = body;
    return std::string(R"({"code":"0","message":"成功"})");
  });
  HttpPoster poster(std::chrono::seconds(5), server.certificate_file());
  auto [status, body, elapsed_us] = Must(
      poster.Post("https://127.0.0.1:" + std::to_string(server.port()) + "/api/open.api", kForm, "a=1&b=%E4%B8%AD"));
  EXPECT_EQ(status, 200);
  EXPECT_GT(elapsed_us, 0) << "the exchange's time, for the probe's evidence";
  EXPECT_EQ(body, R"({"code":"0","message":"成功"})");
  EXPECT_EQ(seen_target, "/api/open.api");
  EXPECT_EQ(seen_body, "a=1&b=%E4%B8%AD");
  EXPECT_EQ(server.requests(), 1);
}

TEST(HttpPoster, AnHttpsServerNobodyVouchesForIsNotSentTheRequest) {
  testing::TlsServer server([](const std::string&, const std::string&) { return std::string("{}"); });
  HttpPoster poster(std::chrono::seconds(5));  // the system's CA store: the test's CA is not in it
  auto r = poster.Post("https://127.0.0.1:" + std::to_string(server.port()) + "/open.api", kForm, "a=1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("服务器证书校验失败", 0), 0u) << r.error().message;
  EXPECT_EQ(server.requests(), 0);  // the form (a signed request) never left
}

TEST(HttpPoster, PostsOverPlainHttpAndReportsWhatFailed) {
  http::Router router;
  router.Add(
      http::Method::kPost, "/api/echo", http::Access::kPublic,
      [](http::Request& req) -> Result<http::Response> {
        http::Response r;
        r.status = 201;
        r.body = req.body;
        return r;
      },
      64 << 10);
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 1;
  http::Server server(options, std::move(router), [](const std::string&) {
    return Result<http::SessionInfo>(MakeError(ErrorCode::kUnauthenticated));
  });
  const unsigned short port = Must(server.Start());
  HttpPoster poster(std::chrono::seconds(5));
  auto [status, body, elapsed_us] =
      Must(poster.Post("http://127.0.0.1:" + std::to_string(port) + "/api/echo", kForm, "x=1"));
  EXPECT_GT(elapsed_us, 0);
  EXPECT_EQ(status, 201);
  EXPECT_EQ(body, "x=1");
  server.Stop();

  // Nothing listens on port 1.
  auto refused = poster.Post("http://127.0.0.1:1/api/echo", kForm, "x=1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message.rfind("无法连接", 0), 0u) << refused.error().message;
  EXPECT_TRUE(refused.error().details.contains("elapsed_us")) << refused.error().details.dump();
  // Only http and https: a city's address in another scheme is not fetched.
  auto ftp = poster.Post("ftp://127.0.0.1/api/echo", kForm, "x=1");
  ASSERT_FALSE(ftp.ok());
  EXPECT_EQ(ftp.error().message.rfind("地址的协议不受支持", 0), 0u) << ftp.error().message;
}

}  // namespace
}  // namespace liantiao::app
