#include "app/cli.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <CLI/CLI.hpp>

#include "app/config.h"
#include "app/demo.h"
#include "app/device.h"
#include "app/runtime.h"
#include "domain/workdays.h"
#include "http/routes.h"
#include "http/server.h"
#include "jobs/prober.h"
#include "jobs/sweeper.h"
#include "services/history.h"
#include "services/sandbox_service.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace liantiao::app {

namespace {

int Fail(const std::string& line) {
  spdlog::default_logger()->flush();  // what was logged before, then the failure
  std::cerr << "liantiao: " << line << "\n";
  return 1;
}
int Fail(const Error& e) { return Fail(e.message + " (" + std::string(e.CodeWord()) + ")"); }

// A command line the command cannot run with (an option's value it does not know):
// exit 2, as for the errors CLI11 finds while parsing, with the same one line.
int Usage(const std::string& line) {
  Fail(line);
  return 2;
}
int Usage(const Error& e) {
  Fail(e);
  return 2;
}

// What CLI11 found wrong with the command line, in Chinese for its usual errors (CLI11
// words them in English, with no way to give it other words); anything else as CLI11
// says it. A word where a subcommand is due that is none is named with the choices.
std::string ParseErrorText(CLI::App& cli, const CLI::ParseError& e, int argc, char** argv) {
  const std::string what = e.what();
  CLI::App* at = &cli;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-' || at->get_subcommands({}).empty()) break;
    CLI::App* sub = nullptr;
    for (CLI::App* candidate : at->get_subcommands({})) {
      if (candidate->get_name() == word) sub = candidate;
    }
    if (!sub) {
      std::string names;
      for (CLI::App* candidate : at->get_subcommands({})) names += (names.empty() ? "" : "、") + candidate->get_name();
      return "未知的子命令：" + word + "（可用：" + names + "）";
    }
    at = sub;
  }
  std::smatch m;
  if (what == "A subcommand is required") {
    std::string names;
    for (CLI::App* candidate : at->get_subcommands({})) names += (names.empty() ? "" : "、") + candidate->get_name();
    return "缺少子命令（可用：" + names + "）";
  }
  static const std::regex unexpected("^The following arguments? (?:was|were) not expected: (.*)$");
  static const std::regex required("^(\\S+) is required$");
  static const std::regex missing_value("^(\\S+): \\d+ required \\S+ missing$");
  static const std::regex conversion("^Could not convert: (.*)$");
  if (std::regex_match(what, m, unexpected)) return "无法识别的参数：" + m[1].str();
  if (std::regex_match(what, m, required)) return "缺少必需的选项：" + m[1].str();
  if (std::regex_match(what, m, missing_value)) return "选项缺少取值：" + m[1].str();
  static const std::regex requires_option("^(\\S+) requires (\\S+)$");
  static const std::regex excludes_option("^(\\S+) excludes (\\S+)$");
  if (std::regex_match(what, m, conversion)) return "选项的取值无效：" + m[1].str();
  if (std::regex_match(what, m, requires_option)) return m[1].str() + " 须与 " + m[2].str() + " 一起使用";
  if (std::regex_match(what, m, excludes_option)) return m[1].str() + " 不能与 " + m[2].str() + " 一起使用";
  return what;
}

struct CommonOptions {
  std::optional<std::string> config_file;
  std::optional<std::string> db;
};

Result<AppConfig> Configure(const CommonOptions& o) {
  LT_ASSIGN_OR_RETURN(AppConfig c, LoadConfig(o.config_file));
  if (o.db) c.db_url = *o.db;
  return c;
}

// The configuration of a command that works on a database already there (history
// verify, calendar import, db backup and repack): a SQLite file that does not exist is
// refused rather than created, so a mistyped path is not an empty database that
// "verifies". serve, demo and user add create and migrate a new one.
Result<AppConfig> ConfigureExisting(const CommonOptions& o) {
  LT_ASSIGN_OR_RETURN(AppConfig c, Configure(o));
  LT_ASSIGN_OR_RETURN(storage::DbUrl url, storage::ParseDbUrl(c.db_url));
  std::error_code ec;
  if (url.dialect == storage::Dialect::kSqlite && url.connect != ":memory:" &&
      !std::filesystem::exists(url.connect, ec)) {
    return MakeError(ErrorCode::kConfigError, "数据库文件不存在：" + url.connect + "（用 --db 或 --config 指定）",
                     {{"field", "db"}});
  }
  return c;
}

// The server logs a line per request. spdlog's console sinks write and flush each line:
// a system call per request, on the thread that answers the sandbox's writes. So
// `serve` logs through a buffer of its own on a duplicate of stderr (64 KiB): written
// when full, every second, and at once from a warning up, which also writes the lines
// before it. A crash loses at most the last second of info lines; the sandbox's record
// of its exchanges is the evidence in the database, not this log.
class BufferedSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit BufferedSink(FILE* out) : out_(out) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), out_);
  }
  void flush_() override { std::fflush(out_); }

 private:
  FILE* out_;
};

