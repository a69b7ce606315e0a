// The HTTP server on its own: a toy router and a fake authenticator on an ephemeral
// port, exercised through the test client over real sockets.
#include "http/server.h"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "http/client.h"
#include "testing/http_client.h"

namespace liantiao::http {
namespace {

namespace fs = std::filesystem;
using testing::HttpClient;
using testing::HttpResponse;
using testing::MultipartFile;

constexpr const char* kGoodToken = "good-token";
constexpr const char* kCsrf = "csrf-123";
constexpr std::size_t kMaxJson = 1024;
constexpr std::size_t kMaxUpload = 64 * 1024;
constexpr std::size_t kMaxUploadFile = 60 * 1024;  // what the upload's body may carry as a file

void WriteFile(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

Result<SessionInfo> FakeAuthenticator(const std::string& token) {
  if (token != kGoodToken) return MakeError(ErrorCode::kUnauthenticated, "会话已失效");
  SessionInfo s;
  s.principal.user_id = 7;
  s.principal.username = "alice";
  s.csrf_token = kCsrf;
  return s;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    // <tmp>/lt_http_<pid>_<n>/{dist,secret.txt}: the secret sits next to the root,
    // where a traversal would find it.
    static int n = 0;
    base_ = fs::temp_directory_path() / ("lt_http_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    WriteFile(base_ / "dist" / "index.html", "<!doctype html><title>index</title>");
    WriteFile(base_ / "dist" / "assets" / "app-1a2b.js", "console.log(1);");
    WriteFile(base_ / "dist" / "logo.svg", "<svg/>");
    WriteFile(base_ / "secret.txt", "TOP-SECRET");

    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.max_json_body = kMaxJson;
    options.max_upload_body = kMaxUpload;
    options.max_upload_file = kMaxUploadFile;
    options.static_dir = (base_ / "dist").string();
    server_ = std::make_unique<Server>(options, BuildRouter(), FakeAuthenticator);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    ASSERT_NE(*port, 0);
    port_ = *port;
  }

  void TearDown() override {
    {
      std::lock_guard lock(mu_);
      for (auto& t : answerers_) t.join();
    }
    if (server_) server_->Stop();
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  Router BuildRouter() {
    Router r;
    r.Add(Method::kGet, "/api/v1/things/:id/items/:item", Access::kPublic, [](Request& req) -> Result<Response> {
      return Response::JsonBody({{"params", req.params}, {"query", req.query}, {"path", req.path}});
    });
    r.Add(Method::kGet, "/api/v1/things", Access::kPublic, [](Request&) -> Result<Response> {
      return Response::JsonBody({{"list", true}});
    });
    r.Add(Method::kGet, "/api/v1/errors/:n", Access::kPublic, [](Request& req) -> Result<Response> {
      return MakeError(static_cast<ErrorCode>(std::stoi(req.params["n"])), "", {{"n", req.params["n"]}});
    });
    r.Add(Method::kGet, "/api/v1/throw", Access::kPublic,
          [](Request&) -> Result<Response> { throw std::runtime_error("boom"); });
    r.Add(Method::kPost, "/api/v1/echo", Access::kPublic, [](Request& req) -> Result<Response> {
      LT_ASSIGN_OR_RETURN(auto body, req.Json());
      return Response::JsonBody({{"echo", body}}, 201);
    });
    r.Add(Method::kPost, "/api/v1/upload", Access::kPublic, [this](Request& req) -> Result<Response> {
      std::lock_guard lock(mu_);
      last_ = req;
      return Response::JsonBody({{"files", req.files.size()}});
    });
    r.Add(Method::kPost, "/api/v1/login", Access::kPublic, [](Request&) -> Result<Response> {
      Response resp = Response::JsonBody({{"csrf_token", kCsrf}});
      resp.headers.emplace_back("Set-Cookie", std::string("lt_session=") + kGoodToken + "; Path=/; HttpOnly");
      return resp;
    });
    auto me = [](Request& req) -> Result<Response> {
      return Response::JsonBody({{"user", req.principal ? req.principal->username : ""},
                                 {"user_id", req.principal ? req.principal->user_id : 0},
                                 {"token", req.session_token}});
    };
    r.Add(Method::kGet, "/api/v1/me", Access::kAuthenticated, me);
    r.Add(Method::kPost, "/api/v1/me", Access::kAuthenticated, me);
    r.Add(Method::kDelete, "/api/v1/me", Access::kAuthenticated, me);
    // Answers from a thread of its own, after the handler returned.
    r.AddAsync(Method::kPost, "/api/v1/later", Access::kPublic, [this](Request& req, Respond respond) {
      std::lock_guard lock(mu_);
      answerers_.emplace_back([body = req.body, respond = std::move(respond)] {
        respond(Response::JsonBody(
            {{"later", body}, {"thread", std::hash<std::thread::id>()(std::this_thread::get_id())}}));
      });
    });
    // Keeps its answer until the test gives it (held_).
    r.AddAsync(Method::kGet, "/api/v1/held", Access::kPublic, [this](Request&, Respond respond) {
      std::lock_guard lock(mu_);
      held_ = std::move(respond);
      held_cv_.notify_all();
    });
    r.AddAsync(Method::kGet, "/api/v1/later/throw", Access::kPublic,
               [](Request&, Respond) { throw std::runtime_error("boom before answering"); });
    r.AddAsync(Method::kGet, "/api/v1/later/answer-then-throw", Access::kPublic, [](Request&, Respond respond) {
      respond(Response::JsonBody({{"answered", true}}));
      throw std::runtime_error("boom after answering");
    });
    return r;
  }

  HttpClient Client() const { return HttpClient(port_); }

  fs::path base_;
  std::unique_ptr<Server> server_;
  unsigned short port_ = 0;
  std::mutex mu_;
  Request last_;
  std::vector<std::thread> answerers_;
  Respond held_;
  std::condition_variable held_cv_;
};

void ExpectErrorJson(const HttpResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");
  const auto j = r.json();
  ASSERT_TRUE(j.is_object()) << r.body;
  ASSERT_TRUE(j.contains("error")) << r.body;
  EXPECT_EQ(j["error"]["code"], code);
  EXPECT_TRUE(j["error"]["message"].is_string());
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  EXPECT_TRUE(j["error"]["details"].is_object());
}

TEST_F(ServerTest, RoutesByPatternWithParams) {
  auto r = Client().Get("/api/v1/things/42/items/hello%20world");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j["params"]["id"], "42");
  EXPECT_EQ(j["params"]["item"], "hello world");
  EXPECT_EQ(j["path"], "/api/v1/things/42/items/hello%20world");
  EXPECT_EQ(Client().Get("/api/v1/things").json()["list"], true);
}

TEST_F(ServerTest, DecodesQuery) {
  auto r = Client().Get("/api/v1/things/1/items/x?q=a+b%20c&city=%E5%B9%BF%E5%B7%9E&empty=&flag");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto q = r.json()["query"];
  EXPECT_EQ(q["q"], "a b c");
  EXPECT_EQ(q["city"], "广州");
  EXPECT_EQ(q["empty"], "");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(r.json()["path"], "/api/v1/things/1/items/x");
}

TEST_F(ServerTest, AQueryNameGivenTwoValuesIsRefused) {
  ExpectErrorJson(Client().Get("/api/v1/things/1/items/x?q=a&city=1&q=b"), 422, "invalid_field");
  EXPECT_EQ(Client().Get("/api/v1/things/1/items/x?q=a&q=b").json()["error"]["details"]["field"], "q");
  auto same = Client().Get("/api/v1/things/1/items/x?q=a&q=a");
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json()["query"]["q"], "a");
}

TEST_F(ServerTest, UnknownApiPathIsNotFoundJson) {
  ExpectErrorJson(Client().Get("/api/v1/nothing-here"), 404, "not_found");
  ExpectErrorJson(Client().Get("/api/v1/things/1/items"), 404, "not_found");
  ExpectErrorJson(Client().Get("/api"), 404, "not_found");
  ExpectErrorJson(Client().Delete("/api/v1/nothing-here"), 404, "not_found");
}

// A path that exists answers another method 405, naming the methods it takes in Allow; a
// method the API takes nowhere (PATCH, OPTIONS) is the same, and is unknown on a path
// no route has. The web app's pages take GET and HEAD.
TEST_F(ServerTest, AKnownPathWithAnotherMethodIsMethodNotAllowed) {
  auto r = Client().Delete("/api/v1/things");
  ExpectErrorJson(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header("allow"), "GET");
  EXPECT_EQ(r.json()["error"]["details"]["allowed"], "GET");
  EXPECT_EQ(r.json()["error"]["details"]["method"], "DELETE");
  ExpectErrorJson(Client().Put("/api/v1/things/1/items/x"), 405, "method_not_allowed");
  for (const char* method : {"PATCH", "OPTIONS"}) {
    auto other = Client().Send(method, "/api/v1/things", "{}", "application/json");
    ExpectErrorJson(other, 405, "method_not_allowed");
    EXPECT_EQ(other.header("allow"), "GET") << method;
    EXPECT_EQ(other.json()["error"]["details"]["method"], method);
    ExpectErrorJson(Client().Send(method, "/api/v1/nothing-here", "{}", "application/json"), 404, "not_found");
    auto page = Client().Send(method, "/index.html", "", "text/plain");
    ExpectErrorJson(page, 405, "method_not_allowed");
    EXPECT_EQ(page.header("allow"), "GET, HEAD") << method;
    auto sandbox = Client().Send(method, "/sandbox/440100/open.api", "", "application/x-www-form-urlencoded");
    ExpectErrorJson(sandbox, 405, "method_not_allowed");
    EXPECT_EQ(sandbox.header("allow"), "POST, GET") << method;
  }
}

TEST_F(ServerTest, EveryErrorCodeMapsToItsCategoryStatus) {
  const std::map<ErrorCategory, int> expected = {
      {ErrorCategory::kInvalidInput, 400}, {ErrorCategory::kUnauthenticated, 401},  {ErrorCategory::kForbidden, 403},
      {ErrorCategory::kNotFound, 404},     {ErrorCategory::kMethodNotAllowed, 405}, {ErrorCategory::kConflict, 409},
      {ErrorCategory::kTooLarge, 413},     {ErrorCategory::kUnprocessable, 422},    {ErrorCategory::kRateLimited, 429},
      {ErrorCategory::kUnavailable, 503},  {ErrorCategory::kInternal, 500}};
  std::set<ErrorCategory> seen;
  for (int n = 0; n <= static_cast<int>(ErrorCode::kInternal); ++n) {
    const auto code = static_cast<ErrorCode>(n);
    SCOPED_TRACE(std::string(CodeWordOf(code)));
    const auto r = Client().Get("/api/v1/errors/" + std::to_string(n));
    ExpectErrorJson(r, expected.at(CategoryOf(code)), std::string(CodeWordOf(code)));
    EXPECT_EQ(r.json()["error"]["message"], std::string(DefaultMessageOf(code)));
    EXPECT_EQ(r.json()["error"]["details"]["n"], std::to_string(n));
    EXPECT_EQ(StatusOf(CategoryOf(code)), expected.at(CategoryOf(code)));
    seen.insert(CategoryOf(code));
  }
  EXPECT_EQ(seen.size(), expected.size()) << "a category has no code to test it with";
}

TEST_F(ServerTest, HandlerExceptionIs500Json) {
  ExpectErrorJson(Client().Get("/api/v1/throw"), 500, "internal");
  // The server is still there.
  EXPECT_EQ(Client().Get("/api/v1/things").status, 200);
}

TEST_F(ServerTest, AsyncHandlersAnswerFromAnotherThreadOnce) {
  HttpClient client = Client();
  for (int i = 0; i < 3; ++i) {  // the same keep-alive connection, one answer each
    auto r = client.Post("/api/v1/later", {{"n", i}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(nlohmann::json::parse(r.json()["later"].get<std::string>())["n"], i);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  }
  // Thrown before answering: the server answers 500 for it; after answering: the
  // answer stands and nothing more is sent.
  ExpectErrorJson(client.Get("/api/v1/later/throw"), 500, "internal");
  auto answered = client.Get("/api/v1/later/answer-then-throw");
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(answered.json()["answered"], true);
  EXPECT_EQ(client.Get("/api/v1/things").status, 200);
}

TEST_F(ServerTest, StopDeliversTheAnswersAsynchronousHandlersStillOwe) {
  HttpResponse got;
  std::thread client([&] { got = Client().Get("/api/v1/held"); });
  {
    std::unique_lock lock(mu_);
    held_cv_.wait(lock, [&] { return static_cast<bool>(held_); });
  }
  std::thread stopper([&] { server_->Stop(); });
  while (!server_->stopping()) std::this_thread::yield();
  Respond respond;
  {
    std::lock_guard lock(mu_);
    respond = std::move(held_);
  }
  respond(Response::JsonBody({{"held", "answered"}}));
  stopper.join();
  client.join();
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json()["held"], "answered");
}

TEST_F(ServerTest, AnAnswerIsOwedUntilTheHandlerLetsGoOfItsRespond) {
  // A handler's Respond holds the connection: one answered from a work pool's thread,
  // whose task is destroyed only after the answer may have been written, must be gone
  // before Stop ends RESTinio, or the connection outlives the server it reports to.
  HttpResponse got;
  std::thread client([&] { got = Client().Get("/api/v1/held"); });
  Respond kept;
  {
    std::unique_lock lock(mu_);
    held_cv_.wait(lock, [&] { return static_cast<bool>(held_); });
    kept = held_;  // a copy stays with the "task" after the answer
  }
  {
    Respond respond;
    {
      std::lock_guard lock(mu_);
      respond = std::move(held_);
    }
    respond(Response::JsonBody({{"held", "answered"}}));
  }
  client.join();
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(server_->answers_owed(), 1) << "written, but a copy of its Respond is still held";
  std::thread stopper([&] { server_->Stop(); });
  while (!server_->stopping()) std::this_thread::yield();
  kept = nullptr;
  stopper.join();
  EXPECT_EQ(server_->answers_owed(), 0);
}

TEST_F(ServerTest, JsonBodyRoundTripAndMalformedJson) {
  auto r = Client().Post("/api/v1/echo", {{"name", "张三"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["echo"]["name"], "张三");
  ExpectErrorJson(Client().Send("POST", "/api/v1/echo", "{nope", "application/json"), 400, "malformed_json");
  ExpectErrorJson(Client().Send("POST", "/api/v1/echo", "[1]", "application/json"), 400, "malformed_json");
  // The client's shorthands: a raw body and the error code of an error body.
  auto raw = Client().PostRaw("/api/v1/echo", "{bad", "application/json");
  EXPECT_EQ(raw.error_code(), "malformed_json");
  EXPECT_EQ(r.error_code(), "");
}

TEST_F(ServerTest, DeeplyNestedJsonIsRefusedBeforeAnythingRecursesOverIt) {
  // Copying or dumping a value recurses once per level: 400 levels fit the test's 1 KiB
  // limit and would pass the parser, and a megabyte of them exhausted a thread's stack.
  std::string deep;
  for (int i = 0; i < 400; ++i) deep += "[";
  for (int i = 0; i < 400; ++i) deep += "]";
  auto r = Client().Send("POST", "/api/v1/echo", R"({"a":)" + deep + "}", "application/json");
  ExpectErrorJson(r, 400, "malformed_json");
  EXPECT_EQ(r.json()["error"]["details"]["max_depth"], 32);
  EXPECT_EQ(Client().Post("/api/v1/echo", {{"a", {{"b", {1, 2}}}}}).status, 201);
}

TEST_F(ServerTest, BodyOverLimitIs413) {
  const std::string big(kMaxJson + 10, 'x');
  auto r = Client().Post("/api/v1/echo", {{"pad", big}});
  ExpectErrorJson(r, 413, "payload_too_large");
  EXPECT_EQ(r.json()["error"]["details"]["max_bytes"], kMaxJson);

  MultipartFile file{"file", "big.bin", "application/octet-stream", std::string(kMaxUpload + 100, 'y')};
  auto upload = Client().PostMultipart("/api/v1/upload", {}, {file});
  ExpectErrorJson(upload, 413, "payload_too_large");
  EXPECT_EQ(upload.json()["error"]["details"]["max_bytes"], kMaxUploadFile);
}

TEST_F(ServerTest, HugeBodyIsRefusedWithoutHanging) {
  // Far beyond every limit: RESTinio refuses it from the Content-Length alone and
  // closes the connection (no status), or the server answers 413; either way the
  // client gets its answer and the server keeps serving.
  const std::string huge(4u << 20, 'z');
  auto r = Client().Send("POST", "/api/v1/echo", huge, "application/json");
  EXPECT_TRUE(r.status == 0 || r.status == 413) << r.status;
  EXPECT_EQ(Client().Get("/api/v1/things").status, 200);
}

TEST_F(ServerTest, ParsesMultipartFieldsAndBinaryFiles) {
  std::string bytes;
  for (int i = 0; i < 512; ++i) bytes += static_cast<char>(i % 256);
  bytes += std::string(3, '\0') + "\r\n--not-a-boundary\r\n" + std::string(2, '\0');
  MultipartFile file{"attachment", "报告.pdf", "application/pdf", bytes};
  MultipartFile second{"other", "empty.txt", "text/plain", ""};
  auto r = Client().PostMultipart("/api/v1/upload", {{"title", "联调报告"}, {"note", "a b"}}, {file, second});
  ASSERT_EQ(r.status, 200) << r.body;
  std::lock_guard lock(mu_);
  EXPECT_EQ(last_.form["title"], "联调报告");
  EXPECT_EQ(last_.form["note"], "a b");
  ASSERT_EQ(last_.files.size(), 2u);
  EXPECT_EQ(last_.files[0].field, "attachment");
  EXPECT_EQ(last_.files[0].filename, "报告.pdf");
  EXPECT_EQ(last_.files[0].content_type, "application/pdf");
  EXPECT_EQ(last_.files[0].data.size(), bytes.size());
  EXPECT_TRUE(last_.files[0].data == bytes) << "file bytes differ";
  EXPECT_EQ(last_.files[1].filename, "empty.txt");
  EXPECT_EQ(last_.files[1].data, "");
  EXPECT_EQ(last_.headers.count("content-type"), 1u);  // lower-cased names
  EXPECT_FALSE(last_.remote_ip.empty());
}

TEST_F(ServerTest, MalformedMultipartIsRejected) {
  auto r = Client().Send("POST", "/api/v1/upload", "this is not multipart", "multipart/form-data; boundary=abc");
  ExpectErrorJson(r, 422, "invalid_field");
  ExpectErrorJson(Client().Send("POST", "/api/v1/upload", "--x\r\n\r\n", "multipart/form-data"), 422, "invalid_field");
}

// A file name with a bare quote or a line break (browsers send both percent-encoded) makes
// its part unreadable: the request is refused as malformed, not as missing the file it
// carries. A quote escaped as a quoted-string allows is read.
TEST_F(ServerTest, APartWhoseFileNameDoesNotParseIsRefusedAsMalformed) {
  const auto body = [](const std::string& disposition) {
    return "--b1\r\nContent-Disposition: form-data; name=\"attachment\"; " + disposition +
           "\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--b1--\r\n";
  };
  for (const std::string bad : {"filename=\"a\"b.pdf\"", "filename=\"a\r\nb.pdf\""}) {
    auto r = Client().Send("POST", "/api/v1/upload", body(bad), "multipart/form-data; boundary=b1");
    ExpectErrorJson(r, 422, "invalid_field");
  }
  auto escaped =
      Client().Send("POST", "/api/v1/upload", body("filename=\"a\\\"b.pdf\""), "multipart/form-data; boundary=b1");
  ASSERT_EQ(escaped.status, 200) << escaped.body;
  std::lock_guard lock(mu_);
  ASSERT_EQ(last_.files.size(), 1u);
  EXPECT_EQ(last_.files[0].filename, "a\"b.pdf");
}

// Behind a proxy that trusted_proxies does not name, the server says once that the
// forwarded address is not believed: the operator learns why every client behind it
// shares the login and sign-up limits, and the log is not flooded.
TEST_F(ServerTest, AForwardedAddressNotBelievedIsWarnedOfOnce) {
  std::ostringstream out;
  {
    // The server's log goes to `out` for the block, whatever leaves it: `out` must not
    // outlive the logger that writes to it.
    struct Capture {
      std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
      explicit Capture(std::ostream& to) {
        auto capture =
            std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(to));
        capture->set_level(spdlog::level::warn);
        spdlog::set_default_logger(capture);
      }
      ~Capture() { spdlog::set_default_logger(previous); }
    } capture(out);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(Client().Get("/api/v1/things", {{"X-Forwarded-For", "203.0.113.5"}}).status, 200);
    }
    EXPECT_EQ(Client().Get("/api/v1/things").status, 200);
    // Stopped before the capture ends: a server thread may still be writing an answer's
    // log line, and putting the logger back frees the capturing one.
    server_->Stop();
  }
  const std::string log = out.str();
  const auto first = log.find("is not believed");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("is not believed", first + 1), std::string::npos) << log;
  EXPECT_NE(log.find("trusted_proxies"), std::string::npos);
}

TEST_F(ServerTest, BearerTokenAuthenticatesWithoutCsrf) {
  const HttpClient::Headers bearer = {{"Authorization", std::string("Bearer ") + kGoodToken}};
  auto r = Client().Get("/api/v1/me", bearer);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["user"], "alice");
  EXPECT_EQ(r.json()["user_id"], 7);
  EXPECT_EQ(r.json()["token"], kGoodToken);
  EXPECT_EQ(Client().Post("/api/v1/me", {}, bearer).status, 200);
  EXPECT_EQ(Client().Delete("/api/v1/me", bearer).status, 200);
}

TEST_F(ServerTest, MissingOrBadTokenIs401) {
  ExpectErrorJson(Client().Get("/api/v1/me"), 401, "unauthenticated");
  ExpectErrorJson(Client().Get("/api/v1/me", {{"Authorization", "Bearer wrong"}}), 401, "unauthenticated");
  ExpectErrorJson(Client().Get("/api/v1/me", {{"Cookie", "lt_session=wrong"}}), 401, "unauthenticated");
  ExpectErrorJson(Client().Get("/api/v1/me", {{"Cookie", "other=good-token"}}), 401, "unauthenticated");
}

TEST_F(ServerTest, CookieAuthNeedsCsrfOnUnsafeMethods) {
  const std::string cookie = std::string("theme=dark; lt_session=") + kGoodToken;
  EXPECT_EQ(Client().Get("/api/v1/me", {{"Cookie", cookie}}).status, 200);
  ExpectErrorJson(Client().Post("/api/v1/me", {}, {{"Cookie", cookie}}), 403, "csrf_mismatch");
  ExpectErrorJson(Client().Delete("/api/v1/me", {{"Cookie", cookie}}), 403, "csrf_mismatch");
  ExpectErrorJson(Client().Post("/api/v1/me", {}, {{"Cookie", cookie}, {"X-CSRF-Token", "csrf-12"}}), 403,
                  "csrf_mismatch");
  auto ok = Client().Post("/api/v1/me", {}, {{"Cookie", cookie}, {"X-CSRF-Token", kCsrf}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["token"], kGoodToken);
}

TEST_F(ServerTest, ClientKeepsCookiesLikeABrowser) {
  HttpClient browser = Client();
  browser.EnableCookies();
  auto login = browser.Post("/api/v1/login");
  ASSERT_EQ(login.status, 200);
  EXPECT_EQ(browser.Cookie("lt_session"), kGoodToken);
  EXPECT_EQ(browser.Get("/api/v1/me").status, 200);
  EXPECT_EQ(browser.Post("/api/v1/me").status, 403);
  browser.SetDefaultHeader("X-CSRF-Token", login.json()["csrf_token"].get<std::string>());
  EXPECT_EQ(browser.Post("/api/v1/me").status, 200);
  // Without cookies the same client is anonymous; with a Bearer token it is not.
  HttpClient plain = Client();
  plain.UseCookies(false);
  EXPECT_EQ(plain.Get("/api/v1/me").error_code(), "unauthenticated");
  plain.SetBearer(kGoodToken);
  EXPECT_EQ(plain.Post("/api/v1/me").status, 200);
  plain.SetBearer("");
  EXPECT_EQ(plain.Get("/api/v1/me").status, 401);
}

TEST_F(ServerTest, SecurityHeadersOnEveryResponse) {
  for (const auto& path : {"/api/v1/things", "/api/v1/nothing", "/", "/assets/app-1a2b.js"}) {
    SCOPED_TRACE(path);
    auto r = Client().Get(path);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("x-frame-options"), "DENY");
    EXPECT_EQ(r.header("referrer-policy"), "same-origin");
  }
  EXPECT_EQ(Client().Get("/api/v1/things").header("cache-control"), "no-store");
}

TEST_F(ServerTest, ServesStaticFilesWithTypesAndCaching) {
  auto index = Client().Get("/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>index</title>");
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("cache-control"), "no-cache");
  const std::string csp = index.header("content-security-policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("object-src 'none'"), std::string::npos) << csp;

  auto js = Client().Get("/assets/app-1a2b.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1);");
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(js.header("cache-control").find("max-age="), std::string::npos);

  auto svg = Client().Get("/logo.svg");
  EXPECT_EQ(svg.header("content-type"), "image/svg+xml");
  EXPECT_EQ(svg.body, "<svg/>");

  // A stale hashed asset is a 404, not index.html under a year-long cache.
  EXPECT_EQ(Client().Get("/assets/gone-9z.js").status, 404);
}

TEST_F(ServerTest, DeepLinksFallBackToIndex) {
  for (const auto& path : {"/applications/12", "/applications/12?tab=history", "/login"}) {
    SCOPED_TRACE(path);
    auto r = Client().Get(path);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "<!doctype html><title>index</title>");
    EXPECT_EQ(r.header("cache-control"), "no-cache");
  }
}

