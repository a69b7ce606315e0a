// The command line of api.md, run as a subprocess on a fresh database of each kind.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <soci/sqlite3/soci-sqlite3.h>
#include <nlohmann/json.hpp>

#include "storage/database.h"
#include "testing/must.h"
#include "testing/test_database.h"

namespace liantiao {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code;
  std::string out, err;
};

class CliTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(testing::TestDatabase::Create(GetParam()));
    ASSERT_FALSE(db_->url().empty());
    dir_ = fs::temp_directory_path() / ("lt_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The test's database, opened beside the commands (null, with a failure, if it cannot be).
  std::unique_ptr<storage::Database> OpenDb() {
    auto url = storage::ParseDbUrl(db_->url());
    EXPECT_TRUE(url.ok());
    if (!url.ok()) return nullptr;
    auto db = storage::Database::Open(*url, 1);
    EXPECT_TRUE(db.ok());
    return db.ok() ? std::move(db).value() : nullptr;
  }

  // A copy of the shipped profiles in which Team.Update's $ref names a file that is not
  // there (Team.Added.json).
  fs::path BrokenProfiles() {
    const fs::path profiles = dir_ / "profiles";
    fs::copy(fs::path(LIANTIAO_SOURCE_DIR) / "spec" / "profiles", profiles, fs::copy_options::recursive);
    const fs::path update = profiles / "national-1.0" / "methods" / "Team.Update.json";
    std::string text = Slurp(update);
    const auto at = text.find("methods/Team.Add.json#");
    EXPECT_NE(at, std::string::npos) << text;
    if (at != std::string::npos) text.replace(at, std::string("methods/Team.Add").size(), "methods/Team.Added");
    std::ofstream(update) << text;
    return profiles;
  }

  // How many tables the test's database has (0: never migrated).
  int Tables() {
    auto db = OpenDb();
    if (!db) return -1;
    return testing::Must(db->Read<int>([](soci::session& sql) -> Result<int> {
      int n = 0;
      if (storage::DialectOf(sql) == storage::Dialect::kPostgres) {
        sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()", soci::into(n);
      } else {
        sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'", soci::into(n);
      }
      return n;
    }));
  }

  static std::string Quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  }
  static std::string Slurp(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }

  // Runs `liantiao ARGS --db URL` (with_db) and stdin text; captures everything.
  CliRun Liantiao(const std::string& args, const std::string& stdin_text = "", bool with_db = true,
                  const std::string& env = "") {
    const fs::path in = dir_ / "stdin", out = dir_ / "stdout", err = dir_ / "stderr";
    std::ofstream(in) << stdin_text;
    std::string cmd = "cd " + Quote(dir_.string()) +
                      " && env LIANTIAO_PASSWORD_COST=min LIANTIAO_MASTER_KEY=" + std::string(64, 'c') +
                      " LIANTIAO_FILES_DIR=" + Quote((dir_ / "files").string()) + " " + env + " " + LIANTIAO_BINARY +
                      " " + args + (with_db ? " --db " + Quote(db_->url()) : "") + " <" + Quote(in.string()) + " >" +
                      Quote(out.string()) + " 2>" + Quote(err.string());
    const int status = std::system(cmd.c_str());
    return CliRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
  }

  std::unique_ptr<testing::TestDatabase> db_;
  fs::path dir_;
};

// The help speaks Chinese, CLI11's own words included, and its descriptions start in
// one column however many Chinese characters the option's side holds.
TEST_P(CliTest, HelpIsChineseInAlignedColumns) {
  CliRun help = Liantiao("device --help", "", false);
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const std::string word :
       {"用法:", "选项:", "必填", "须同时给出: --send", "显示帮助并退出", "接口标准，如 gd-v1.3"}) {
    EXPECT_NE(help.out.find(word), std::string::npos) << word << "\n" << help.out;
  }
  for (const std::string english : {"Usage", "Options", "REQUIRED", "Needs", "Print this help"}) {
    EXPECT_EQ(help.out.find(english), std::string::npos) << english << "\n" << help.out;
  }
  // The column where a description starts, counted as a terminal shows it: a Chinese
  // character (three bytes) takes two columns.
  const auto column = [](const std::string& line, const std::string& description) {
    const std::string before = line.substr(0, line.find(description));
    std::size_t width = 0;
    for (std::size_t i = 0; i < before.size();) {
      const auto lead = static_cast<unsigned char>(before[i]);
      width += lead >= 0xE0 ? 2 : 1;
      i += lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    }
    return width;
  };
  std::istringstream lines(help.out);
  std::map<std::string, std::size_t> columns;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("--profile TEXT 必填") != std::string::npos) columns["profile"] = column(line, "接口标准");
    if (line.find("--corp-code TEXT") != std::string::npos) columns["corp-code"] = column(line, "总承包单位");
    if (line.find("--help") != std::string::npos) columns["help"] = column(line, "显示帮助");
  }
  ASSERT_EQ(columns.size(), 3u) << help.out;
  EXPECT_EQ(columns["profile"], columns["corp-code"]) << help.out;
  EXPECT_EQ(columns["help"], columns["corp-code"]) << help.out;
  CliRun root = Liantiao("--help", "", false);
  EXPECT_NE(root.out.find("子命令:"), std::string::npos) << root.out;
  EXPECT_NE(root.out.find("显示版本并退出"), std::string::npos) << root.out;
}