void BufferServerLog() {
  FILE* out = nullptr;
  if (const int fd = dup(STDERR_FILENO); fd >= 0) out = fdopen(fd, "w");
  if (!out || setvbuf(out, nullptr, _IOFBF, 1 << 16) != 0) return;  // keep logging line by line
  auto logger = spdlog::default_logger();
  logger->sinks().assign(1, std::make_shared<BufferedSink>(out));
  logger->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
}

int Serve(const CommonOptions& common, const std::optional<std::string>& listen, bool test_clock) {
  auto config = Configure(common);
  if (!config.ok()) return Fail(config.error());
  if (listen) {
    if (auto st = ApplyListen(*config, *listen); !st.ok()) return Usage(st.error());
  }
  spdlog::set_level(spdlog::level::info);
  BufferServerLog();  // before any other thread logs: the sinks are swapped here
  SystemClock system_clock;
  // The test clock starts at the real time and moves only by PUT /test/clock.
  ManualClock manual_clock{system_clock.Now()};
  const Clock& clock = test_clock ? static_cast<const Clock&>(manual_clock) : system_clock;
  // Another server on the address (an instance left running, an older version) is found
  // before the database is opened: nothing is migrated under it.
  if (auto st = http::Server::CheckCanListen(ServerOptionsOf(*config)); !st.ok()) return Fail(st.error());
  auto rt = Runtime::Open(*config, clock, system_clock);
  if (!rt.ok()) return Fail(rt.error());
  http::RouteOptions route_options;
  route_options.test_clock = test_clock ? &manual_clock : nullptr;
  route_options.allow_pilot_credit_codes = config->allow_pilot_credit_codes;
  route_options.secure_cookie = config->secure_cookie;
  http::ServerOptions server_options = ServerOptionsOf(*config);
  spdlog::info("interface-standard profiles read from {}", config->profiles_dir);
  if (std::filesystem::exists(config->static_dir)) {
    server_options.static_dir = config->static_dir;
    spdlog::info("web app served from {}", config->static_dir);
  } else {
    spdlog::warn("static_dir {} does not exist: the web app is not served (build it with make build)",
                 config->static_dir);
  }
  // The sandbox's address in key claims names the bound port (port 0 is any free one): set
  // once bound and before the first connection is accepted, so no request reads it as it
  // changes.
  if (!config->sandbox_base_url_set) {
    server_options.on_bound = [&rt, host = config->host](unsigned short port) {
      std::string& base_url = (*rt)->platform().deps.config.sandbox_base_url;
      base_url = "http://" + host + ":" + std::to_string(port) + "/sandbox";
      // Vendors' devices send to the endpoint of the key claim: an address only this
      // machine can reach is no endpoint for them.
      if (host == "0.0.0.0" || host == "::" || host == "[::]") {
        spdlog::warn(
            "test keys will name the sandbox as {}, which no device can reach: set sandbox_base_url "
            "(LIANTIAO_SANDBOX_BASE_URL) to the address vendors use",
            base_url);
      }
    };
  }
  http::Server server(server_options, http::BuildRouter((*rt)->platform(), route_options),
                      http::MakeAuthenticator((*rt)->platform()));
  auto port = server.Start();
  if (!port.ok()) return Fail(port.error());
  if (config->services.password_cost.ops == crypto::PasswordCost::Minimum().ops) {
    spdlog::warn("password_cost is min: password hashes are cheap to guess; use it for tests only");
  }
  // Tests read this line to learn the port when they ask for port 0.
  std::cout << "liantiao: listening on http://" << config->host << ":" << *port << std::endl;
  jobs::Sweeper sweeper((*rt)->platform(), clock, config->sweep_interval);
  // Under the test clock the sweep runs only on demand (POST /test/sweep), so tests
  // decide when deadlines are judged.
  if (!test_clock) sweeper.Start();
  // Probes of cities' own test environments; likewise only on demand (POST /test/probe)
  // under the test clock.
  jobs::Prober prober((*rt)->platform(), clock, config->probe_interval);
  if (!test_clock) prober.Start();
  server.Wait();
  prober.Stop();
  sweeper.Stop();
  // The requests in flight are answered first (systemctl stop, a rolling restart).
  server.Drain(std::chrono::milliseconds(200), std::chrono::seconds(10));
  server.Stop();
  spdlog::default_logger()->flush();
  return 0;
}