TEST_F(ServerTest, PathTraversalIsNotServed) {
  for (const auto& path : {"/../secret.txt", "/../etc/passwd", "/%2e%2e/secret.txt", "/%2e%2e/etc/passwd",
                           "/assets/../../secret.txt", "/..%2fsecret.txt"}) {
    SCOPED_TRACE(path);
    auto r = Client().Get(path);
    EXPECT_EQ(r.body.find("TOP-SECRET"), std::string::npos);
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
    EXPECT_NE(r.status, 200);
  }
}

TEST(ServerNoStaticTest, NonApiPathIs404JsonWithoutStaticDir) {
  Server server(ServerOptions{.port = 0, .threads = 1}, Router{}, FakeAuthenticator);
  auto port = server.Start();
  ASSERT_TRUE(port.ok());
  ExpectErrorJson(HttpClient(*port).Get("/"), 404, "not_found");
  ExpectErrorJson(HttpClient(*port).Get("/applications/1"), 404, "not_found");
}

TEST(ServerLifecycleTest, TheBoundPortIsGivenBeforeTheFirstConnection) {
  std::atomic<unsigned short> bound{0};
  std::atomic<int> seen_by_handler{-1};
  Router router;
  router.Add(Method::kGet, "/api/v1/port", Access::kPublic, [&](Request&) -> Result<Response> {
    seen_by_handler = bound.load();
    return Response::JsonBody({});
  });
  Server server(ServerOptions{.port = 0, .threads = 1, .on_bound = [&](unsigned short p) { bound = p; }},
                std::move(router), FakeAuthenticator);
  auto port = server.Start();
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(bound.load(), *port);
  EXPECT_EQ(HttpClient(*port).Get("/api/v1/port").status, 200);
  EXPECT_EQ(seen_by_handler.load(), *port);
  server.Stop();
}