TEST_P(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Liantiao("--help", "", false).exit_code, 0);
  CliRun version = Liantiao("--version", "", false);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("liantiao ", 0), 0u) << version.out;
  EXPECT_NE(version.out.find("(database schema 0"), std::string::npos) << version.out;
  EXPECT_EQ(Liantiao("", "", false).exit_code, 2);
  EXPECT_EQ(Liantiao("frobnicate", "", false).exit_code, 2);
  EXPECT_EQ(Liantiao("user add --username x", "", false).exit_code, 2);  // --role and --password-stdin missing
  // Told in one line, in Chinese around what the parser found.
  CliRun unknown = Liantiao("frobnicate", "", false);
  EXPECT_EQ(std::count(unknown.err.begin(), unknown.err.end(), '\n'), 1) << unknown.err;
  EXPECT_NE(unknown.err.find("用法错误"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("未知的子命令：frobnicate"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("serve"), std::string::npos) << "the choices: " << unknown.err;
  CliRun nothing = Liantiao("", "", false);
  EXPECT_NE(nothing.err.find("缺少子命令"), std::string::npos) << nothing.err;
  CliRun extra = Liantiao("serve --bogus", "", false);
  EXPECT_EQ(extra.exit_code, 2);
  EXPECT_NE(extra.err.find("无法识别的参数：--bogus"), std::string::npos) << extra.err;
  EXPECT_NE(Liantiao("device --app-id x", "", false).err.find("缺少必需的选项：--"), std::string::npos);
  EXPECT_NE(Liantiao("serve --listen", "", false).err.find("选项缺少取值：--listen"), std::string::npos);
  CliRun vendor = Liantiao("user add --role vendor --vendor abc --username vend9 --password-stdin", "", false);
  EXPECT_EQ(vendor.exit_code, 2);
  EXPECT_NE(vendor.err.find("选项的取值无效：--vendor"), std::string::npos) << vendor.err;
  // An account that must belong somewhere is told where before anything is opened.
  CliRun no_city = Liantiao("user add --role city_reviewer --username r9 --password-stdin", "Passw0rd!cli\n", false);
  EXPECT_EQ(no_city.exit_code, 2);
  EXPECT_NE(no_city.err.find("--city"), std::string::npos) << no_city.err;
  CliRun no_vendor = Liantiao("user add --role vendor --username v9 --password-stdin", "Passw0rd!cli\n", false);
  EXPECT_EQ(no_vendor.exit_code, 2);
  EXPECT_NE(no_vendor.err.find("--vendor"), std::string::npos) << no_vendor.err;
  // So are a city for a role that has none, a malformed user name and a short password.
  CliRun admin_city =
      Liantiao("user add --role admin --city 440100 --username adm9 --password-stdin", "Passw0rd!cli\n", false);
  EXPECT_EQ(admin_city.exit_code, 2) << admin_city.err;
  EXPECT_NE(admin_city.err.find("该角色不能指定城市"), std::string::npos) << admin_city.err;
  CliRun bad_name = Liantiao("user add --role province --username 'a b' --password-stdin", "Passw0rd!cli\n", false);
  EXPECT_EQ(bad_name.exit_code, 2) << bad_name.err;
  EXPECT_NE(bad_name.err.find("用户名"), std::string::npos) << bad_name.err;
  EXPECT_EQ(Liantiao("user add --role province --username prov9 --password-stdin", "short\n", false).exit_code, 2);
  // A city code that is not six digits, or an enterprise number that is not positive,
  // cannot be right whatever the database holds.
  CliRun short_city =
      Liantiao("user add --role city_reviewer --city 4401 --username rev8 --password-stdin", "Passw0rd!cli\n", false);
  EXPECT_EQ(short_city.exit_code, 2) << short_city.err;
  EXPECT_NE(short_city.err.find("6 位数字"), std::string::npos) << short_city.err;
  EXPECT_EQ(Liantiao("user add --role vendor --vendor 0 --username vend8 --password-stdin", "Passw0rd!cli\n", false)
                .exit_code,
            2);
  // Values the command does not know are usage errors too, told in one line.
  CliRun profile =
      Liantiao("device --profile gd-v9 --endpoint http://127.0.0.1:1/x --app-id a --secret-stdin", "s\n", false);
  EXPECT_EQ(profile.exit_code, 2);
  EXPECT_NE(profile.err.find("未知的接口标准 gd-v9"), std::string::npos) << profile.err;
  // `--send` takes its data from a file, and sends no deliberate mistakes.
  const std::string device = "device --profile gd-v1.3 --endpoint http://127.0.0.1:1/x --app-id a --secret-stdin";
  CliRun no_data = Liantiao(device + " --send Team.Add", "s\n", false);
  EXPECT_EQ(no_data.exit_code, 2) << no_data.err;
  EXPECT_NE(no_data.err.find("--send 须与 --data 或 --example 一起使用"), std::string::npos) << no_data.err;
  EXPECT_EQ(Liantiao(device + " --data x.json", "s\n", false).exit_code, 2);
  CliRun both = Liantiao(device + " --send Team.Add --data x.json --mistakes", "s\n", false);
  EXPECT_EQ(both.exit_code, 2) << both.err;
  EXPECT_NE(both.err.find("不能与"), std::string::npos) << both.err;
  CliRun missing = Liantiao(device + " --send Team.Add --data missing.json", "s\n", false);
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_NE(missing.err.find("无法读取 --data 文件：missing.json"), std::string::npos) << missing.err;
  std::ofstream(dir_ / "bad.json") << "{\"teamName\": ";
  CliRun bad = Liantiao(device + " --send Team.Add --data bad.json", "s\n", false);
  EXPECT_EQ(bad.exit_code, 1) << bad.err;
  EXPECT_NE(bad.err.find("不是有效的 JSON"), std::string::npos) << bad.err;
  // Or a shipped example by name, gd-v1.3 inheriting national-1.0's: an unknown name is
  // a usage error naming the method's examples; a known one is sent (and here fails to
  // connect, as nothing listens at the endpoint).
  CliRun unknown_example = Liantiao(device + " --send Worker.Query --example valid-nobody", "s\n", false);
  EXPECT_EQ(unknown_example.exit_code, 2) << unknown_example.err;
  EXPECT_NE(unknown_example.err.find("接口标准 gd-v1.3 中没有 Worker.Query 的示例 valid-nobody；可用的示例："),
            std::string::npos)
      << unknown_example.err;
  EXPECT_NE(unknown_example.err.find("valid-registered"), std::string::npos) << unknown_example.err;
  CliRun no_examples = Liantiao(device + " --send Nothing.Add --example x", "s\n", false);
  EXPECT_NE(no_examples.err.find("该方法没有随附示例"), std::string::npos) << no_examples.err;
  EXPECT_EQ(Liantiao(device + " --example valid-registered", "s\n", false).exit_code, 2);  // no --send
  EXPECT_EQ(Liantiao(device + " --send Worker.Query --example valid-registered --data x.json", "s\n", false).exit_code,
            2);
  CliRun found = Liantiao(device + " --send Worker.Query --example valid-registered", "s\n", false);
  EXPECT_EQ(found.exit_code, 1) << found.err;
  EXPECT_EQ(found.err.find("示例"), std::string::npos) << found.err;
}

TEST_P(CliTest, UserAddReadsThePasswordFromStdinAndRefusesDuplicates) {
  CliRun ok =
      Liantiao("user add --role city_reviewer --city 440100 --username user1 --password-stdin", "Passw0rd!cli\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("user1"), std::string::npos);
  CliRun again =
      Liantiao("user add --role city_reviewer --city 440100 --username user1 --password-stdin", "Passw0rd!cli\n");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(std::count(again.err.begin(), again.err.end(), '\n'), 1) << again.err;  // one clear line
  EXPECT_NE(again.err.find("already_exists"), std::string::npos) << again.err;
  CliRun wizard = Liantiao("user add --role wizard --username u2 --password-stdin", "Passw0rd!cli\n");
  EXPECT_EQ(wizard.exit_code, 2);
  EXPECT_NE(wizard.err.find("未知的角色：wizard"), std::string::npos) << wizard.err;
  EXPECT_EQ(std::count(wizard.err.begin(), wizard.err.end(), '\n'), 1) << wizard.err;
  EXPECT_EQ(Liantiao("user add --role city_reviewer --city 999999 --username user3 --password-stdin", "Passw0rd!cli\n")
                .exit_code,
            1);
}

TEST_P(CliTest, CalendarImportJsonAndIcs) {
  ASSERT_EQ(Liantiao("user add --role province --username prov1 --password-stdin", "Passw0rd!cli\n").exit_code, 0);
  std::ofstream(dir_ / "2027.json") << R"({"year": 2027, "holidays": ["2027-01-01"], "workdays": []})";
  CliRun ok = Liantiao("calendar import 2027.json");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("2027"), std::string::npos);
  std::ofstream(dir_ / "bad.json") << R"({"year": 2027, "holidays": ["2027-02-30"]})";
  CliRun bad = Liantiao("calendar import bad.json");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  const fs::path ics = fs::path(LIANTIAO_SOURCE_DIR) / "tests/domain/testdata/chinese-days-2026.ics";
  CliRun feed = Liantiao("calendar import " + Quote(ics.string()));
  EXPECT_EQ(feed.exit_code, 0) << feed.err;
  EXPECT_EQ(Liantiao("calendar import missing.json").exit_code, 1);
  // A directory, and an endless input, each refused with one line of its own.
  CliRun dir = Liantiao("calendar import " + Quote(dir_.string()));
  EXPECT_EQ(dir.exit_code, 1);
  EXPECT_NE(dir.err.find("目录"), std::string::npos) << dir.err;
  CliRun endless = Liantiao("calendar import /dev/zero");
  EXPECT_EQ(endless.exit_code, 1);
  EXPECT_NE(endless.err.find("过大"), std::string::npos) << endless.err;
  // Upper-case extensions are the same formats.
  fs::copy_file(ics, dir_ / "FEED.ICS");
  CliRun upper = Liantiao("calendar import FEED.ICS");
  EXPECT_EQ(upper.exit_code, 0) << upper.err;
}

TEST_P(CliTest, IcsImportMergesIntoStoredYears) {
  // A feed holding only a holiday that spills into 2026-12-31 must not wipe 2026.
  std::ofstream(dir_ / "spill.ics") << "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:元旦 休\r\n"
                                       "DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270102\r\n"
                                       "END:VEVENT\r\nEND:VCALENDAR\r\n";
  ASSERT_EQ(Liantiao("user add --role province --username prov1 --password-stdin", "Passw0rd!cli\n").exit_code, 0);
  CliRun r = Liantiao("calendar import spill.ics");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The stored 2026 keeps its holidays (10-01) and adjusted working days (10-10), and
  // gains the imported 12-31.
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto workdays = db->Read<std::string>([](soci::session& sql) -> Result<std::string> {
    std::string w, h;
    sql << "SELECT workdays, holidays FROM calendar_years WHERE year = 2026", soci::into(w), soci::into(h);
    return w + h;
  });
  ASSERT_TRUE(workdays.ok());
  EXPECT_NE(workdays->find("2026-10-10"), std::string::npos);
  EXPECT_NE(workdays->find("2026-12-31"), std::string::npos);
  EXPECT_NE(workdays->find("2026-10-01"), std::string::npos);
}

// A year a feed only reaches into at New Year does not become official; a year it
// covers replaces an admin's unofficial guess instead of keeping it.
TEST_P(CliTest, IcsImportOfficialOnlyForTheYearsAFeedCovers) {
  ASSERT_EQ(Liantiao("user add --role province --username prov1 --password-stdin", "Passw0rd!cli\n").exit_code, 0);
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto year = [&](int y) {
    return db->Read<std::string>([y](soci::session& sql) -> Result<std::string> {
      int official = 0;
      std::string h;
      sql << "SELECT official, holidays FROM calendar_years WHERE year = :y", soci::use(y), soci::into(official),
          soci::into(h);
      return std::to_string(official) + " " + h;
    });
  };
  auto event = [](const std::string& from, const std::string& to) {
    return "BEGIN:VEVENT\r\nSUMMARY:休\r\nDTSTART;VALUE=DATE:" + from + "\r\nDTEND;VALUE=DATE:" + to +
           "\r\nEND:VEVENT\r\n";
  };
  std::ofstream(dir_ / "2031.ics") << "BEGIN:VCALENDAR\r\n" + event("20301230", "20310102") +
                                          event("20310205", "20310211") + "END:VCALENDAR\r\n";
  ASSERT_EQ(Liantiao("calendar import 2031.ics").exit_code, 0);
  auto y2030 = year(2030), y2031 = year(2031);
  ASSERT_TRUE(y2030.ok() && y2031.ok());
  EXPECT_EQ(y2030->substr(0, 2), "0 ") << *y2030;  // a fragment: 2030's deadlines stay provisional
  EXPECT_NE(y2030->find("2030-12-30"), std::string::npos) << *y2030;
  EXPECT_EQ(y2031->substr(0, 2), "1 ") << *y2031;

  std::ofstream(dir_ / "guess.json") << R"({"year": 2029, "official": false, "holidays": ["2029-01-04"]})";
  ASSERT_EQ(Liantiao("calendar import guess.json").exit_code, 0);
  std::ofstream(dir_ / "2029.ics") << "BEGIN:VCALENDAR\r\n" + event("20290101", "20290102") +
                                          event("20290501", "20290504") + "END:VCALENDAR\r\n";
  ASSERT_EQ(Liantiao("calendar import 2029.ics").exit_code, 0);
  auto y2029 = year(2029);
  ASSERT_TRUE(y2029.ok());
  EXPECT_EQ(y2029->substr(0, 2), "1 ") << *y2029;
  EXPECT_EQ(y2029->find("2029-01-04"), std::string::npos) << *y2029;  // the guess is gone
}

TEST_P(CliTest, HistoryVerifyNamesTheFirstBrokenEntry) {
  ASSERT_EQ(Liantiao("user add --role province --username prov1 --password-stdin", "Passw0rd!cli\n").exit_code, 0);
  ASSERT_EQ(Liantiao("user add --role province --username prov2 --password-stdin", "Passw0rd!cli\n").exit_code, 0);
  CliRun ok = Liantiao("history verify");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("历史记录完好：共 2 条"), std::string::npos) << ok.out;
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    auto st = db->Transact<Ok>([](soci::session& sql) -> Result<Ok> {
      sql << "UPDATE history SET actor_name = 'someone else' WHERE seq = 1";
      return Ok{};
    });
    ASSERT_TRUE(st.ok());
  }
  CliRun broken = Liantiao("history verify");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("历史记录链在第 1 条断开"), std::string::npos) << broken.err;
}

