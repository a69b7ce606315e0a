#include "services/platform.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

#include "core/embedded.h"
#include "services/history.h"
#include "storage/row.h"

namespace liantiao::services {

using storage::GetInt;
using storage::GetText;

namespace {

// Why a city's own test address cannot be probed, or nullopt. A typo here would be probed
// and recorded as the city's system failing the key, so it must be an http(s) URL naming
// a host (and a port, if any, that exists) and hold nothing a URL cannot. Checked here
// rather than by libcurl's URL parser, which only the app layer links; what is needed of
// the address is this little.
std::optional<std::string> TestEnvProblem(std::string_view url) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) return "测试环境须为 sandbox 或 http(s) 地址";
  const std::string_view rest = url.substr(url.find("://") + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  // Every signed-in user reads a city's test_env: a user name or password in it would
  // be shown to every vendor.
  if (authority.find('@') != std::string_view::npos) return "测试环境地址不能包含用户名或密码（该地址对所有用户可见）";
  // "host", "host:port", "[v6]" or "[v6]:port"; an unclosed "[" leaves no host.
  std::size_t host_size = authority.find(':');
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    host_size = close == std::string_view::npos || close == 1 ? 0 : close + 1;
  }
  const std::string_view host = authority.substr(0, host_size);
  const std::string_view after = authority.substr(host.size());
  bool port_ok = after.empty();
  if (after.starts_with(':')) {
    const std::string_view digits = after.substr(1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    port_ok = ec == std::errc() && end == digits.data() + digits.size() && port >= 1 && port <= 65535;
  }
  const bool clean = std::none_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
  if (host.empty() || !port_ok || !clean || url.size() > 500) {
    return "测试环境地址无效：须含主机名（端口须为 1–65535），且不含空格或控制字符";
  }
  return std::nullopt;
}

}  // namespace

Status Platform::Seed() {
  const json cities = json::parse(embedded::kGuangdongCities);
  auto st = deps.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    for (const json& c : cities["cities"]) {
      std::string code = c["code"], name = c["name"], profile = deps.config.default_profile;
      sql << "INSERT INTO cities (code, name, profile) VALUES (:c, :n, :p) ON CONFLICT (code) DO NOTHING",
          soci::use(code), soci::use(name), soci::use(profile);
    }
    return Ok{};
  });
  if (!st.ok()) return st;
  return calendar.SeedAndLoad();
}

Result<SweepResult> Platform::Sweep(Instant now) {
  if (auto st = calendar.Reload(); !st.ok()) {
    spdlog::warn("sweep: calendar reload failed: {}", st.error().message);
  }
  auto swept = alerts.Sweep(now);
  if (auto purged = sandbox.PurgeOldNonces(now); !purged.ok()) {
    spdlog::warn("sweep: purging old nonces failed: {}", purged.error().message);
  }
  if (auto purged = sandbox.PurgeEndedStores(now); !purged.ok()) {
    spdlog::warn("sweep: deleting the stores of ended keys failed: {}", purged.error().message);
  }
  if (auto purged = auth.PurgeExpired(); !purged.ok()) {
    spdlog::warn("sweep: purging old login failures and sessions failed: {}", purged.error().message);
  }
  return swept;
}

Result<json> Platform::Cities() {
  return deps.db.Read<json>([](soci::session& sql) -> Result<json> {
    json out = json::array();
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT code, name, profile, test_env, "
                                                   "complaint_verification_days FROM cities ORDER BY code");
    for (const soci::row& r : rows) {
      out.push_back({{"code", GetText(r, 0)},
                     {"name", GetText(r, 1)},
                     {"profile", GetText(r, 2)},
                     {"test_env", GetText(r, 3)},
                     {"complaint_verification_days", GetInt(r, 4)}});
    }
    return out;
  });
}

Status Platform::SetCityProfile(const Principal& p, const std::string& code, const std::string& profile,
                                const std::string& test_env, std::optional<int> complaint_days) {
  if (p.role != domain::Role::kAdmin) return MakeError(ErrorCode::kForbidden);
  if (profile.empty() || profile.size() > 64 || !deps.profiles->Find(profile)) {
    return MakeError(ErrorCode::kInvalidField, "接口标准版本无效", {{"field", "profile"}});
  }
  if (test_env != "sandbox") {
    if (auto problem = TestEnvProblem(test_env)) {
      return MakeError(ErrorCode::kInvalidField, *problem, {{"field", "test_env"}});
    }
  }
  if (complaint_days && (*complaint_days < 1 || *complaint_days > 60)) {
    return MakeError(ErrorCode::kInvalidField, "投诉核实期限须为 1–60 个工作日",
                     {{"field", "complaint_verification_days"}});
  }
  const Instant now = deps.clock.Now();
  auto done = deps.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    std::string old_profile, old_env;
    sql << "SELECT profile, test_env FROM cities WHERE code = :c", soci::use(code), soci::into(old_profile),
        soci::into(old_env);
    if (!sql.got_data()) return MakeError(ErrorCode::kNotFound, "城市不存在");
    int days = complaint_days.value_or(0), set_days = complaint_days ? 1 : 0;
    sql << "UPDATE cities SET profile = :p, test_env = :t, complaint_verification_days = "
           "CASE WHEN :s = 1 THEN :d ELSE complaint_verification_days END WHERE code = :c",
        soci::use(profile), soci::use(test_env), soci::use(set_days), soci::use(days), soci::use(code);
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "city",
                                                       .entity_id = std::stoll(code),
                                                       .city_code = code,
                                                       .actor = Actor::Of(p),
                                                       .action = "city_configure",
                                                       .before = old_profile + " " + old_env,
                                                       .after = profile + " " + test_env,
                                                       .reason = "",
                                                       .at = now}));
    return Ok{};
  });
  if (done.ok()) sandbox.ForgetCities();
  return done;
}

Status Platform::CheckDatabase() {
  auto read = deps.db.Read<long long>([](soci::session& sql) -> Result<long long> {
    long long applied = 0;
    sql << "SELECT COUNT(*) FROM schema_migrations", soci::into(applied);
    return applied;
  });
  if (!read.ok() || *read == 0) return MakeError(ErrorCode::kDatabaseError, "数据库不可用");
  return OkStatus();
}

}  // namespace liantiao::services
