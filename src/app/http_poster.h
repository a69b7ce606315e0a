#pragma once

#include <chrono>
#include <string>

#include "services/deps.h"

namespace liantiao::app {

// services::HttpPoster over libcurl: one POST on a fresh connection to an http:// or
// https:// URL, given up after `timeout` in all. An https peer's certificate is checked
// against the system's CA store (Debian's ca-certificates), or against `ca_file` (PEM)
// when one is given: a province's network often runs a CA of its own. Redirects are not
// followed (a probe judges the address the city configured), and only http and https are
// spoken. Thread-safe: every call has its own handle.
//
// libcurl rather than http::HttpConnection (which the device simulator and the load
// generator keep): a city's test environment is reached over TLS, whose certificate
// checks are not code to write again.
class HttpPoster final : public services::HttpPoster {
 public:
  explicit HttpPoster(std::chrono::milliseconds timeout = std::chrono::seconds(5), std::string ca_file = "");
  Result<services::PostAnswer> Post(const std::string& url, const std::string& content_type,
                                    const std::string& body) override;

 private:
  std::chrono::milliseconds timeout_;
  std::string ca_file_;
};

}  // namespace liantiao::app