// `report verify` recomputes a report's evidence digest from the database: the report
// an application's decision kept, or a report file as downloaded.
TEST_P(CliTest, ReportVerifyChecksAKeptReportOrAFile) {
  ASSERT_EQ(Liantiao("demo").exit_code, 0);
  long long app = 0;
  std::string kept;
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    auto st = db->Read<Ok>([&](soci::session& sql) -> Result<Ok> {
      sql << "SELECT application_id, report FROM decided_reports ORDER BY application_id LIMIT 1", soci::into(app),
          soci::into(kept);
      return Ok{};
    });
    ASSERT_TRUE(st.ok());
  }
  ASSERT_GT(app, 0) << "the demo decides applications";
  CliRun ok = Liantiao("report verify --application " + std::to_string(app));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("报告核对一致：证据摘要 sha256:"), std::string::npos) << ok.out;
  std::ofstream(dir_ / "report.json") << kept;
  EXPECT_NE(ok.out.find("报告内容摘要 sha256:"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("与历史记录第 "), std::string::npos) << ok.out;
  CliRun file = Liantiao("report verify report.json");
  EXPECT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(file.out, ok.out);
  // The same report as another program may save it: indented, its keys in another order.
  nlohmann::ordered_json reordered;
  const nlohmann::json parsed = nlohmann::json::parse(kept);
  for (auto it = parsed.rbegin(); it != parsed.rend(); ++it) reordered[it.key()] = *it;
  std::ofstream(dir_ / "indented.json") << reordered.dump(2);
  CliRun indented = Liantiao("report verify indented.json");
  EXPECT_EQ(indented.exit_code, 0) << indented.err;
  EXPECT_EQ(indented.out, ok.out);

  // A kept report whose verdict was changed: its evidence is as it was, its content is
  // not what the decision recorded.
  nlohmann::json passed = parsed;
  passed["summary"]["all_required_passed"] = !parsed["summary"]["all_required_passed"].get<bool>();
  std::ofstream(dir_ / "passed.json") << passed.dump();
  CliRun verdict = Liantiao("report verify passed.json");
  EXPECT_EQ(verdict.exit_code, 1);
  EXPECT_EQ(verdict.err.find("证据摘要不一致"), std::string::npos) << verdict.err;
  EXPECT_NE(verdict.err.find("报告内容摘要不一致：历史记录第 "), std::string::npos) << verdict.err;
  EXPECT_NE(verdict.err.find("报告在结论记录后被改动"), std::string::npos) << verdict.err;
  EXPECT_EQ(std::count(verdict.err.begin(), verdict.err.end(), '\n'), 1) << verdict.err;
  // A report not kept by a decision (as downloaded before it) whose evidence range is the
  // kept one's: the same rows give the same verdict, so its verdict is compared with the
  // kept report's. Unchanged it passes; an edited verdict does not, nor does an edited one
  // that names another application or claims a decision that application never had.
  nlohmann::json live = parsed;
  live["frozen_at"] = nullptr;
  std::ofstream(dir_ / "live.json") << live.dump();
  CliRun unkept = Liantiao("report verify live.json");
  EXPECT_EQ(unkept.exit_code, 0) << unkept.err;
  EXPECT_NE(unkept.out.find("报告结论与申请 " + std::to_string(app) + " 就同一密钥"), std::string::npos) << unkept.out;
  for (const auto& [name, forged] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"no_frozen",
                                                            [&] {
                                                              nlohmann::json f = passed;
                                                              f.erase("frozen_at");
                                                              return f;
                                                            }()},
                                                           {"frozen_number",
                                                            [&] {
                                                              nlohmann::json f = passed;
                                                              f["frozen_at"] = 12;
                                                              return f;
                                                            }()},
                                                           {"other_application",
                                                            [&] {
                                                              nlohmann::json f = passed;
                                                              f["application"]["id"] = 999999;
                                                              return f;
                                                            }()},
                                                           {"string_id", [&] {
                                                              nlohmann::json f = passed;
                                                              f["application"]["id"] = std::to_string(app);
                                                              return f;
                                                            }()}}) {
    std::ofstream(dir_ / (name + ".json")) << forged.dump();
    CliRun r = Liantiao("report verify " + name + ".json");
    EXPECT_EQ(r.exit_code, 1) << name << ": " << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << name << ": " << r.err;
  }
  CliRun other_app = Liantiao("report verify other_application.json");
  EXPECT_NE(other_app.err.find("不是为报告所述的申请签发的"), std::string::npos) << other_app.err;
  CliRun no_frozen = Liantiao("report verify no_frozen.json");
  EXPECT_NE(no_frozen.err.find("同一证据范围留存的报告不一致"), std::string::npos) << no_frozen.err;

  nlohmann::json altered = nlohmann::json::parse(kept);
  altered["evidence_digest"] = "sha256:" + std::string(64, 'f');
  std::ofstream(dir_ / "altered.json") << altered.dump();
  CliRun differs = Liantiao("report verify altered.json");
  EXPECT_EQ(differs.exit_code, 1);
  EXPECT_NE(differs.err.find("证据摘要不一致：报告记录为 sha256:ffff"), std::string::npos) << differs.err;
  EXPECT_EQ(std::count(differs.err.begin(), differs.err.end(), '\n'), 1) << differs.err;

  std::ofstream(dir_ / "broken.json") << "{";
  EXPECT_NE(Liantiao("report verify broken.json").err.find("不是有效的 JSON"), std::string::npos);
  EXPECT_NE(Liantiao("report verify missing.json").err.find("无法读取报告文件"), std::string::npos);
  CliRun directory = Liantiao("report verify " + Quote(dir_.string()));
  EXPECT_EQ(directory.exit_code, 1);
  EXPECT_NE(directory.err.find("这是一个目录"), std::string::npos) << directory.err;
  std::ofstream(dir_ / "other.json") << R"({"title": "something else"})";
  CliRun other = Liantiao("report verify other.json");
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("不是联调测试报告"), std::string::npos) << other.err;
  CliRun undecided = Liantiao("report verify --application 999999");
  EXPECT_EQ(undecided.exit_code, 1);
  EXPECT_NE(undecided.err.find("没有留存的联调测试报告"), std::string::npos) << undecided.err;
  CliRun neither = Liantiao("report verify");
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("--application"), std::string::npos) << neither.err;
  EXPECT_EQ(Liantiao("report verify --application 1 report.json").exit_code, 2);
}

