#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace liantiao::http {

// "http://host:port/path" → its parts. Only plain http: the device simulator and the
// load generator reach the sandbox (behind a TLS proxy, the proxy's plain side). Probes of
// cities' own test environments, which may be https, go through libcurl (app::HttpPoster).
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

// The bytes of one HTTP/1.1 request on a kept-alive connection; a request other than
// GET carries `body` with its Content-Type and Content-Length.
std::string FormatRequest(std::string_view method, const std::string& host, unsigned short port,
                          const std::string& target, const std::string& content_type = "",
                          const std::string& body = "");

// The head of an HTTP/1.1 response (header names compared case-insensitively).
struct ResponseHead {
  int status = 0;
  std::string content_type;
  std::optional<std::size_t> length;  // Content-Length
  bool chunked = false;               // Transfer-Encoding: chunked
  bool close = false;                 // Connection: close
  std::size_t size = 0;               // bytes of the head, its blank line included
};
// The head at the start of `buffer`: nullopt while its blank line has not arrived, an
// error when what arrived is not an HTTP response. HttpConnection reads with it, and so
// does the sandbox benchmark's load generator, which drives its sockets itself.
Result<std::optional<ResponseHead>> ParseResponseHead(std::string_view buffer);

// One HTTP/1.1 connection kept alive across requests (the device simulator and the
// load generator send many requests over one). Not thread-safe: one per thread.
// A failed exchange closes the connection; the next request reconnects.
//
// Why not libcurl, which the probes use (app::HttpPoster): the benchmark's load
// generator shares the two cores with the server it measures, so it drives its sockets
// from one epoll loop with requests signed before the run and needs the framing as plain
// functions over its own buffers (FormatRequest, ParseResponseHead), not a transfer handle
// per request. The simulator is the same client sending one request at a time, so both
// speak HTTP through the same tested code. The subset is small: plain http (a TLS proxy's
// plain side), Content-Length or chunked answers, keep-alive (tests/http/client_test.cc).
class HttpConnection {
 public:
  HttpConnection(std::string host, unsigned short port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Connection refused, timeout or a malformed answer → kInternal with the reason.
  Result<ClientResponse> Post(const std::string& target, const std::string& content_type, const std::string& body);
  Result<ClientResponse> Get(const std::string& target);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace liantiao::http
