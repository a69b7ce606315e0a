// The platform with 100,000 applications and their history: a reviewer's inbox page,
// an application's detail, city statistics and one sweep over 100,000 open deadlines,
// measured through HTTP against a real `liantiao serve` process, side by side with
// the same work done directly (raw SQL, or the service call in-process), plus the
// server's resident memory. Usage: api_bench sqlite|postgresql [applications]
// (postgresql needs LIANTIAO_TEST_PG, as the tests do). Prints Markdown rows.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>

#include <spdlog/spdlog.h>

#include "app/runtime.h"
#include "bench_server.h"
#include "crypto/crypto.h"
#include "services/history.h"
#include "storage/bulk.h"
#include "storage/row.h"
#include "testing/http_client.h"
#include "testing/test_database.h"

namespace liantiao {
namespace {

using Clock_ = std::chrono::steady_clock;
using services::json;

double Ms(Clock_::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Summary {
  double p50, p95, p99, max;
};
Summary Summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))]; };
  return {at(0.50), at(0.95), at(0.99), v.back()};
}

template <typename F>
Summary Time(int n, F&& f) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock_::now();
    f(i);
    out.push_back(Ms(Clock_::now() - t0));
  }
  return Summarise(out);
}

const char* kPassword = "Bench@2026pass";

