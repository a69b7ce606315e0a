#include "app/http_poster.h"

#include "http/client.h"

namespace liantiao::app {

Result<std::pair<int, std::string>> HttpPoster::Post(const std::string& url, const std::string& content_type,
                                                     const std::string& body) {
  LT_ASSIGN_OR_RETURN(http::ClientResponse r, http::PostOnce(url, content_type, body, timeout_));
  return std::pair<int, std::string>{r.status, std::move(r.body)};
}

}  // namespace liantiao::app