// Commands that read or change a database already there refuse a SQLite path where
// there is none, and create nothing: a mistyped path is not an empty database whose
// history "verifies".
TEST_P(CliTest, VendorListAndReleaseFreeACreditCode) {
  ASSERT_EQ(Liantiao("demo").exit_code, 0);
  // An enterprise with a user and nothing under way, as a squatter's would be.
  const std::string code = "91440101MA5CJQ4N59";
  long long squatter = 0;
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    auto st = db->Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
      sql << "INSERT INTO vendors (name, credit_code, credit_code_checksum_ok, legal_rep, address, contact_name, "
             "contact_phone, contact_email, created_at) VALUES ('冒用科技', :c, 1, '张三', '广州', '张三', "
             "'13800000000', 'a@example.com', 1700000000)",
          soci::use(code);
      sql << "SELECT id FROM vendors WHERE credit_code = :c", soci::use(code), soci::into(squatter);
      return Ok{};
    });
    ASSERT_TRUE(st.ok());
  }
  const std::string id = std::to_string(squatter);
  ASSERT_EQ(Liantiao("user add --role vendor --vendor " + id + " --username squat1 --password-stdin", "Passw0rd!cli\n")
                .exit_code,
            0);

  CliRun all = Liantiao("vendor list");
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find(id + "\t" + code + "\t已注册\t冒用科技\n"), std::string::npos) << all.out;
  EXPECT_GE(std::count(all.out.begin(), all.out.end(), '\n'), 3) << "the demo's enterprises too: " << all.out;
  CliRun found = Liantiao("vendor list --search MA5CJQ");
  EXPECT_EQ(found.out, id + "\t" + code + "\t已注册\t冒用科技\n");

  // Refusals: a reason is required, an unknown enterprise, and one whose application a
  // city is reviewing or testing (the demo's first enterprise has some).
  EXPECT_EQ(Liantiao("vendor release --vendor " + id).exit_code, 2);
  EXPECT_EQ(Liantiao("vendor release --vendor 0 --reason x").exit_code, 2);
  CliRun unknown = Liantiao("vendor release --vendor 987654 --reason 核实");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("not_found"), std::string::npos) << unknown.err;
  CliRun busy = Liantiao("vendor release --vendor 1 --reason 核实");
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_EQ(std::count(busy.err.begin(), busy.err.end(), '\n'), 1) << busy.err;
  EXPECT_NE(busy.err.find("invalid_transition"), std::string::npos) << busy.err;

  CliRun released = Liantiao("vendor release --vendor " + id + " --reason '经核实，该代码属于他人'");
  EXPECT_EQ(released.exit_code, 0) << released.err;
  EXPECT_NE(released.out.find(code), std::string::npos) << released.out;
  EXPECT_EQ(Liantiao("vendor list --search " + code).out, id + "\t" + code + "\t已注销\t冒用科技\n");
  CliRun again = Liantiao("vendor release --vendor " + id + " --reason 再次");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("invalid_transition"), std::string::npos) << again.err;
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    int active = -1;
    std::string actor;
    auto st = db->Read<Ok>([&](soci::session& sql) -> Result<Ok> {
      sql << "SELECT active FROM users WHERE username = 'squat1'", soci::into(active);
      sql << "SELECT actor_name FROM history WHERE action = 'vendor_release'", soci::into(actor);
      return Ok{};
    });
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(active, 0) << "its users are disabled";
    EXPECT_EQ(actor, "cli");
  }
  EXPECT_EQ(Liantiao("history verify").exit_code, 0);
}

