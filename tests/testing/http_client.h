#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace liantiao::testing {

// What the server answered. status is 0 when the exchange failed at the socket level
// (connection refused or closed before a status line); body then says why.
struct HttpResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;

  // The body as JSON; a discarded value when it is not JSON, so a test's
  // expectation fails instead of the test throwing.
  nlohmann::json json() const;
  // The first value of a header (name in any case); empty when absent.
  std::string header(const std::string& name) const;
  // json()["error"]["code"], or "" when the body is not an error.
  std::string error_code() const;
};

// A file part of a multipart/form-data request.
struct MultipartFile {
  std::string field;
  std::string filename;
  std::string content_type = "application/octet-stream";
  std::string data;  // any bytes, zeros included
};

// A small blocking HTTP/1.1 client over a plain POSIX socket for the API tests: one
// connection per request (Connection: close), nothing beyond libc. With cookies
// enabled it keeps Set-Cookie values and sends them back like a browser (no domain or
// path scoping: every test talks to one server).
class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  using Response = HttpResponse;

  explicit HttpClient(unsigned short port, std::string host = "127.0.0.1");

  HttpResponse Get(const std::string& path, const Headers& headers = {});
  HttpResponse Post(const std::string& path, const nlohmann::json& body = nlohmann::json::object(),
                    const Headers& headers = {});
  HttpResponse Put(const std::string& path, const nlohmann::json& body = nlohmann::json::object(),
                   const Headers& headers = {});
  HttpResponse Delete(const std::string& path, const Headers& headers = {});
  HttpResponse PostMultipart(const std::string& path, const std::map<std::string, std::string>& fields,
                             const std::vector<MultipartFile>& files, const Headers& headers = {});
  // Any method and raw body; the path is sent exactly as given (no normalisation),
  // which the traversal tests rely on.
  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& content_type, const Headers& headers = {});

  // A raw body with its content type (POST).
  HttpResponse PostRaw(const std::string& path, const std::string& body, const std::string& content_type,
                       const Headers& headers = {});

  // "Authorization: Bearer <token>" on every request; an empty token removes it.
  void SetBearer(const std::string& token) {
    SetDefaultHeader("Authorization", token.empty() ? "" : "Bearer " + token);
  }
  void UseCookies(bool on) { EnableCookies(on); }
  void SetHeader(const std::string& name, const std::string& value) { SetDefaultHeader(name, value); }
  // POST /api/v1/session; on success sets the bearer token and returns it, else "".
  std::string Login(const std::string& username, const std::string& password);

  // Remember Set-Cookie values and send them back on later requests.
  void EnableCookies(bool on = true) { keep_cookies_ = on; }
  void ClearCookies() { cookies_.clear(); }
  std::string Cookie(const std::string& name) const;
  void SetCookie(const std::string& name, const std::string& value) { cookies_[name] = value; }

  // Headers sent with every request (e.g. "Authorization" or "X-CSRF-Token");
  // an empty value removes one.
  void SetDefaultHeader(const std::string& name, const std::string& value);

  unsigned short port() const { return port_; }

 private:
  void RememberCookies(const HttpResponse& response);

  std::string host_;
  unsigned short port_;
  bool keep_cookies_ = false;
  std::map<std::string, std::string> cookies_;
  Headers default_headers_;
};

}  // namespace liantiao::testing