// What serve does on SIGTERM before stopping: the requests already sent are answered,
// the one a thread handles and the one waiting for that thread alike.
TEST(ServerLifecycleTest, DrainAnswersTheRequestsAlreadySent) {
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> finished{0};
  Router router;
  router.Add(Method::kGet, "/api/v1/slow", Access::kPublic, [&](Request& req) -> Result<Response> {
    if (req.query["first"] == "1") {
      entered.set_value();
      released.wait();
    }
    ++finished;
    return Response::JsonBody({{"ok", true}});
  });
  Server server(ServerOptions{.port = 0, .threads = 1}, std::move(router), FakeAuthenticator);
  auto port = server.Start();
  ASSERT_TRUE(port.ok());
  HttpResponse first, second;
  std::thread a([&] { first = HttpClient(*port).Get("/api/v1/slow?first=1"); });
  entered.get_future().wait();
  // The one thread is busy: this request waits for it.
  std::thread b([&] { second = HttpClient(*port).Get("/api/v1/slow"); });
  int finished_when_drained = -1;
  std::thread drainer([&] {
    server.Drain(std::chrono::milliseconds(100), std::chrono::seconds(10));
    finished_when_drained = finished.load();
  });
  release.set_value();
  drainer.join();
  EXPECT_EQ(finished_when_drained, 2);
  a.join();
  b.join();
  server.Stop();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
}