void Seed(app::Runtime& rt, const std::string& db_url, ManualClock& clock, int apps) {
  auto& pf = rt.platform();
  const Instant base = clock.Now() - std::chrono::days{60};
  auto admin = pf.auth.AddUser({domain::Role::kAdmin, "admin", kPassword, "", std::nullopt, std::nullopt},
                               services::Actor::System());
  (void)admin;
  (void)pf.auth.AddUser({domain::Role::kProvince, "province", kPassword, "", std::nullopt, std::nullopt},
                        services::Actor::System());
  auto cities = *pf.Cities();
  std::vector<std::string> codes;
  for (const json& c : cities) {
    codes.push_back(c["code"]);
    (void)pf.auth.AddUser(
        {domain::Role::kCityReviewer, "reviewer_" + codes.back(), kPassword, "", codes.back(), std::nullopt},
        services::Actor::System());
  }
  auto calendar = pf.deps.calendar.Get();
  const int vendors = 200;
  auto st = rt.db().Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    std::vector<storage::BulkRow> rows;
    for (int v = 0; v < vendors; ++v) {
      char code[32];
      std::snprintf(code, sizeof code, "BENCH%013d", v);
      rows.push_back({"企业 " + std::to_string(v), std::string(code), "1", "法人", "广州", "联系人", "020-1234567",
                      "a@b.cn", std::to_string(ToUnix(base))});
    }
    storage::BulkInsert(sql, "vendors",
                        {"name", "credit_code", "credit_code_checksum_ok", "legal_rep", "address", "contact_name",
                         "contact_phone", "contact_email", "created_at"},
                        rows);
    rows.clear();
    for (int v = 1; v <= vendors; ++v) {
      rows.push_back(
          {std::to_string(v), "闸机", "G" + std::to_string(v), "face_gate", "1.0", std::to_string(ToUnix(base))});
    }
    storage::BulkInsert(sql, "products", {"vendor_id", "name", "model", "kind", "version", "created_at"}, rows);
    return Ok{};
  });
  if (!st.ok()) throw std::runtime_error(st.error().message);
  std::mt19937 rng(42);
  const int chunk = 5000;
  for (int start = 0; start < apps; start += chunk) {
    auto done = rt.db().Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
      std::vector<storage::BulkRow> app_rows, ap_rows, mat_rows, dl_rows;
      std::vector<services::HistoryEntry> history;
      for (int i = start; i < std::min(apps, start + chunk); ++i) {
        const long long id = i + 1;
        const int vendor = 1 + i % vendors;
        const std::string& city = codes[i % codes.size()];
        const Instant created = base + std::chrono::minutes{static_cast<int>(rng() % (55 * 24 * 60))};
        const Instant submitted = created + std::chrono::hours{1};
        const bool testing = i % 2 == 1;
        const std::string state = testing ? "joint_testing" : "under_review";
        const std::string c = std::to_string(ToUnix(created)), s = std::to_string(ToUnix(submitted));
        app_rows.push_back({std::to_string(id), std::to_string(vendor), city, "first", std::nullopt, std::nullopt,
                            "申请 " + std::to_string(id), state, "0", "1", c, s, s, std::nullopt});
        ap_rows.push_back({std::to_string(id), std::to_string(vendor)});
        mat_rows.push_back({std::to_string(id), "business_license", "license.pdf", "application/pdf", "1024",
                            crypto::Sha256Hex(std::to_string(id)), "1", "1", c});
        auto review = domain::ComputeDeadline(submitted, 3, *calendar);
        if (testing) {
          const Instant approved = submitted + std::chrono::hours{20};
          auto window = domain::ComputeDeadline(approved, 5, *calendar);
          dl_rows.push_back({std::to_string(id), std::nullopt, city, "review", "3", s,
                             std::to_string(ToUnix(review.due_at)), "0", std::to_string(ToUnix(approved)), "0"});
          dl_rows.push_back({std::to_string(id), std::nullopt, city, "joint_test", "5",
                             std::to_string(ToUnix(approved)), std::to_string(ToUnix(window.due_at)), "0", std::nullopt,
                             "0"});
        } else {
          dl_rows.push_back({std::to_string(id), std::nullopt, city, "review", "3", s,
                             std::to_string(ToUnix(review.due_at)), "0", std::nullopt, "0"});
        }
        services::Actor vendor_actor{std::nullopt, "vendor", domain::Role::kVendor};
        history.push_back({.entity = "application",
                           .entity_id = id,
                           .application_id = id,
                           .city_code = city,
                           .vendor_id = vendor,
                           .actor = vendor_actor,
                           .action = "create",
                           .before = "",
                           .after = "draft",
                           .reason = "first",
                           .at = created});
        history.push_back({.entity = "application",
                           .entity_id = id,
                           .application_id = id,
                           .city_code = city,
                           .vendor_id = vendor,
                           .actor = vendor_actor,
                           .action = "submit",
                           .before = "draft",
                           .after = "under_review",
                           .reason = "",
                           .at = submitted});
        if (testing) {
          history.push_back({.entity = "application",
                             .entity_id = id,
                             .application_id = id,
                             .city_code = city,
                             .vendor_id = vendor,
                             .actor = services::Actor{std::nullopt, "reviewer", domain::Role::kCityReviewer},
                             .action = "approve",
                             .before = "under_review",
                             .after = "joint_testing",
                             .reason = "",
                             .at = submitted + std::chrono::hours{20}});
        }
      }
      storage::BulkInsert(
          sql, "applications",
          {"id", "vendor_id", "city_code", "path", "connected_city_code", "connected_application_id", "description",
           "state", "late", "round", "created_at", "updated_at", "submitted_at", "decided_at"},
          app_rows);
      storage::BulkInsert(sql, "application_products", {"application_id", "product_id"}, ap_rows);
      storage::BulkInsert(sql, "materials",
                          {"application_id", "kind", "filename", "content_type", "size", "sha256", "round",
                           "uploaded_by", "uploaded_at"},
                          mat_rows);
      storage::BulkInsert(sql, "deadlines",
                          {"application_id", "complaint_id", "city_code", "kind", "working_days", "started_at",
                           "due_at", "provisional", "done_at", "alert_raised"},
                          dl_rows);
      LT_RETURN_IF_ERROR(services::AppendHistoryBatch(sql, history));
      return Ok{};
    });
    if (!done.ok()) throw std::runtime_error(done.error().message);
  }
  if (rt.db().dialect() == storage::Dialect::kPostgres) {
    // Explicit ids above: move the sequence past them.
    (void)rt.db().Transact<Ok>([](soci::session& sql) -> Result<Ok> {
      sql << "SELECT setval('applications_id_seq', (SELECT MAX(id) FROM applications))";
      return Ok{};
    });
    // The database as autovacuum leaves it after a bulk load: statistics gathered and
    // the visibility map set (which index-only scans need). VACUUM cannot run in a
    // transaction, so on a session of its own.
    auto url = storage::ParseDbUrl(db_url);
    auto session = url.ok() ? storage::OpenSession(*url) : Result<std::unique_ptr<soci::session>>(url.error());
    if (!session.ok()) throw std::runtime_error(session.error().message);
    **session << "VACUUM ANALYZE";
  } else {
    (void)rt.db().Transact<Ok>([](soci::session& sql) -> Result<Ok> {
      sql << "ANALYZE";
      return Ok{};
    });
  }
}

