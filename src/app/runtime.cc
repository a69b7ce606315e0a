#include "app/runtime.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <soci/soci.h>
#include <spdlog/spdlog.h>

namespace liantiao::app {

Instant SystemClock::Now() const { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

Runtime::Runtime(AppConfig config, std::unique_ptr<storage::Database> db, crypto::SecretBox box, const Clock& clock,
                 const Clock& session_clock)
    : config_(std::move(config)),
      db_(std::move(db)),
      box_(std::move(box)),
      poster_(std::chrono::seconds(5), config_.probe_ca_file),
      deps_{*db_, clock, session_clock, box_, ServicesConfigOf(config_)},
      platform_(std::make_unique<services::Platform>(deps_)) {
  deps_.poster = &poster_;
}

namespace {

// A city set to a profile that is not in the profiles directory (its folder removed
// or renamed since) cannot run its sandbox: every request would be answered with a
// configuration error. The other cities still work, so the server starts, and says at
// once which cities and which folder to look at.
void WarnOfCitiesWithoutTheirProfile(storage::Database& db, const standard::ProfileSet& profiles,
                                     const std::string& dir) {
  auto missing = db.Read<std::vector<std::pair<std::string, std::string>>>(
      [&](soci::session& sql) -> Result<std::vector<std::pair<std::string, std::string>>> {
        std::vector<std::pair<std::string, std::string>> out;
        soci::rowset<soci::row> rows = (sql.prepare << "SELECT code, profile FROM cities ORDER BY code");
        for (const soci::row& r : rows) {
          std::string code = r.get<std::string>(0), profile = r.get<std::string>(1);
          if (!profiles.Find(profile)) out.emplace_back(std::move(code), std::move(profile));
        }
        return out;
      });
  if (!missing.ok()) return;  // the server's own start-up reads will say what is wrong
  for (const auto& [code, profile] : *missing) {
    spdlog::warn(
        "city {} is set to interface profile {}, which is not in {}: its sandbox answers a configuration "
        "error until the profile is restored or the city is set to another",
        code, profile, dir);
  }
}

}  // namespace

Result<standard::ProfileSet> LoadProfiles(const AppConfig& config) {
  LT_ASSIGN_OR_RETURN(standard::ProfileSet profiles, standard::ProfileSet::LoadDirectory(config.profiles_dir));
  if (!profiles.Find(config.services.default_profile)) {
    return MakeError(ErrorCode::kConfigError, "默认接口标准不存在：" + config.services.default_profile + "（" +
                                                  config.profiles_dir + " 中没有）");
  }
  return profiles;
}

Result<std::unique_ptr<Runtime>> Runtime::Open(const AppConfig& config, const Clock& clock,
                                               const Clock& session_clock) {
  crypto::InitCrypto();
  // The profiles first: a folder that does not load stops the command before it
  // migrates the database or leaves a new master key behind.
  LT_ASSIGN_OR_RETURN(standard::ProfileSet profiles, LoadProfiles(config));
  // Then the database: a command that cannot reach it must not leave a new master
  // key behind.
  LT_ASSIGN_OR_RETURN(storage::DbUrl url, storage::ParseDbUrl(config.db_url));
  LT_ASSIGN_OR_RETURN(auto db, storage::Database::Open(url, config.threads + 2));
  LT_RETURN_IF_ERROR(db->Migrate());
  const bool key_file_was_there = config.master_key_hex || std::filesystem::exists(config.master_key_file);
  LT_ASSIGN_OR_RETURN(std::string key, LoadMasterKey(config));
  LT_ASSIGN_OR_RETURN(crypto::SecretBox box, crypto::SecretBox::FromKey(key));
  // A database whose test keys this master key cannot open (restored without its key,
  // or given another one) would answer every vendor's request with a server error and
  // look healthy: refuse to start instead, and leave no new key file behind.
  auto matches = db->Read<bool>([&](soci::session& sql) -> Result<bool> {
    std::string sealed;
    sql << "SELECT secret_sealed FROM test_keys ORDER BY id DESC LIMIT 1", soci::into(sealed);
    return !sql.got_data() || box.Open(sealed).ok();
  });
  if (!matches.ok()) return matches.take_error();
  if (!*matches) {
    if (!key_file_was_there) {
      std::error_code ec;
      std::filesystem::remove(config.master_key_file, ec);
    }
    return MakeError(ErrorCode::kConfigError,
                     "主密钥与数据库不符：数据库中的测试密钥无法用它解密。恢复备份时须一并恢复原主密钥（" +
                         (config.master_key_hex ? std::string("LIANTIAO_MASTER_KEY") : config.master_key_file) + "）");
  }
  std::unique_ptr<Runtime> rt(new Runtime(config, std::move(db), std::move(box), clock, session_clock));
  rt->deps_.profiles = std::make_shared<const standard::ProfileSet>(std::move(profiles));
  LT_RETURN_IF_ERROR(rt->platform().Seed());
  WarnOfCitiesWithoutTheirProfile(rt->db(), *rt->deps_.profiles, config.profiles_dir);
  return rt;
}

}  // namespace liantiao::app
