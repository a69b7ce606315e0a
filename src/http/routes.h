#pragma once

#include <functional>

#include "core/time.h"
#include "http/server.h"
#include "services/platform.h"

namespace liantiao::http {

struct RouteOptions {
  // Set only with `serve --test-clock`: the clock that PUT /test/clock moves.
  ManualClock* test_clock = nullptr;
  // Whether self-registration accepts well-formed credit codes that fail the checksum.
  bool allow_pilot_credit_codes = false;
  std::string session_cookie = "lt_session";
  bool secure_cookie = false;  // set behind TLS
};

// Set and cleared with the session cookie, holding nothing but "1" and readable by the
// web app (not HttpOnly): a page opened without it knows there is no session to
// restore, instead of asking GET /me only to be answered 401.
inline constexpr const char* kSignedInCookie = "lt_signed_in";

// The whole API of docs/openapi.yaml. Each route names the roles that may call it:
// role enforcement lives in this table; tenant scope in services/scope.
Router BuildRouter(services::Platform& platform, const RouteOptions& options);

// What the server calls to turn a token into a caller.
Authenticator MakeAuthenticator(services::Platform& platform);

}  // namespace liantiao::http