int UserAdd(const CommonOptions& common, const std::string& role_word, const std::optional<std::string>& city,
            const std::optional<long long>& vendor, const std::string& username, const std::string& display) {
  auto role = domain::ParseRole(role_word);
  if (!role || *role == domain::Role::kSystem) {
    return Usage(MakeError(ErrorCode::kInvalidField,
                           "未知的角色：" + role_word + "（可选 vendor、city_reviewer、tech_support、province、admin）",
                           {{"field", "role"}}));
  }
  // Which account needs what is known before anything is opened: a reviewer or support
  // unit belongs to a city, a vendor user to an enterprise.
  const bool city_role = *role == domain::Role::kCityReviewer || *role == domain::Role::kTechSupport;
  if (city_role && !city) {
    return Usage(MakeError(ErrorCode::kMissingField, "角色 " + role_word + " 须以 --city 指定所属城市（如 440100）",
                           {{"field", "city"}}));
  }
  if (*role == domain::Role::kVendor && !vendor) {
    return Usage(
        MakeError(ErrorCode::kMissingField, "角色 vendor 须以 --vendor 指定所属企业的编号", {{"field", "vendor"}}));
  }
  if (vendor && *vendor <= 0) {
    return Usage(MakeError(ErrorCode::kInvalidField, "--vendor 应为企业的编号（正整数）", {{"field", "vendor"}}));
  }
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  // The account's own fields are a usage error, told before the database is opened;
  // what needs the records (an unknown city or enterprise, a name taken) is a failure.
  services::NewUser u{*role, username, password, display, city, vendor};
  if (auto valid = services::ValidateNewUser(u); !valid.ok()) return Usage(valid.error());
  auto config = Configure(common);
  if (!config.ok()) return Fail(config.error());
  SystemClock clock;
  auto rt = Runtime::Open(*config, clock, clock);
  if (!rt.ok()) return Fail(rt.error());
  services::Actor cli{std::nullopt, "cli", domain::Role::kAdmin};
  auto id = (*rt)->platform().auth.AddUser(u, cli);
  if (!id.ok()) return Fail(id.error());
  std::cout << "已创建用户 " << username << "（" << role_word << "），编号 " << *id << "\n";
  return 0;
}

int CalendarImport(const CommonOptions& common, const std::string& file) {
  // A calendar is a few kilobytes a year: a larger input (a device, a wrong file) is
  // refused after reading a little past the limit rather than read to its end.
  constexpr std::size_t kMaxCalendarBytes = 4u << 20;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) return Fail("这是目录，不是日历文件：" + file);
  std::ifstream f(file, std::ios::binary);
  if (!f) return Fail("无法读取文件：" + file);
  std::string text(kMaxCalendarBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(f.gcount()));
  if (text.size() > kMaxCalendarBytes) return Fail("日历文件过大（上限 4 MB）：" + file);
  std::string extension = std::filesystem::path(file).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool ics = extension == ".ics";
  auto years = ics ? domain::ParseCalendarIcs(text) : domain::ParseCalendarJson(text);
  if (!years.ok()) return Fail(years.error());
  for (auto& y : *years) y.source = "import " + std::filesystem::path(file).filename().string();
  auto config = ConfigureExisting(common);
  if (!config.ok()) return Fail(config.error());
  SystemClock clock;
  auto rt = Runtime::Open(*config, clock, clock);
  if (!rt.ok()) return Fail(rt.error());
  if (ics) {
    // A feed's New Year holiday may reach into the year before: such fragments are
    // merged into the stored years, covered years replace them (MergeImportedIcsYear).
    auto stored = (*rt)->platform().deps.calendar.Get();
    for (auto& y : *years) y = domain::MergeImportedIcsYear(std::move(y), stored->Year(y.year));
  }
  services::Principal admin{0, "cli", domain::Role::kAdmin, std::nullopt, std::nullopt};
  auto r = (*rt)->platform().calendar.PutYears(admin, *years);
  if (!r.ok()) return Fail(r.error());
  std::cout << "已导入年份 " << (*r)["years"].dump() << "；重新计算的期限 " << (*r)["deadlines_recomputed"] << " 项\n";
  return 0;
}

// `vendor list`: the enterprises, a line each (id, credit code, state, name), for the
// operator who must find the one to release; --search as the admin page's search.
int VendorList(const CommonOptions& common, const std::optional<std::string>& search) {
  auto config = ConfigureExisting(common);
  if (!config.ok()) return Fail(config.error());
  SystemClock clock;
  auto rt = Runtime::Open(*config, clock, clock);
  if (!rt.ok()) return Fail(rt.error());
  const services::Principal admin{0, "cli", domain::Role::kAdmin, std::nullopt, std::nullopt};
  for (services::PageRequest page;; page.offset += page.limit) {
    auto listed = (*rt)->platform().auth.ListVendors(admin, search, page);
    if (!listed.ok()) return Fail(listed.error());
    for (const json& v : listed->items) {
      std::cout << v["id"].get<long long>() << '\t' << v["credit_code"].get<std::string>() << '\t'
                << (v["released"].is_null() ? "已注册" : "已注销") << '\t' << v["name"].get<std::string>() << "\n";
    }
    if (listed->items.empty() || page.offset + page.limit >= listed->total) break;
  }
  return 0;
}

