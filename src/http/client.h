#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/result.h"

namespace liantiao::http {

// "http://host:port/path" → its parts. Only plain http: the sandbox and the city test
// environments the platform probes are reached inside the province's network.
struct Url {
  std::string host;
  unsigned short port = 80;
  std::string target = "/";
};
Result<Url> ParseUrl(std::string_view url);

struct ClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// One HTTP/1.1 connection kept alive across requests (the device simulator and the
// load generator send many requests over one). Not thread-safe: one per thread.
// A failed exchange closes the connection; the next request reconnects.
class HttpConnection {
 public:
  HttpConnection(std::string host, unsigned short port,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Connection refused, timeout or a malformed answer → kInternal with the reason.
  Result<ClientResponse> Post(const std::string& target, const std::string& content_type,
                              const std::string& body);
  Result<ClientResponse> Get(const std::string& target);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A single request on a fresh connection.
Result<ClientResponse> PostOnce(const std::string& url, const std::string& content_type, const std::string& body,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace liantiao::http
