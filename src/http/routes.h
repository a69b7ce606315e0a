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

// The whole API of docs/openapi.yaml. Each route names the roles that may call it:
// role enforcement lives in this table; tenant scope in services/scope.
Router BuildRouter(services::Platform& platform, const RouteOptions& options);

// What the server calls to turn a token into a caller.
Authenticator MakeAuthenticator(services::Platform& platform);

}  // namespace liantiao::http
