#pragma once

#include <memory>

#include "app/config.h"
#include "app/http_poster.h"
#include "core/time.h"
#include "crypto/crypto.h"
#include "services/platform.h"
#include "storage/database.h"

namespace liantiao::app {

// The interface-standard profiles of config.profiles_dir, loaded as a server starts on
// them: every file read, every schema compiled and reference followed, the profile new
// cities get (services' default_profile) present.
Result<standard::ProfileSet> LoadProfiles(const AppConfig& config);

// The composition root: config → database (migrated, seeded) → services. The only
// place that picks implementations (the real clock or the test clock, SQLite or
// PostgreSQL by URL).
class Runtime {
 public:
  // `clock` outlives the runtime.
  // `session_clock` dates sessions and login throttling (see services::Deps).
  static Result<std::unique_ptr<Runtime>> Open(const AppConfig& config, const Clock& clock, const Clock& session_clock);

  storage::Database& db() { return *db_; }
  services::Platform& platform() { return *platform_; }
  const AppConfig& config() const { return config_; }

 private:
  Runtime(AppConfig config, std::unique_ptr<storage::Database> db, crypto::SecretBox box, const Clock& clock,
          const Clock& session_clock);

  AppConfig config_;
  std::unique_ptr<storage::Database> db_;
  crypto::SecretBox box_;
  HttpPoster poster_;  // probes of cities' own test environments (config_.probe_ca_file)
  services::Deps deps_;
  std::unique_ptr<services::Platform> platform_;
};

// The wall clock, built only here.
class SystemClock final : public Clock {
 public:
  Instant Now() const override;
};

}  // namespace liantiao::app