// `vendor release`: AuthService::ReleaseVendor as the command line's administrator, for
// an installation whose operator works on the server rather than in the web app.
int VendorRelease(const CommonOptions& common, long long vendor, const std::string& reason) {
  if (vendor <= 0) {
    return Usage(MakeError(ErrorCode::kInvalidField, "--vendor 应为企业的编号（正整数）", {{"field", "vendor"}}));
  }
  auto config = ConfigureExisting(common);
  if (!config.ok()) return Fail(config.error());
  SystemClock clock;
  auto rt = Runtime::Open(*config, clock, clock);
  if (!rt.ok()) return Fail(rt.error());
  const services::Actor cli{std::nullopt, "cli", domain::Role::kAdmin};
  auto released = (*rt)->platform().auth.ReleaseVendor(cli, vendor, reason);
  if (!released.ok()) return Fail(released.error());
  std::cout << "企业 " << vendor << "（" << (*released)["credit_code"].get<std::string>()
            << "）已注销，其统一社会信用代码可重新注册\n";
  return 0;
}

// The database of a command that checks one already there, opened as it is: no
// migration applied, no master key needed, so a backup can be checked anywhere, and
// checking changes nothing.
Result<std::unique_ptr<storage::Database>> OpenAsItIs(const CommonOptions& common) {
  LT_ASSIGN_OR_RETURN(AppConfig config, ConfigureExisting(common));
  LT_ASSIGN_OR_RETURN(storage::DbUrl url, storage::ParseDbUrl(config.db_url));
  return storage::Database::Open(url, 1);
}

// `profile check`: the profiles folder a server would start on (--profiles-dir, or the
// configuration's profiles_dir), loaded as it loads it (app::LoadProfiles) but without a
// database, so that an operator checks an edited folder before restarting the server on
// it, and a broken one is a line here rather than a server that does not start.
int ProfileCheck(const CommonOptions& common, const std::optional<std::string>& dir) {
  auto config = Configure(common);
  if (!config.ok()) return Fail(config.error());
  if (dir) config->profiles_dir = *dir;
  auto set = LoadProfiles(*config);
  if (!set.ok()) return Fail(set.error());
  for (const json& p : standard::DescribeProfiles(*set)) {
    const std::string name = p["name"];
    std::cout << name << "  " << p["title"].get<std::string>() << " " << p["version"].get<std::string>()
              << (p["extends"].is_string() ? "（继承 " + p["extends"].get<std::string>() + "）" : std::string())
              << "：方法 " << p["methods"] << " 个，检查项 " << p["cases"] << " 个（必测 " << p["required_cases"]
              << " 个），示例 " << set->Find(name)->examples.size() << " 个\n";
  }
  std::cout << "接口标准目录可以加载：" << config->profiles_dir << "，共 " << set->Names().size() << " 个接口标准\n";
  return 0;
}

int HistoryVerify(const CommonOptions& common) {
  auto db = OpenAsItIs(common);
  if (!db.ok()) return Fail(db.error());
  auto v = services::VerifyHistory(**db);
  if (!v.ok()) return Fail(v.error());
  if (!v->ok) {
    return Fail("历史记录链在第 " + std::to_string(v->first_broken_seq.value_or(0)) + " 条断开：" + v->problem);
  }
  std::cout << "历史记录完好：共 " << v->entries << " 条，哈希链完整\n";
  return 0;
}

