#pragma once

#include <chrono>

#include "services/deps.h"

namespace liantiao::app {

// services::HttpPoster over http::PostOnce: one request on a fresh connection, given
// up after `timeout` (connect, send and read each). Thread-safe: it keeps no state.
class HttpPoster final : public services::HttpPoster {
 public:
  explicit HttpPoster(std::chrono::milliseconds timeout = std::chrono::seconds(5)) : timeout_(timeout) {}
  Result<std::pair<int, std::string>> Post(const std::string& url, const std::string& content_type,
                                           const std::string& body) override;

 private:
  std::chrono::milliseconds timeout_;
};

}  // namespace liantiao::app