TEST_P(CliTest, CommandsOnAnExistingDatabaseRefuseAMissingFile) {
  const fs::path missing = dir_ / "typo" / "liantiao.db";
  const std::string db = " --db " + Quote("sqlite:" + missing.string());
  std::ofstream(dir_ / "2027.json") << R"({"year": 2027, "holidays": ["2027-01-01"], "workdays": []})";
  for (const std::string& command :
       {"history verify" + db, "calendar import 2027.json" + db, "db repack" + db,
        "db backup --to " + Quote((dir_ / "copy.db").string()) + db, "report verify --application 1" + db}) {
    CliRun r = Liantiao(command, "", /*with_db=*/false);
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_NE(r.err.find("数据库文件不存在"), std::string::npos) << command << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_FALSE(fs::exists(missing.parent_path()));
  EXPECT_FALSE(fs::exists(dir_ / "copy.db"));
}

// `db repack` on a database this version created: nothing to do on SQLite (16 KB pages
// already), refused with the reason on PostgreSQL. The conversion itself is tested in
// tests/storage/database_test.cc.
TEST_P(CliTest, DbRepackLeavesANewFileAloneAndRefusesPostgres) {
  ASSERT_EQ(Liantiao("user add --role province --username prov1 --password-stdin", "Passw0rd!cli\n").exit_code,
            0);  // creates and migrates the database
  CliRun r = Liantiao("db repack");
  if (GetParam() == "sqlite") {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("页大小已是 16384 字节"), std::string::npos) << r.out;
  } else {
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("仅 SQLite 数据库文件可以转换页大小 (invalid_field)"), std::string::npos) << r.err;
  }
}