// `report verify`: a joint-test report's evidence digest recomputed from the database,
// and a kept report's content against the digest its decision's history entry recorded
// (services::SandboxService::CheckReportDigest): the report an application's decision
// kept, or a report file as downloaded (report.json), such as the copy a vendor kept.
int ReportVerify(const CommonOptions& common, std::optional<long long> application, const std::string& file) {
  json report;
  if (!application) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) return Fail("无法读取报告文件：" + file + "（这是一个目录）");
    std::ifstream in(file, std::ios::binary);
    if (!in) return Fail("无法读取报告文件：" + file);
    report = json::parse(in, nullptr, false);
    if (report.is_discarded()) return Fail("报告文件不是有效的 JSON：" + file);
  }
  auto db = OpenAsItIs(common);
  if (!db.ok()) return Fail(db.error());
  auto check = (*db)->Read<services::ReportDigestCheck>([&](soci::session& sql) -> Result<services::ReportDigestCheck> {
    if (application) {
      auto kept = services::SandboxService::FrozenReport(sql, *application);
      if (!kept) {
        return MakeError(ErrorCode::kNotFound,
                         "申请 " + std::to_string(*application) +
                             " 没有留存的联调测试报告（申请不存在，或尚未记录联调成功或联调延期）");
      }
      report = *std::move(kept);
    }
    return services::SandboxService::CheckReportDigest(sql, report);
  });
  if (!check.ok()) return Fail(check.error());
  std::string rows = std::to_string(check->rows) + " 条证据";
  if (!check->app_key.empty()) rows = "测试密钥 " + check->app_key + " 的 " + rows;
  if (check->last_id) rows += "（至第 " + std::to_string(*check->last_id) + " 条）";
  if (!check->matches) {
    std::string why;
    if (!check->evidence_matches) {
      why = "证据摘要不一致：报告记录为 " + check->recorded + "，按数据库中" + rows + "重新计算为 " +
            check->recomputed + "。";
    }
    if (!check->ContentDigestMatches()) {
      why += "报告内容摘要不一致：历史记录第 " + std::to_string(check->content_history_seq.value_or(0)) + " 条记录为 " +
             check->content_recorded.value_or("") + "，该报告为 " + check->content_digest + "。";
    }
    return Fail(why + check->Explanation());
  }
  std::cout << "报告核对一致：证据摘要 " << check->recorded << " 与数据库中" << rows << "相符\n";
  if (check->content_recorded) {
    std::cout << "报告内容摘要 " << check->content_digest << " 与历史记录第 " << *check->content_history_seq << " 条（"
              << (check->kept ? std::string("其决定")
                              : "申请 " + std::to_string(*check->content_application) + " 的决定，本报告即其留存报告")
              << "）相符\n";
  } else if (check->kept || check->content_application) {
    std::cout << "报告内容未核对：其决定记录时，平台尚未留存报告内容摘要\n";
  }
  if (check->verdict_compared_with) {
    std::cout << "报告结论与申请 " << *check->verdict_compared_with << " 就同一密钥、同一批证据留存的报告一致\n";
  } else if (!check->content_recorded) {
    std::cout << "报告结论未核对：没有就同一密钥、同一批证据留存的报告\n";
  }
  return 0;
}

// `db repack`: a SQLite file created before new files got 16 KB pages, rewritten with
// them (storage::RepackSqliteFile). Needs no runtime: the file must be closed anyway.
int DbRepack(const CommonOptions& common) {
  auto config = ConfigureExisting(common);
  if (!config.ok()) return Fail(config.error());
  auto url = storage::ParseDbUrl(config->db_url);
  if (!url.ok()) return Fail(url.error());
  auto sizes = storage::RepackSqliteFile(*url);
  if (!sizes.ok()) return Fail(sizes.error());
  if (sizes->before == sizes->after) {
    std::cout << "页大小已是 " << sizes->after << " 字节，无需重写\n";
  } else {
    std::cout << "页大小 " << sizes->before << " → " << sizes->after << " 字节\n";
  }
  return 0;
}

// `db backup`: a copy of a SQLite database taken while it is in use
// (storage::BackupSqliteFile). The uploaded files and the master key are not in it.
int DbBackup(const CommonOptions& common, const std::string& to) {
  auto config = ConfigureExisting(common);
  if (!config.ok()) return Fail(config.error());
  auto url = storage::ParseDbUrl(config->db_url);
  if (!url.ok()) return Fail(url.error());
  auto size = storage::BackupSqliteFile(*url, to);
  if (!size.ok()) return Fail(size.error());
  std::cout << "备份已写入 " << to << "（" << *size << " 字节）\n"
            << "备份中不含、须另行备份的：上传文件目录（" << config->services.files_dir << "）和主密钥（"
            << (config->master_key_hex ? std::string("LIANTIAO_MASTER_KEY") : config->master_key_file) << "）\n";
  return 0;
}

struct DeviceCli {
  std::string profile, endpoint, app_id, project_code, corp_code, corp_name, send, data_file, example;
  std::string profiles_dir = DefaultProfilesDir();
  bool secret_stdin = false, mistakes = false, quiet = false;
  int workers = 2, poll_ms = 500;
};

// The `data` of `device --send`, read from its file (see DeviceData).
Result<DeviceRequest> ReadDeviceData(const std::string& file) {
  // A request's data is at most a request body (1 MB in the shipped profiles): a larger
  // file is refused after reading a little past that rather than read to its end.
  constexpr std::size_t kMaxDataBytes = 4u << 20;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return MakeError(ErrorCode::kInvalidField, "无法读取 --data 文件：" + file + "（这是一个目录）");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kInvalidField, "无法读取 --data 文件：" + file);
  std::string text(kMaxDataBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxDataBytes) return MakeError(ErrorCode::kInvalidField, "--data 文件过大（上限 4 MB）：" + file);
  auto data = DeviceData(text);
  if (!data.ok()) return MakeError(ErrorCode::kInvalidField, data.error().message + "：" + file);
  return data;
}

