#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace liantiao::storage {
class Database;
}

namespace liantiao::testing {

// Runs again, in one transaction, the statements of the embedded migration `name` that
// begin with `verb`: those that fill in, turn or move rows stored before it (UPDATE,
// INSERT … SELECT). A test makes its rows look as they were before the migration, then
// checks these statements over them. Returns how many ran; fails the test when there is
// no such migration or a statement fails.
int RerunMigrationStatements(storage::Database& db, std::string_view name, std::string_view verb = "UPDATE");

// The database kinds suites run against: "sqlite" always, plus "postgresql" when
// LIANTIAO_TEST_PG holds an admin URL (a role with CREATEDB, e.g. the one printed by
// scripts/test-postgres). Use with INSTANTIATE_TEST_SUITE_P(…, ValuesIn(TestDatabaseKinds())).
std::vector<std::string> TestDatabaseKinds();

// A fresh, empty database for one test, gone when this object is destroyed:
//   sqlite      a file in a new temp directory (the directory is removed);
//   postgresql  CREATE DATABASE lt_test_<pid>_<n>_<random> through the admin URL,
//               DROP … WITH (FORCE) at the end.
// Fails the test (ADD_FAILURE) and returns an object with an empty url() when the
// database cannot be created.
class TestDatabase {
 public:
  static TestDatabase Create(const std::string& kind);
  ~TestDatabase();
  TestDatabase(TestDatabase&& other) noexcept;
  TestDatabase& operator=(TestDatabase&& other) noexcept;
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // The URL of this database, for storage::ParseDbUrl.
  const std::string& url() const { return url_; }

 private:
  TestDatabase() = default;
  void Release();

  std::string url_;
  std::string temp_dir_;   // sqlite
  std::string admin_url_;  // postgresql
  std::string pg_name_;    // postgresql
};

}  // namespace liantiao::testing
