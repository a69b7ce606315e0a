#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/runtime.h"
#include "core/time.h"
#include "http/routes.h"
#include "http/server.h"
#include "testing/test_database.h"

namespace liantiao::testing {

inline constexpr const char* kTestPassword = "Passw0rd!test";

// The whole platform in-process for one test: a fresh database of the given kind
// (migrated and seeded), a ManualClock, and optionally the HTTP server on 127.0.0.1
// with an ephemeral port and the test-clock routes. Files go to a temp directory.
class TestPlatform {
 public:
  // `configure` changes the test defaults of the config before the platform opens.
  static std::unique_ptr<TestPlatform> Create(const std::string& kind, Instant start, bool serve_http = true,
                                              const std::function<void(app::AppConfig&)>& configure = {});
  // A second platform on the same database (another "server process"), with its own
  // pool, clock and HTTP server.
  std::unique_ptr<TestPlatform> Twin(bool serve_http = true) const;
  ~TestPlatform();

  services::Platform& platform() { return runtime_->platform(); }
  storage::Database& db() { return runtime_->db(); }
  ManualClock& clock() { return clock_; }
  // Sessions and login throttling: real time in production, moved separately in tests.
  ManualClock& session_clock() { return session_clock_; }
  unsigned short port() const { return port_; }
  const std::string& db_url() const { return config_.db_url; }
  const app::AppConfig& config() const { return config_; }

  // Users straight through the service (password kTestPassword).
  services::Principal AddUser(domain::Role role, const std::string& username,
                              std::optional<std::string> city = std::nullopt,
                              std::optional<long long> vendor = std::nullopt);
  // A vendor enterprise with a valid credit code and its first user.
  services::Principal AddVendor(const std::string& username);

 private:
  TestPlatform(std::shared_ptr<TestDatabase> database, std::string files_dir, Instant start);
  bool Init(bool serve_http, const std::function<void(app::AppConfig&)>& configure = {});

  std::shared_ptr<TestDatabase> database_;
  std::string files_dir_;
  ManualClock clock_;
  ManualClock session_clock_;
  app::AppConfig config_;
  std::unique_ptr<app::Runtime> runtime_;
  std::unique_ptr<http::Server> server_;
  unsigned short port_ = 0;
};

// A valid GB 32100 credit code derived from n (distinct n → distinct codes).
std::string ValidCreditCode(int n);

// A vendor's sign-up: an enterprise named after `username`, with `credit_code`, the test
// password, from `client` (empty: not counted against a client's sign-ups).
services::VendorRegistration Registration(const std::string& username, const std::string& credit_code,
                                          const std::string& client = "");
// The same as the body of POST /api/v1/vendors/register.
nlohmann::json RegistrationBody(const services::VendorRegistration& r);

}  // namespace liantiao::testing
