#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace liantiao {

// What kind of failure an error is; the HTTP layer maps each category to one
// status in one place (http/response.cc, StatusOf). Bugs are not errors: they assert.
enum class ErrorCategory {
  kInvalidInput,      // 400: malformed request
  kUnauthenticated,   // 401
  kForbidden,         // 403
  kNotFound,          // 404: also anything outside the caller's scope
  kMethodNotAllowed,  // 405: the path exists, not with this method
  kConflict,          // 409: the state does not allow it
  kTooLarge,          // 413
  kUnprocessable,     // 422: well-formed but breaks a rule
  kRateLimited,       // 429
  kInternal,          // 500: the environment failed (database, disk)
  kUnavailable,       // 503: busy for now; the same request later succeeds
};

// The one catalogue of stable error codes. Adding a code: add it here and to
// the table in error.cc (code word, category, default Chinese message).
enum class ErrorCode {
  kMalformedJson,
  kInvalidField,
  kMissingField,
  kUnauthenticated,
  kBadCredentials,
  kAccountDisabled,
  kCsrfMismatch,
  kForbidden,
  kNotFound,
  kMethodNotAllowed,
  kInvalidTransition,
  kAlreadyExists,
  kAlreadyClaimed,
  kProblemsRequired,
  kInvalidCreditCode,
  kUnknownCity,
  kUnknownProduct,
  kPayloadTooLarge,
  kUnsupportedFileType,
  kTooManyAttempts,
  kServerBusy,
  kQuotaExceeded,
  kInvalidCalendar,
  kDatabaseError,
  kStorageError,
  kConfigError,
  kReportRenderFailed,
  kInternal,  // keep last: tests iterate the codes up to it
};

struct Error {
  ErrorCode code;
  std::string message;     // Chinese, for people
  nlohmann::json details;  // machine-readable context (field names, problems…)

  ErrorCategory Category() const;
  std::string_view CodeWord() const;  // e.g. "invalid_transition"
};

ErrorCategory CategoryOf(ErrorCode code);
std::string_view CodeWordOf(ErrorCode code);
std::string_view DefaultMessageOf(ErrorCode code);

// Builds an error with the catalogue's Chinese message unless one is given.
Error MakeError(ErrorCode code, std::string message = {}, nlohmann::json details = nlohmann::json::object());

}  // namespace liantiao