// `db backup` writes a copy that holds the database and says what it does not hold;
// PostgreSQL is refused, pointing at pg_dump. The copy itself is tested in
// tests/storage/database_test.cc.
TEST_P(CliTest, DbBackupWritesACopyOnceAndRefusesPostgres) {
  ASSERT_EQ(Liantiao("user add --role province --username keeper --password-stdin", "Passw0rd!cli\n").exit_code, 0);
  const fs::path to = dir_ / "copy.db";
  CliRun r = Liantiao("db backup --to " + Quote(to.string()));
  if (GetParam() == "sqlite") {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("备份已写入"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("主密钥（LIANTIAO_MASTER_KEY）"), std::string::npos) << r.out;
    ASSERT_TRUE(fs::exists(to));
    // Password and session hashes inside: the copy is its owner's alone.
    EXPECT_EQ(fs::status(to).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
    soci::session copy(*soci::factory_sqlite3(), to.string());
    int users = 0;
    copy << "SELECT COUNT(*) FROM users WHERE username = 'keeper'", soci::into(users);
    EXPECT_EQ(users, 1);
    CliRun again = Liantiao("db backup --to " + Quote(to.string()));
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.err.find("already_exists"), std::string::npos) << again.err;
  } else {
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("pg_dump"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(to));
  }
  EXPECT_EQ(Liantiao("db backup").exit_code, 2) << "--to is required";
}