TEST(ServerLifecycleTest, StopWakesWaitAndBusyPortFails) {
  Server server(ServerOptions{.port = 0, .threads = 1}, Router{}, FakeAuthenticator);
  auto port = server.Start();
  ASSERT_TRUE(port.ok());

  Server clash(ServerOptions{.port = *port, .threads = 1}, Router{}, FakeAuthenticator);
  auto second = clash.Start();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConfigError);

  std::thread waiter([&] { server.Wait(); });
  server.Stop();
  waiter.join();
  server.Wait();  // already stopped: returns at once
  EXPECT_EQ(HttpClient(*port).Get("/api/v1/x").status, 0);
}

// A router whose one route answers the client's address as the server resolved it.
Router WhoRouter() {
  Router r;
  r.Add(Method::kGet, "/api/v1/who", Access::kPublic, [](Request& req) -> Result<Response> {
    return Response::JsonBody({{"client", req.client_ip}, {"peer", req.remote_ip}});
  });
  return r;
}

TEST(ServerLimitsTest, AClientBeyondItsShareOfConnectionsIsClosedUntilOneOfItsOwnCloses) {
  Server server(ServerOptions{.port = 0, .threads = 1, .max_connections_per_client = 2}, WhoRouter(),
                FakeAuthenticator);
  auto port = server.Start();
  ASSERT_TRUE(port.ok());
  auto a = std::make_unique<HttpConnection>("127.0.0.1", *port);
  HttpConnection b("127.0.0.1", *port), c("127.0.0.1", *port);
  ASSERT_TRUE(a->Get("/api/v1/who").ok());
  ASSERT_TRUE(b.Get("/api/v1/who").ok());  // both kept alive
  auto third = c.Get("/api/v1/who");
  EXPECT_FALSE(third.ok()) << "a third connection from 127.0.0.1 is closed unanswered";
  EXPECT_TRUE(b.Get("/api/v1/who").ok()) << "the open ones go on";
  a.reset();  // one of them closes: its slot is free once the server has seen it close
  bool answered = false;
  for (int attempt = 0; attempt < 1000 && !answered; ++attempt) answered = c.Get("/api/v1/who").ok();
  EXPECT_TRUE(answered);
  server.Stop();
}

