#include "app/runtime.h"

namespace liantiao::app {

Instant SystemClock::Now() const {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Runtime::Runtime(AppConfig config, std::unique_ptr<storage::Database> db, crypto::SecretBox box,
                 const Clock& clock, const Clock& session_clock)
    : config_(std::move(config)),
      db_(std::move(db)),
      box_(std::move(box)),
      deps_{*db_, clock, session_clock, box_, config_.services},
      platform_(std::make_unique<services::Platform>(deps_)) {
  deps_.poster = &poster_;
}

Result<std::unique_ptr<Runtime>> Runtime::Open(const AppConfig& config, const Clock& clock,
                                              const Clock& session_clock) {
  crypto::InitCrypto();
  // The database first: a command that cannot reach it must not leave a new master
  // key behind.
  LT_ASSIGN_OR_RETURN(storage::DbUrl url, storage::ParseDbUrl(config.db_url));
  LT_ASSIGN_OR_RETURN(auto db, storage::Database::Open(url, config.threads + 2));
  LT_RETURN_IF_ERROR(db->Migrate());
  LT_ASSIGN_OR_RETURN(std::string key, LoadMasterKey(config));
  LT_ASSIGN_OR_RETURN(crypto::SecretBox box, crypto::SecretBox::FromKey(key));
  LT_ASSIGN_OR_RETURN(standard::ProfileSet profiles, standard::ProfileSet::LoadDirectory(config.profiles_dir));
  if (!profiles.Find(config.services.default_profile)) {
    return MakeError(ErrorCode::kConfigError, "默认接口标准不存在：" + config.services.default_profile);
  }
  std::unique_ptr<Runtime> rt(new Runtime(config, std::move(db), std::move(box), clock, session_clock));
  rt->deps_.profiles = std::make_shared<const standard::ProfileSet>(std::move(profiles));
  LT_RETURN_IF_ERROR(rt->platform().Seed());
  return rt;
}

}  // namespace liantiao::app