TEST_P(CliTest, DemoFillsAnEmptyDatabaseOnlyOnce) {
  CliRun demo = Liantiao("demo");
  EXPECT_EQ(demo.exit_code, 0) << demo.err;
  for (const char* login : {"admin", "province", "huaan", "jietong", "reviewer_440100", "Liantiao@2026"}) {
    EXPECT_NE(demo.out.find(login), std::string::npos) << login;
  }
  EXPECT_EQ(demo.out.find("[info]"), std::string::npos);  // logs go to stderr
  EXPECT_EQ(Liantiao("history verify").exit_code, 0);
  CliRun again = Liantiao("demo");
  EXPECT_EQ(again.exit_code, 1);
  // The demo issued test keys: another master key cannot open them, and nothing starts.
  const std::string other = "LIANTIAO_MASTER_KEY=" + std::string(64, 'd');
  CliRun other_key =
      Liantiao("user add --role admin --username admin2 --password-stdin", "Passw0rd!cli\n", true, other);
  EXPECT_EQ(other_key.exit_code, 1);
  EXPECT_NE(other_key.err.find("主密钥与数据库不符"), std::string::npos) << other_key.err;
  EXPECT_EQ(std::count(other_key.err.begin(), other_key.err.end(), '\n'), 1) << other_key.err;
  // Verifying the history only reads: it needs no master key, so a backup can be
  // checked anywhere.
  CliRun verified = Liantiao("history verify", "", true, other);
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
}

TEST_P(CliTest, BadConfigurationStopsStartUpNamingTheKey) {
  CliRun bad = Liantiao("serve --listen 127.0.0.1:0", "", true, "LIANTIAO_THREADS=lots");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("threads"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("LIANTIAO_THREADS"), std::string::npos) << bad.err;  // as the operator set it
  // Key claims would name it as the devices' endpoint: it must be an http(s) address.
  for (const char* url : {"ftp://x", "not a url", "https://"}) {
    CliRun base =
        Liantiao("serve --listen 127.0.0.1:0", "", true, std::string("LIANTIAO_SANDBOX_BASE_URL='") + url + "'");
    EXPECT_EQ(base.exit_code, 1) << url;
    EXPECT_NE(base.err.find("sandbox_base_url"), std::string::npos) << url << ": " << base.err;
  }
  // A master key file that cannot be read is not called a key of the wrong form.
  fs::create_directories(dir_ / "key_dir");
  CliRun key = Liantiao("serve --listen 127.0.0.1:0", "", true,
                        "LIANTIAO_MASTER_KEY= LIANTIAO_MASTER_KEY_FILE=" + Quote((dir_ / "key_dir").string()));
  EXPECT_EQ(key.exit_code, 1);
  EXPECT_NE(key.err.find("无法读取密钥文件"), std::string::npos) << key.err;
  CliRun cookie = Liantiao("serve --listen 127.0.0.1:0", "", true, "LIANTIAO_SECURE_COOKIE=yes");
  EXPECT_EQ(cookie.exit_code, 1);
  EXPECT_NE(cookie.err.find("secure_cookie"), std::string::npos) << cookie.err;
  CliRun ca = Liantiao("serve --listen 127.0.0.1:0", "", true, "LIANTIAO_PROBE_CA_FILE=/nonexistent/ca.pem");
  EXPECT_EQ(ca.exit_code, 1);
  EXPECT_NE(ca.err.find("probe_ca_file"), std::string::npos) << ca.err;
  // The same setting given on the command line is a usage error.
  CliRun listen = Liantiao("serve --listen nowhere");
  EXPECT_EQ(listen.exit_code, 2);
  EXPECT_EQ(std::count(listen.err.begin(), listen.err.end(), '\n'), 1) << listen.err;
  EXPECT_NE(listen.err.find("listen"), std::string::npos) << listen.err;
  CliRun listen_env = Liantiao("serve", "", true, "LIANTIAO_LISTEN=nowhere");
  EXPECT_EQ(listen_env.exit_code, 1) << listen_env.err;
  CliRun db = Liantiao("history verify --db mysql://x", "", false);
  EXPECT_EQ(db.exit_code, 2) << "a --db of a kind no command reads is a usage error";
  EXPECT_EQ(std::count(db.err.begin(), db.err.end(), '\n'), 1) << db.err;
  EXPECT_EQ(Liantiao("serve --db sqlite:", "", false).exit_code, 2) << "a SQLite URL without its file";
  // The same URL from a config file is a failure of the configuration.
  std::ofstream(dir_ / "bad.json") << R"({"db": "mysql://x"})";
  EXPECT_EQ(Liantiao("history verify --config bad.json", "", false).exit_code, 1);
}

