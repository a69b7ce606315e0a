#include "testing/test_database.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/migrations.h"

namespace liantiao::testing {
namespace {

// pid + counter + random: unique across parallel test processes (ctest -j runs one
// process per test) and across leftovers of a crashed run.
std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{}_{}_{:08x}", static_cast<long>(::getpid()), counter.fetch_add(1),
                     static_cast<unsigned>(rng() & 0xffffffffu));
}

const char* AdminUrl() {
  const char* url = std::getenv("LIANTIAO_TEST_PG");
  return (url != nullptr && *url != '\0') ? url : nullptr;
}

// postgresql://u:p@h:port/postgres?x=y -> postgresql://u:p@h:port/<name>?x=y
std::string WithDatabase(const std::string& admin_url, const std::string& name) {
  const std::size_t scheme_end = admin_url.find("://");
  const std::size_t path = admin_url.find('/', scheme_end + 3);
  const std::size_t query = admin_url.find('?', scheme_end + 3);
  std::string head = admin_url.substr(0, std::min(path, query));
  std::string tail = query == std::string::npos ? "" : admin_url.substr(query);
  return head + "/" + name + tail;
}

// Statements like CREATE DATABASE cannot run inside a transaction block, hence a
// plain session instead of storage::Database.
bool ExecAdmin(const std::string& admin_url, const std::string& sql) {
  auto parsed = storage::ParseDbUrl(admin_url);
  if (!parsed.ok()) return false;
  auto session = storage::OpenSession(*parsed);
  if (!session.ok()) return false;
  try {
    **session << sql;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "admin statement failed: " << sql << ": " << e.what();
    return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> TestDatabaseKinds() {
  std::vector<std::string> kinds{"sqlite"};
  if (AdminUrl() != nullptr) kinds.emplace_back("postgresql");
  return kinds;
}

TestDatabase TestDatabase::Create(const std::string& kind) {
  TestDatabase db;
  if (kind == "sqlite") {
    const auto dir = std::filesystem::temp_directory_path() / ("lt_test_" + UniqueSuffix());
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      ADD_FAILURE() << "cannot create " << dir << ": " << ec.message();
      return db;
    }
    db.temp_dir_ = dir.string();
    db.url_ = "sqlite://" + (dir / "test.db").string();  // sqlite:///tmp/…
    return db;
  }
  if (kind == "postgresql") {
    const char* admin = AdminUrl();
    if (admin == nullptr) {
      ADD_FAILURE() << "LIANTIAO_TEST_PG is not set";
      return db;
    }
    const std::string name = "lt_test_" + UniqueSuffix();
    if (!ExecAdmin(admin, "CREATE DATABASE " + name)) {
      ADD_FAILURE() << "cannot create database " << name;
      return db;
    }
    db.admin_url_ = admin;
    db.pg_name_ = name;
    db.url_ = WithDatabase(admin, name);
    return db;
  }
  ADD_FAILURE() << "unknown test database kind " << kind;
  return db;
}

TestDatabase::TestDatabase(TestDatabase&& other) noexcept
    : url_(std::move(other.url_)),
      temp_dir_(std::exchange(other.temp_dir_, {})),
      admin_url_(std::move(other.admin_url_)),
      pg_name_(std::exchange(other.pg_name_, {})) {}

TestDatabase& TestDatabase::operator=(TestDatabase&& other) noexcept {
  if (this != &other) {
    Release();
    url_ = std::move(other.url_);
    temp_dir_ = std::exchange(other.temp_dir_, {});
    admin_url_ = std::move(other.admin_url_);
    pg_name_ = std::exchange(other.pg_name_, {});
  }
  return *this;
}

TestDatabase::~TestDatabase() { Release(); }

int RerunMigrationStatements(storage::Database& db, std::string_view name, std::string_view verb) {
  const storage::Migration* migration = nullptr;
  for (const storage::Migration& m : storage::EmbeddedMigrations()) {
    if (m.name == name) migration = &m;
  }
  if (migration == nullptr) {
    ADD_FAILURE() << "no embedded migration " << name;
    return 0;
  }
  int ran = 0;
  auto st = db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    ran = 0;  // a transaction that is retried runs them all again
    for (const std::string& statement : storage::SplitStatements(migration->sql)) {
      if (!statement.starts_with(verb)) continue;
      sql << storage::ApplyDialect(statement, db.dialect());
      ++ran;
    }
    return Ok{};
  });
  if (!st.ok()) ADD_FAILURE() << "migration " << name << ": " << st.error().message;
  return ran;
}

void TestDatabase::Release() {
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
    temp_dir_.clear();
  }
  if (!pg_name_.empty()) {
    // FORCE: a test that leaked a connection must not leak the database too.
    ExecAdmin(admin_url_, "DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
    pg_name_.clear();
  }
}

}  // namespace liantiao::testing