// `device --send METHOD --example NAME`: the profile's example of that name, its own or
// one it inherits, so that an engineer need not know where in spec/profiles it lives.
Result<DeviceRequest> ShippedExample(const standard::Profile& profile, const std::string& method,
                                     const std::string& name) {
  std::vector<std::string> names;
  for (const auto& e : profile.examples) {
    if (e.method != method) continue;
    if (e.name == name) return DeviceRequestOf(e.body);
    names.push_back(e.name);
  }
  std::sort(names.begin(), names.end());
  std::string listed;
  for (const auto& n : names) listed += (listed.empty() ? "" : "、") + n;
  return MakeError(ErrorCode::kInvalidField,
                   "接口标准 " + profile.name + " 中没有 " + method + " 的示例 " + name +
                       (names.empty() ? "（该方法没有随附示例）" : "；可用的示例：" + listed),
                   {{"field", "example"}});
}

int Device(const DeviceCli& cli) {
  if (!cli.send.empty() && cli.data_file.empty() && cli.example.empty()) {
    return Usage("用法错误：--send 须与 --data 或 --example 一起使用。运行 liantiao device --help 查看用法");
  }
  auto profiles = standard::ProfileSet::LoadDirectory(cli.profiles_dir);
  if (!profiles.ok()) return Fail(profiles.error());
  const standard::Profile* profile = profiles->Find(cli.profile);
  if (!profile) return Usage("未知的接口标准 " + cli.profile + "（" + cli.profiles_dir + " 中没有）");
  DeviceRequest send_data;
  if (!cli.send.empty()) {
    auto data = cli.example.empty() ? ReadDeviceData(cli.data_file) : ShippedExample(*profile, cli.send, cli.example);
    if (!data.ok()) return cli.example.empty() ? Fail(data.error()) : Usage(data.error());
    send_data = std::move(*data);
  }
  std::string secret;
  std::getline(std::cin, secret);
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.empty()) return Fail("标准输入中没有密钥（--secret-stdin）");
  SystemClock clock;
  DeviceOptions o;
  o.profile = profile;
  o.endpoint = cli.endpoint;
  o.app_id = cli.app_id;
  o.secret = secret;
  o.project_code = cli.project_code;
  o.corp_code = cli.corp_code;
  o.corp_name = cli.corp_name;
  o.mistakes = cli.mistakes;
  o.workers = cli.workers;
  o.poll_interval = std::chrono::milliseconds(cli.poll_ms);
  o.quiet = cli.quiet;
  o.clock = &clock;
  if (!cli.send.empty()) {
    auto sent = SendOne(o, cli.send, send_data, std::cout);
    if (!sent.ok()) return Fail(sent.error());
    std::cout << "device：" << cli.send << " 已受理\n";
    return 0;
  }
  auto report = RunDevice(o, std::cout);
  if (!report.ok()) return Fail(report.error());
  std::cout << "device：共 " << report->exchanges.size() << " 个请求，受理 " << report->accepted << " 个，拒绝 "
            << report->refused << " 个" << (cli.mistakes ? "（含有意出错的请求）" : "") << "\n";
  return report->ok() ? 0 : 1;
}

// The columns a terminal gives `text`: two for a wide or full-width character (ICU's
// East Asian Width), one for anything else.
std::size_t DisplayWidth(std::string_view text) {
  std::size_t width = 0;
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(text.data(), i, length, c);
    const int ea = c < 0 ? U_EA_NARROW : u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    width += (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
  }
  return width;
}

// CLI11's formatter pads an option's left column by bytes (detail::format_help), which
// leaves a row holding Chinese (必填) short of the description column; this one pads by
// what the terminal shows.
class ChineseFormatter : public CLI::Formatter {
 public:
  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    const std::string left = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
    const std::string description = make_option_desc(opt);
    const std::size_t column = get_column_width(), width = DisplayWidth(left);
    std::string out = left;
    if (!description.empty()) {
      out += width >= column ? "\n" + std::string(column, ' ') : std::string(column - width, ' ');
      for (const char c : description) {
        out += c;
        if (c == '\n') out += std::string(column, ' ');
      }
    }
    return out + "\n";
  }
};

// The help in Chinese, as the rest of what the command line says: CLI11's own words
// (labels, the help and version flags, the group titles) set once on the root, which
// every subcommand copies when it is added. TEXT and INT stay as the metavariables
// they are.
void SpeakChinese(CLI::App& cli) {
  auto formatter = std::make_shared<ChineseFormatter>();
  cli.formatter(formatter);
  for (const auto& [label, chinese] : {std::pair{"Usage", "用法"},
                                       {"OPTIONS", "选项"},
                                       {"SUBCOMMAND", "子命令"},
                                       {"SUBCOMMANDS", "子命令"},
                                       {"REQUIRED", "必填"},
                                       {"Needs", "须同时给出"},
                                       {"Excludes", "不可同时给出"},
                                       {"Positionals", "位置参数"},
                                       {"Env", "环境变量"}}) {
    formatter->label(label, chinese);
  }
  cli.option_defaults()->group("选项");
  cli.set_help_flag("-h,--help", "显示帮助并退出");
  cli.group("子命令");
}