// Another process listens on the address: `serve` says so in one line, its last (it logs
// through a buffer), before it opens the database, which stays unmigrated.
TEST_P(CliTest, AServerThatCannotListenStopsBeforeItTouchesTheDatabase) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  // The database is new: a server that started would migrate it. This one finds the
  // address taken first and leaves the database as it is.
  CliRun r = Liantiao("serve --listen 127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  close(fd);
  EXPECT_EQ(r.exit_code, 1);
  const auto failure = r.err.find("liantiao: ");
  ASSERT_NE(failure, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n', failure), r.err.size() - 1) << r.err;  // the last line
  EXPECT_NE(r.err.find("无法监听 127.0.0.1:"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("applied migration"), std::string::npos) << r.err;
  EXPECT_EQ(Tables(), 0) << "nothing migrated";
}

// A profile folder that does not load (here a $ref to a file that is not there) stops
// every command in one line naming the file, before it migrates the database or
// creates a master key.
TEST_P(CliTest, AProfileFolderThatDoesNotLoadStopsStartUpBeforeItTouchesTheDatabase) {
  const fs::path profiles = BrokenProfiles();
  const std::string env = "LIANTIAO_PROFILES_DIR=" + Quote(profiles.string()) +
                          " LIANTIAO_MASTER_KEY= LIANTIAO_MASTER_KEY_FILE=" + Quote((dir_ / "master.key").string());
  for (const char* command : {"serve --listen 127.0.0.1:0", "demo"}) {
    CliRun r = Liantiao(command, "", true, env);
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_NE(r.err.find("methods/Team.Update.json：$ref methods/Team.Added.json#/schema 指向的文件不存在"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_ / "master.key"));
  EXPECT_EQ(Tables(), 0) << "nothing migrated";
}

// `profile check` loads a folder as a server would, without a database: the shipped
// one (from the configuration or --profiles-dir) with each profile's counts; a broken one
// in the line that names the file; one without the profile new cities get.
TEST_P(CliTest, ProfileCheckLoadsAFolderAsAServerWouldWithoutADatabase) {
  CliRun good = Liantiao("profile check", "", false);
  EXPECT_EQ(good.exit_code, 0) << good.err;
  for (const char* line :
       {"national-1.0  全国建筑工人管理服务信息平台数据接口标准", "gd-v1.3  ", "（继承 national-1.0）", "gz-md5-des  ",
        "mz-json-md5  ", "必测", "接口标准目录可以加载：", "共 4 个接口标准"}) {
    EXPECT_NE(good.out.find(line), std::string::npos) << line << "\n" << good.out;
  }
  std::set<std::string> written;
  for (const auto& entry : fs::directory_iterator(dir_)) written.insert(entry.path().filename().string());
  EXPECT_EQ(written, (std::set<std::string>{"stdin", "stdout", "stderr"})) << "no database, no key, no files";

  const fs::path broken = BrokenProfiles();
  for (const std::string& how : {"--profiles-dir " + Quote(broken.string()), std::string()}) {
    CliRun r = Liantiao("profile check " + how, "", false,
                        how.empty() ? "LIANTIAO_PROFILES_DIR=" + Quote(broken.string()) : "");
    EXPECT_EQ(r.exit_code, 1) << how;
    EXPECT_NE(r.err.find("national-1.0/methods/Team.Update.json：$ref methods/Team.Added.json#/schema"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  fs::remove_all(broken / "gd-v1.3");
  fs::remove_all(broken / "gz-md5-des");
  fs::remove_all(broken / "mz-json-md5");
  fs::copy(fs::path(LIANTIAO_SOURCE_DIR) / "spec" / "profiles" / "national-1.0", broken / "national-1.0",
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  CliRun national = Liantiao("profile check --profiles-dir " + Quote(broken.string()), "", false);
  EXPECT_EQ(national.exit_code, 1);
  EXPECT_NE(national.err.find("默认接口标准不存在：gd-v1.3"), std::string::npos) << national.err;
}

// A city whose profile folder is gone is named at start-up, with the folder to look in.
TEST_P(CliTest, ACityWhoseProfileIsMissingIsNamedAtStartUp) {
  ASSERT_EQ(Liantiao("user add --role province --username prov1 --password-stdin", "Passw0rd!cli\n").exit_code, 0);
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Transact<Ok>([](soci::session& sql) -> Result<Ok> {
                    sql << "UPDATE cities SET profile = 'gd-v9.9' WHERE code = '440300'";
                    return Ok{};
                  }).ok());
  }
  CliRun r = Liantiao("user add --role province --username prov2 --password-stdin", "Passw0rd!cli\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("city 440300 is set to interface profile gd-v9.9"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("city 440100"), std::string::npos) << r.err;
}

// api.md: a failed command exits 1 with one clear line on stderr, even where the
// driver's reason spans several (libpq's connection refusal and its hint).
TEST_P(CliTest, AnUnreachableDatabaseIsOneLine) {
  CliRun r = Liantiao("history verify --db postgresql://u:secret@127.0.0.1:1/db", "", false);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  EXPECT_EQ(r.err.rfind("liantiao: 无法连接数据库：", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find("secret"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Databases, CliTest, ::testing::ValuesIn(testing::TestDatabaseKinds()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace liantiao