using bench::Server;

Server StartServer(const std::string& db_url, const std::string& dir) {
  return bench::StartServer(db_url, dir, std::string(64, 'b'), true);
}

long ReadStatusKb(pid_t pid, const std::string& key) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string k;
  long v = 0;
  std::string unit;
  while (f >> k) {
    if (k == key + ":") {
      f >> v;
      return v;
    }
  }
  return -1;
}

void Row(const std::string& what, const std::string& api, const std::string& direct, double ratio,
         const std::string& target) {
  std::printf("| %s | %s | %s | %.2f | %s |\n", what.c_str(), api.c_str(), direct.c_str(), ratio, target.c_str());
}
std::string P95(const Summary& s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "p50 %.2f / p95 %.2f ms", s.p50, s.p95);
  return buf;
}

int Run(const std::string& kind, int apps) {
  spdlog::set_level(spdlog::level::warn);
  auto tdb = testing::TestDatabase::Create(kind);
  if (tdb.url().empty()) return 1;
  const std::string dir = "/tmp/lt_bench_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  ManualClock clock{*ParseInstant("2026-11-20T10:00:00+08:00")};
  app::AppConfig config;
  config.db_url = tdb.url();
  config.master_key_hex = std::string(64, 'b');
  config.services.files_dir = dir + "/files";
  config.services.password_cost = crypto::PasswordCost::Minimum();
  auto rt = app::Runtime::Open(config, clock, clock);
  if (!rt.ok()) {
    std::cerr << rt.error().message << "\n";
    return 1;
  }
  const auto seed0 = Clock_::now();
  Seed(**rt, tdb.url(), clock, apps);
  std::fprintf(stderr, "%s: seeded %d applications in %.1f s\n", kind.c_str(), apps, Ms(Clock_::now() - seed0) / 1000);

  Server server = StartServer(tdb.url(), dir);
  testing::HttpClient reviewer(server.port), province(server.port), admin(server.port);
  auto login = [&](testing::HttpClient& c, const std::string& user) {
    auto r = c.Post("/api/v1/session", {{"username", user}, {"password", kPassword}});
    c.SetDefaultHeader("Authorization", "Bearer " + r.json()["token"].get<std::string>());
  };
  login(reviewer, "reviewer_440100");
  login(province, "province");
  login(admin, "admin");
  admin.Put("/api/v1/test/clock", {{"now", "2026-11-20T10:00:00+08:00"}});
  services::Principal rev{0, "reviewer_440100", domain::Role::kCityReviewer, "440100", std::nullopt};
  services::Principal prov{0, "province", domain::Role::kProvince, std::nullopt, std::nullopt};
  auto& pf = (*rt)->platform();
  const int n = 200;
  std::mt19937 rng(7);

  std::printf("\n**%s, %d applications** (%d requests each; API = HTTP to `liantiao serve`)\n\n", kind.c_str(), apps,
              n);
  std::printf("| measure | through the API | directly | API / direct | target |\n|---|---|---|---|---|\n");
  // Inbox: raw SQL of the list query versus GET /applications.
  const std::string inbox_sql = services::ApplicationListSql("WHERE 1 = 1 AND a.city_code = :c");
  auto direct_inbox = Time(n, [&](int) {
    (void)(*rt)->db().Read<Ok>([&](soci::session& sql) -> Result<Ok> {
      std::string city = "440100";
      long long count = 0;
      sql << "SELECT COUNT(*) FROM applications a WHERE 1 = 1 AND a.city_code = :c", soci::use(city), soci::into(count);
      int limit = 50, offset = 0;
      soci::rowset<soci::row> rows = (sql.prepare << inbox_sql, soci::use(city), soci::use(limit), soci::use(offset));
      for (const auto& r : rows) (void)r;
      return Ok{};
    });
  });
  auto api_inbox = Time(n, [&](int) { reviewer.Get("/api/v1/applications?limit=50"); });
  Row("reviewer inbox, page of 50 (city with " + std::to_string(apps / 21) + " applications)", P95(api_inbox),
      P95(direct_inbox) + " (SQL)", api_inbox.p95 / direct_inbox.p95, "p95 ≤ 20 ms");
  // Detail: the service call in-process (all its queries, JSON) versus GET /applications/{id}.
  std::vector<long long> ids;
  for (int i = 0; i < n; ++i) ids.push_back(21 * static_cast<long long>(rng() % (apps / 21)) + 1);
  auto direct_detail = Time(n, [&](int i) { (void)pf.applications.Get(rev, ids[i]); });
  auto api_detail = Time(n, [&](int i) { reviewer.Get("/api/v1/applications/" + std::to_string(ids[i])); });
  Row("application detail", P95(api_detail), P95(direct_detail) + " (service)", api_detail.p95 / direct_detail.p95,
      "p95 ≤ 20 ms");
  auto direct_stats = Time(5, [&](int) { (void)pf.stats.CityStats(prov, std::nullopt, std::nullopt); });
  auto api_stats = Time(5, [&](int) { province.Get("/api/v1/stats"); });
  Row("city statistics, 21 cities", P95(api_stats), P95(direct_stats) + " (service)", api_stats.p95 / direct_stats.p95,
      "≤ 200 ms");
  // A routine sweep: 100,000 open deadlines of which those of the first seeded day
  // (about 2%) have just passed.
  admin.Put("/api/v1/test/clock", {{"now", "2026-09-25T00:00:01+08:00"}});
  const auto r0 = Clock_::now();
  auto routine = admin.Post("/api/v1/test/sweep");
  const double routine_ms = Ms(Clock_::now() - r0);
  char routine_text[96];
  std::snprintf(routine_text, sizeof routine_text, "%.0f ms, %s alerts raised", routine_ms,
                routine.json()["raised"].dump().c_str());
  Row("routine sweep over 100,000 open deadlines", routine_text, "–", 0, "≤ 1 s");
  // The extreme: every remaining open deadline is overdue at once.
  admin.Put("/api/v1/test/clock", {{"now", "2027-03-01T00:00:00+08:00"}});
  const auto t0 = Clock_::now();
  auto sweep = admin.Post("/api/v1/test/sweep");
  const double sweep_ms = Ms(Clock_::now() - t0);
  char sweep_text[96];
  std::snprintf(sweep_text, sizeof sweep_text, "%.0f ms, %s alerts raised", sweep_ms,
                sweep.json()["raised"].dump().c_str());
  Row("one sweep raising every remaining deadline at once", sweep_text, "–", 0, "≤ 1 s");
  const long hwm = ReadStatusKb(server.pid, "VmHWM"), rss = ReadStatusKb(server.pid, "VmRSS");
  char mem[96];
  std::snprintf(mem, sizeof mem, "VmRSS %.1f MB, peak (VmHWM) %.1f MB", rss / 1024.0, hwm / 1024.0);
  Row("server resident memory after the run", mem, "–", 0, "≤ 100 MB");
  kill(server.pid, SIGTERM);
  int status = 0;
  waitpid(server.pid, &status, 0);
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace liantiao

int main(int argc, char** argv) {
  const std::string kind = argc > 1 ? argv[1] : "sqlite";
  const int apps = argc > 2 ? std::atoi(argv[2]) : 100000;
  try {
    return liantiao::Run(kind, apps);
  } catch (const std::exception& e) {
    std::cerr << "bench: " << e.what() << "\n";
    return 1;
  }
}
