#include <algorithm>

#include "core/json_text.h"
#include "http/server.h"

namespace liantiao::http {

int StatusOf(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::kInvalidInput:
      return 400;
    case ErrorCategory::kUnauthenticated:
      return 401;
    case ErrorCategory::kForbidden:
      return 403;
    case ErrorCategory::kNotFound:
      return 404;
    case ErrorCategory::kMethodNotAllowed:
      return 405;
    case ErrorCategory::kConflict:
      return 409;
    case ErrorCategory::kTooLarge:
      return 413;
    case ErrorCategory::kUnprocessable:
      return 422;
    case ErrorCategory::kRateLimited:
      return 429;
    case ErrorCategory::kInternal:
      return 500;
    case ErrorCategory::kUnavailable:
      return 503;
  }
  return 500;
}

Result<nlohmann::json> Request::Json() const {
  if (JsonNestingDepth(body) > kMaxJsonDepth) {
    return MakeError(ErrorCode::kMalformedJson, "请求体嵌套层数过多（最多 " + std::to_string(kMaxJsonDepth) + " 层）",
                     {{"max_depth", kMaxJsonDepth}});
  }
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return MakeError(ErrorCode::kMalformedJson);
  if (!j.is_object()) return MakeError(ErrorCode::kMalformedJson, "请求体须为 JSON 对象");
  return j;
}

Response Response::JsonBody(const nlohmann::json& value, int status) {
  Response r;
  r.status = status;
  // Invalid UTF-8 from stored data is replaced rather than failing the whole answer.
  r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::FromError(const Error& error) {
  nlohmann::json details = error.details.is_null() ? nlohmann::json::object() : error.details;
  Response r = JsonBody({{"error", {{"code", error.CodeWord()}, {"message", error.message}, {"details", details}}}},
                        StatusOf(error.Category()));
  // A refusal that says when to come back says it to HTTP clients too (RFC 9110 §10.2.3).
  if (const auto minutes = details.find("retry_after_minutes");
      minutes != details.end() && minutes->is_number_integer()) {
    r.headers.emplace_back("Retry-After", std::to_string(minutes->get<long long>() * 60));
  } else if (const auto seconds = details.find("retry_after_seconds");
             seconds != details.end() && seconds->is_number_integer()) {
    r.headers.emplace_back("Retry-After", std::to_string(seconds->get<long long>()));
  }
  return r;
}

void Router::Add(Method method, std::string pattern, Access access, Handler handler, std::size_t max_body) {
  routes_.push_back(Route{method, std::move(pattern), access, std::move(handler), nullptr, max_body});
}

void Router::AddAsync(Method method, std::string pattern, Access access, AsyncHandler handler, std::size_t max_body) {
  routes_.push_back(Route{method, std::move(pattern), access, nullptr, std::move(handler), max_body});
}

}  // namespace liantiao::http