// A subcommand's help flag is made before it copies the root's option group: moved into
// it, so that its help lists one group of options.
void GroupHelpFlags(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands({})) {
    if (CLI::Option* help = sub->get_help_ptr()) help->group("选项");
    GroupHelpFlags(*sub);
  }
}

}  // namespace

int RunCli(int argc, char** argv) {
  // What the commands create (the SQLite database with its password and session hashes,
  // backups, uploaded materials, the master key) is the operator's alone: 0600 files,
  // 0700 directories, whatever umask the shell had.
  ::umask(0077);
  // Logs go to stderr so that stdout carries only what a command answers (the demo
  // logins, the listening address).
  spdlog::set_default_logger(spdlog::stderr_color_mt("liantiao"));
  // One-shot commands print their answer and, on failure, one line; `serve` logs more.
  spdlog::set_level(spdlog::level::warn);
  CLI::App cli{"liantiao：建筑工地实名制设备联调对接平台"};
  SpeakChinese(cli);
  cli.require_subcommand(1);
  // Which build an operator runs, and the newest schema change it migrates a database to.
  const auto migrations = storage::EmbeddedMigrations();
  cli.set_version_flag("--version",
                       std::string("liantiao ") + LIANTIAO_VERSION + " (database schema " +
                           (migrations.empty() ? std::string("none") : std::string(migrations.back().name)) + ")",
                       "显示版本并退出");
  CommonOptions common;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--config", common.config_file, "JSON 配置文件");
    sub->add_option("--db", common.db, "数据库地址：sqlite:路径 或 postgresql://…");
  };

  std::optional<std::string> listen;
  bool test_clock = false;
  auto* serve = cli.add_subcommand("serve", "运行 HTTP 服务、期限巡检，以及对各市自有测试环境的探测");
  add_common(serve);
  serve->add_option("--listen", listen, "主机:端口（端口 0：任一空闲端口）");
  serve->add_flag("--test-clock", test_clock, "启用 PUT /test/clock、POST /test/sweep 与 POST /test/probe（仅供测试）");

  auto* demo = cli.add_subcommand("demo", "写入演示数据，并列出演示账号");
  add_common(demo);

  auto* user = cli.add_subcommand("user", "用户管理");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "新增用户，密码从标准输入读取");
  add_common(user_add);
  std::string role, username, display;
  std::optional<std::string> city;
  std::optional<long long> vendor;
  bool password_stdin = false;
  user_add
      ->add_option(
          "--role", role,
          "角色：vendor（企业）、city_reviewer（市审核）、tech_support（技术支持）、province（省厅）或 admin（管理员）")
      ->required();
  user_add->add_option("--city", city, "城市代码（city_reviewer、tech_support 须给出）");
  user_add->add_option("--vendor", vendor, "企业编号（vendor 须给出）");
  user_add->add_option("--username", username, "登录名")->required();
  user_add->add_option("--display-name", display, "显示名称");
  user_add->add_flag("--password-stdin", password_stdin, "从标准输入读取密码")->required();

  auto* vendor_cmd = cli.add_subcommand("vendor", "企业管理");
  vendor_cmd->require_subcommand(1);
  auto* vendor_list = vendor_cmd->add_subcommand("list", "列出企业：编号、统一社会信用代码、状态、名称");
  add_common(vendor_list);
  std::optional<std::string> vendor_search;
  vendor_list->add_option("--search", vendor_search, "名称或信用代码的一部分");
  auto* vendor_release = vendor_cmd->add_subcommand("release", "注销企业：停用其用户，其信用代码可重新注册");
  add_common(vendor_release);
  long long release_id = 0;
  std::string release_reason;
  vendor_release->add_option("--vendor", release_id, "企业编号（见 vendor list）")->required();
  vendor_release->add_option("--reason", release_reason, "注销原因，记入历史记录")->required();

  auto* calendar = cli.add_subcommand("calendar", "工作日日历");
  calendar->require_subcommand(1);
  auto* import = calendar->add_subcommand("import", "从 JSON 或 .ics 文件导入年度日历");
  add_common(import);
  std::string file;
  import->add_option("FILE", file, "日历文件（JSON 或 .ics）")->required();

  auto* history = cli.add_subcommand("history", "防篡改历史记录");
  history->require_subcommand(1);
  auto* verify = history->add_subcommand("verify", "校验哈希链，指出第一条断开的记录");
  add_common(verify);

  auto* report = cli.add_subcommand("report", "联调测试报告");
  report->require_subcommand(1);
  auto* report_verify = report->add_subcommand(
      "verify", "按数据库核对报告：证据摘要，以及留存报告的内容与其决定的历史记录；核对申请留存的报告或报告文件");
  add_common(report_verify);
  std::optional<long long> report_application;
  std::string report_file;
  auto* report_app_option =
      report_verify->add_option("--application", report_application, "申请编号：核对其决定留存的报告");
  report_verify->add_option("FILE", report_file, "下载的报告文件（report.json）")->excludes(report_app_option);

  auto* db = cli.add_subcommand("db", "数据库文件");
  db->require_subcommand(1);
  auto* repack = db->add_subcommand("repack", "SQLite：以 16 KB 页重写较小页的数据库文件（须先停止服务）");
  add_common(repack);
  auto* backup = db->add_subcommand("backup", "SQLite：把数据库的一致副本写入新文件（服务可继续运行）");
  add_common(backup);
  std::string backup_to;
  backup->add_option("--to", backup_to, "新文件（不会覆盖已有文件）")->required();

  auto* profile_cmd = cli.add_subcommand("profile", "接口标准");
  profile_cmd->require_subcommand(1);
  auto* profile_check = profile_cmd->add_subcommand(
      "check", "加载接口标准目录并列出其中的接口标准（不连接数据库）：修改后、重启服务前检查");
  profile_check->add_option("--config", common.config_file, "JSON 配置文件（其 profiles_dir）");
  std::optional<std::string> check_dir;
  profile_check->add_option("--profiles-dir", check_dir, "接口标准目录（默认为配置的 profiles_dir）");

  auto* device = cli.add_subcommand("device", "设备模拟器：向测试环境签名发送一组真实的请求序列");
  DeviceCli dev;
  device->add_option("--profile", dev.profile, "接口标准，如 gd-v1.3")->required();
  device->add_option("--endpoint", dev.endpoint, "领取测试密钥时给出的接口地址")->required();
  device->add_option("--app-id", dev.app_id, "测试密钥的 app_id")->required();
  device->add_flag("--secret-stdin", dev.secret_stdin, "从标准输入读取密钥的 secret")->required();
  device->add_flag("--mistakes", dev.mistakes, "同时发送有意出错的请求，再予纠正");
  device->add_option("--project-code", dev.project_code, "测试项目编码（默认取自 CheckSign.Query）");
  device->add_option("--corp-code", dev.corp_code, "总承包单位统一社会信用代码");
  device->add_option("--corp-name", dev.corp_name, "总承包单位名称");
  device->add_option("--workers", dev.workers, "登记的工人数（1–5）")->check(CLI::Range(1, 5));
  device->add_option("--poll-ms", dev.poll_ms, "异步结果查询的间隔（毫秒）")->check(CLI::Range(0, 60000));
  device->add_option("--profiles-dir", dev.profiles_dir, "接口标准目录（spec/profiles）");
  device->add_flag("--quiet", dev.quiet, "只输出汇总");
  auto* send =
      device->add_option("--send", dev.send, "只发送此方法的一个请求，而非整组序列（须给出 --data 或 --example）");
  auto* data =
      device->add_option("--data", dev.data_file, "请求的 data：JSON 文件，或随附的示例文件（与 --send 同用）");
  auto* example = device->add_option("--example", dev.example,
                                     "按名称发送随附的示例，如 valid-renamed（与 --send 同用，代替 --data）");
  data->needs(send);
  example->needs(send);
  example->excludes(data);
  send->excludes(device->get_option("--mistakes"));

  GroupHelpFlags(cli);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version print and succeed; anything else is one line, as every
    // other refusal of the command line is.
    if (e.get_exit_code() == 0) return cli.exit(e);
    return Usage("用法错误：" + ParseErrorText(cli, e, argc, argv) + "。运行 liantiao --help 查看用法");
  }
  // A --db the command cannot read is a usage error, as a --listen is; the same URL
  // from a config file is a failure of the configuration (exit 1).
  if (common.db) {
    if (auto url = storage::ParseDbUrl(*common.db); !url.ok()) return Usage(url.error());
  }
  try {
    if (*serve) return Serve(common, listen, test_clock);
    if (*demo) {
      auto config = Configure(common);
      if (!config.ok()) return Fail(config.error());
      auto r = RunDemo(*config, std::cout);
      return r.ok() ? 0 : Fail(r.error());
    }
    if (*user_add) return UserAdd(common, role, city, vendor, username, display);
    if (*vendor_list) return VendorList(common, vendor_search);
    if (*vendor_release) return VendorRelease(common, release_id, release_reason);
    if (*import) return CalendarImport(common, file);
    if (*verify) return HistoryVerify(common);
    if (*report_verify) {
      if (!report_application && report_file.empty()) {
        return Usage("用法错误：须给出 --application 或报告文件（FILE）。运行 liantiao report verify --help 查看用法");
      }
      return ReportVerify(common, report_application, report_file);
    }
    if (*profile_check) return ProfileCheck(common, check_dir);
    if (*repack) return DbRepack(common);
    if (*backup) return DbBackup(common, backup_to);
    if (*device) return Device(dev);
  } catch (const std::exception& e) {
    return Fail(std::string("意外错误：") + e.what());
  }
  return 2;
}

}  // namespace liantiao::app