TEST(ServerLimitsTest, ConnectionsBeyondTheLimitWaitForOneToClose) {
  Server server(ServerOptions{.port = 0, .threads = 1, .max_connections = 1}, WhoRouter(), FakeAuthenticator);
  auto port = server.Start();
  ASSERT_TRUE(port.ok());
  auto first = std::make_unique<HttpConnection>("127.0.0.1", *port);
  ASSERT_TRUE(first->Get("/api/v1/who").ok());
  // Not accepted while the first is open: no answer (nothing closes it either).
  HttpConnection waiting("127.0.0.1", *port, std::chrono::milliseconds(500));
  EXPECT_FALSE(waiting.Get("/api/v1/who").ok());
  first.reset();
  auto later = waiting.Get("/api/v1/who");
  ASSERT_TRUE(later.ok()) << later.error().message;
  EXPECT_EQ(later->status, 200);
  server.Stop();
}

// Stop with connections still open: each lives on in a handler queued on the io_context
// (a keep-alive read waiting for the next request) and, when destroyed, reaches into the
// acceptor's connection-count limiter. They must go while the acceptor is there: freed
// after it, they are a use-after-free that the sanitizer presets (debug, tsan) report for
// this test; here it checks that Stop ends them and returns.
TEST(ServerLimitsTest, StopEndsTheConnectionsStillOpenBeforeTheAcceptorGoes) {
  Server server(ServerOptions{.port = 0, .threads = 2, .max_connections = 8}, WhoRouter(), FakeAuthenticator);
  auto port = server.Start();
  ASSERT_TRUE(port.ok());
  std::vector<std::unique_ptr<HttpConnection>> open;
  for (int i = 0; i < 4; ++i) {
    open.push_back(std::make_unique<HttpConnection>("127.0.0.1", *port, std::chrono::milliseconds(500)));
    ASSERT_TRUE(open.back()->Get("/api/v1/who").ok());  // kept alive, waiting for more
  }
  server.Stop();
  for (auto& c : open) EXPECT_FALSE(c->Get("/api/v1/who").ok()) << "closed with the server";
}

TEST(ServerLimitsTest, TheClientIsTheForwardedAddressOnlyBehindATrustedProxy) {
  auto who = [](unsigned short port, const HttpClient::Headers& headers) {
    return HttpClient(port).Get("/api/v1/who", headers).json()["client"];
  };
  Server plain(ServerOptions{.port = 0, .threads = 1}, WhoRouter(), FakeAuthenticator);
  auto plain_port = plain.Start();
  ASSERT_TRUE(plain_port.ok());
  EXPECT_EQ(who(*plain_port, {{"X-Forwarded-For", "203.0.113.7"}}), "127.0.0.1");
  plain.Stop();

  Server proxied(ServerOptions{.port = 0, .threads = 1, .trusted_proxies = *TrustedProxies::Parse("127.0.0.0/8")},
                 WhoRouter(), FakeAuthenticator);
  auto port = proxied.Start();
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(who(*port, {{"X-Forwarded-For", "203.0.113.7"}}), "203.0.113.7");
  EXPECT_EQ(who(*port, {}), "127.0.0.1");
  // Two header lines are one list: the right-most untrusted entry is in the second.
  EXPECT_EQ(who(*port, {{"X-Forwarded-For", "198.51.100.1"}, {"X-Forwarded-For", "203.0.113.7, 127.0.0.2"}}),
            "203.0.113.7");
  proxied.Stop();
}

}  // namespace
}  // namespace liantiao::http
