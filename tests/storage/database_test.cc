#include "storage/database.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "storage/migrations.h"
#include "storage/row.h"
#include "testing/test_database.h"

namespace liantiao::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// ---- URLs -------------------------------------------------------------------

// The WAL file of a SQLite database URL.
std::string WalPath(const std::string& url) {
  return std::filesystem::absolute(ParseDbUrl(url)->connect).string() + "-wal";
}

// How many of this process's descriptors are open on `path` as it is named now.
int DescriptorsOn(const std::string& path) {
  int n = 0;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    if (std::filesystem::read_symlink(fd.path(), ec) == path) ++n;
  }
  return n;
}

TEST(ParseDbUrlTest, SqliteRelativePath) {
  auto url = ParseDbUrl("sqlite:var/liantiao.db");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->dialect, Dialect::kSqlite);
  EXPECT_EQ(url->soci_backend, "sqlite3");
  EXPECT_EQ(url->connect, "var/liantiao.db");
  EXPECT_EQ(url->display, "sqlite:var/liantiao.db");
}

TEST(ParseDbUrlTest, SqliteAbsolutePath) {
  auto url = ParseDbUrl("sqlite:///srv/data/liantiao.db");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->connect, "/srv/data/liantiao.db");
}

TEST(ParseDbUrlTest, SqliteMemory) {
  auto url = ParseDbUrl("sqlite::memory:");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->connect, ":memory:");
}

TEST(ParseDbUrlTest, PostgresUrlIsPassedThroughAndMasked) {
  for (std::string scheme : {"postgresql", "postgres"}) {
    const std::string raw = scheme + "://lt:s3cret@db.example:5432/liantiao?sslmode=require";
    auto url = ParseDbUrl(raw);
    ASSERT_TRUE(url.ok()) << raw;
    EXPECT_EQ(url->dialect, Dialect::kPostgres);
    EXPECT_EQ(url->soci_backend, "postgresql");
    // Keyword form: SOCI would mangle a URI (see PgKeywordConnect).
    EXPECT_EQ(url->connect,
              "user=\"lt\" password=\"s3cret\" dbname=\"liantiao\" host=\"db.example\" "
              "port=\"5432\" sslmode=\"require\"");
    EXPECT_EQ(url->display, scheme + "://lt:***@db.example:5432/liantiao?sslmode=require");
  }
}

// A server on the same machine over its Unix socket (faster than TCP on loopback; see
// the README): the socket's directory is the host.
TEST(ParseDbUrlTest, PostgresOverAUnixSocket) {
  auto url = ParseDbUrl("postgresql://lt:s3cret@/liantiao?host=/var/run/postgresql");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->connect, "user=\"lt\" password=\"s3cret\" dbname=\"liantiao\" host=\"/var/run/postgresql\"");
  EXPECT_EQ(url->display, "postgresql://lt:***@/liantiao?host=/var/run/postgresql");
}

TEST(ParseDbUrlTest, PostgresValuesAreEscapedForLibpq) {
  // %20 and %27 decode to a space and a quote, which need libpq's backslash escapes.
  auto url = ParseDbUrl("postgresql://lt:a%20b%27c@localhost/x");
  ASSERT_TRUE(url.ok());
  EXPECT_THAT(url->connect, HasSubstr(R"(password="a\ b\'c")"));
  EXPECT_FALSE(ParseDbUrl("postgresql://lt:a%22b@localhost/x").ok());  // a double quote
  EXPECT_FALSE(ParseDbUrl("postgresql://h:notaport/x?bogus_option=1").ok());
}

TEST(ParseDbUrlTest, PasswordParameterIsMasked) {
  auto url = ParseDbUrl("postgresql://db/liantiao?user=lt&password=s3cret&sslmode=require");
  ASSERT_TRUE(url.ok());
  EXPECT_THAT(url->display, Not(HasSubstr("s3cret")));
  EXPECT_THAT(url->display, HasSubstr("password=***&sslmode=require"));
}

TEST(ParseDbUrlTest, RejectsUnknownAndMalformedUrls) {
  for (const char* bad : {"", "mysql://root:pw@localhost/x", "sqlite:", "sqlite://host/x.db", "postgresql://",
                          "var/liantiao.db", "sqlite:a=b.db"}) {
    auto url = ParseDbUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().code, ErrorCode::kConfigError) << bad;
  }
}

TEST(ParseDbUrlTest, ErrorNamesTheUrlWithoutItsPassword) {
  auto url = ParseDbUrl("mysql://root:hunter2@localhost/liantiao");
  ASSERT_FALSE(url.ok());
  EXPECT_THAT(url.error().message, HasSubstr("mysql://root:***@localhost/liantiao"));
  EXPECT_THAT(url.error().message, Not(HasSubstr("hunter2")));
  EXPECT_THAT(url.error().details.dump(), Not(HasSubstr("hunter2")));
}

// ---- Migration text ---------------------------------------------------------

TEST(MigrationTextTest, DialectTokens) {
  const std::string sql = "CREATE TABLE t (id {{ID}}, at {{BIGINT}}, data {{BLOB}}, n {{BIGINT}})";
  EXPECT_EQ(ApplyDialect(sql, Dialect::kSqlite),
            "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER, data BLOB, "
            "n INTEGER)");
  EXPECT_EQ(ApplyDialect(sql, Dialect::kPostgres),
            "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, at BIGINT, data BYTEA, n BIGINT)");
  const std::string keyed = "CREATE TABLE k (a TEXT PRIMARY KEY){{WITHOUT_ROWID}};";
  EXPECT_EQ(ApplyDialect(keyed, Dialect::kSqlite), "CREATE TABLE k (a TEXT PRIMARY KEY) WITHOUT ROWID;");
  EXPECT_EQ(ApplyDialect(keyed, Dialect::kPostgres), "CREATE TABLE k (a TEXT PRIMARY KEY);");
  const std::string member = "SELECT {{JSON_TEXT(body, projectCode)}} || '|' FROM t WHERE {{JSON_TEXT(b,x_y)}} = ''";
  EXPECT_EQ(ApplyDialect(member, Dialect::kSqlite),
            "SELECT json_extract(body, '$.projectCode') || '|' FROM t WHERE json_extract(b, '$.x_y') = ''");
  EXPECT_EQ(ApplyDialect(member, Dialect::kPostgres),
            "SELECT (body::jsonb ->> 'projectCode') || '|' FROM t WHERE (b::jsonb ->> 'x_y') = ''");
}

TEST(MigrationTextTest, IntegerColumnsAreDeclaredBigintButNotTheRowid) {
  EXPECT_EQ(WidenIntegerDeclarations(
                "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,\n  n INTEGER)"),
            "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, at BIGINT NOT NULL,\n  n BIGINT)");
  EXPECT_EQ(WidenIntegerDeclarations("CREATE TABLE u (seq INTEGER  PRIMARY KEY, INTEGERS TEXT, x_INTEGER INTEGER)"),
            "CREATE TABLE u (seq INTEGER  PRIMARY KEY, INTEGERS TEXT, x_INTEGER BIGINT)");
  EXPECT_EQ(WidenIntegerDeclarations("CREATE TABLE v (a TEXT)"), "CREATE TABLE v (a TEXT)");
}

TEST(MigrationTextTest, SplitsOnSemicolonAtEndOfLineAndDropsComments) {
  const std::string sql =
      "-- header; with a semicolon;\n"
      "CREATE TABLE a (\n"
      "  x TEXT DEFAULT 'a;b'  -- not the end\n"
      ");  \n"
      "\n"
      "  -- indented comment;\n"
      "INSERT INTO a (x) VALUES ('1');\n"
      "SELECT 1";
  EXPECT_THAT(SplitStatements(sql), ElementsAre("CREATE TABLE a (\n  x TEXT DEFAULT 'a;b'  -- not the end\n)",
                                                "INSERT INTO a (x) VALUES ('1')", "SELECT 1"));
  EXPECT_TRUE(SplitStatements("-- only a comment\n\n").empty());
}

// ---- Opening ----------------------------------------------------------------

TEST(DatabaseOpenTest, CreatesTheParentDirectoryOfASqliteFile) {
  auto tdb = testing::TestDatabase::Create("sqlite");
  const auto dir = std::filesystem::path(ParseDbUrl(tdb.url())->connect).parent_path();
  const auto file = dir / "nested" / "deeper" / "x.db";
  auto url = ParseDbUrl("sqlite://" + file.string());
  ASSERT_TRUE(url.ok());
  auto db = Database::Open(*url, 2);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_TRUE(std::filesystem::exists(file));
}

TEST(DatabaseOpenTest, SqliteConnectionsUseWalAndForeignKeys) {
  auto tdb = testing::TestDatabase::Create("sqlite");
  auto db = Database::Open(*ParseDbUrl(tdb.url()), 2);
  ASSERT_TRUE(db.ok());
  auto pragmas = (*db)->Read<std::string>([](soci::session& s) -> Result<std::string> {
    std::string mode;
    int fk = 0;
    int busy = 0;
    s << "PRAGMA journal_mode", soci::into(mode);
    s << "PRAGMA foreign_keys", soci::into(fk);
    int page = 0;
    s << "PRAGMA busy_timeout", soci::into(busy);
    s << "PRAGMA page_size", soci::into(page);
    return mode + "/" + std::to_string(fk) + "/" + std::to_string(busy) + "/" + std::to_string(page);
  });
  ASSERT_TRUE(pragmas.ok());
  EXPECT_EQ(*pragmas, "wal/1/10000/" + std::to_string(Database::kSqlitePageSize));
}

// A new file gets 16 KB pages; one created before keeps the size it was created with,
// and its WAL holds frames of that size.
// A SQLite file as an earlier version created it: 4 KB pages and a table `t` of `rows`
// rows, in WAL mode when `wal`.
void CreateFileWithSmallPages(const DbUrl& url, bool wal = false, int rows = 0) {
  soci::session raw(*soci::factory_sqlite3(), url.connect);
  raw << "PRAGMA page_size=4096";
  if (wal) raw << "PRAGMA journal_mode=WAL";
  raw << "CREATE TABLE t (v TEXT)";
  for (int i = 0; i < rows; ++i) {
    // Named: SOCI binds by reference and runs the statement when the expression ends,
    // after a temporary string would already be gone.
    const std::string v(200, static_cast<char>('a' + i % 26));
    raw << "INSERT INTO t (v) VALUES (:v)", soci::use(v);
  }
}

// The page size of an open database.
int PageSize(Database& db) {
  auto page = db.Read<int>([](soci::session& s) -> Result<int> {
    int size = 0;
    s << "PRAGMA page_size", soci::into(size);
    return size;
  });
  return page.ok() ? *page : -1;
}

TEST(DatabaseOpenTest, AnExistingSqliteFileKeepsItsPageSize) {
  auto tdb = testing::TestDatabase::Create("sqlite");
  const DbUrl url = *ParseDbUrl(tdb.url());
  CreateFileWithSmallPages(url);
  auto db = Database::Open(url, 2);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(PageSize(**db), 4096);
  ASSERT_TRUE((*db)
                  ->Transact<Ok>([](soci::session& s) -> Status {
                    s << "INSERT INTO t (v) VALUES ('x')";
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(std::filesystem::file_size(WalPath(tdb.url())) % (4096 + 24), 32u) << "a 32-byte header, then frames";
}

// `liantiao db repack`: an older file with 4 KB pages gets 16 KB pages and keeps its
// data and WAL mode; a file already converted is left alone.
TEST(DatabaseOpenTest, RepackGivesAnOlderSqliteFileTheNewPageSize) {
  auto tdb = testing::TestDatabase::Create("sqlite");
  const DbUrl url = *ParseDbUrl(tdb.url());
  CreateFileWithSmallPages(url, true, 500);
  auto sizes = RepackSqliteFile(url);
  ASSERT_TRUE(sizes.ok()) << sizes.error().message;
  EXPECT_EQ(sizes->before, 4096);
  EXPECT_EQ(sizes->after, Database::kSqlitePageSize);
  {
    soci::session raw(*soci::factory_sqlite3(), url.connect);
    int page = 0, rows = 0;
    std::string mode, integrity;
    raw << "PRAGMA page_size", soci::into(page);
    raw << "PRAGMA journal_mode", soci::into(mode);
    raw << "SELECT COUNT(*) FROM t", soci::into(rows);
    raw << "PRAGMA integrity_check", soci::into(integrity);
    EXPECT_EQ(page, Database::kSqlitePageSize);
    EXPECT_EQ(mode, "wal");
    EXPECT_EQ(rows, 500);
    EXPECT_EQ(integrity, "ok");
  }
  auto again = RepackSqliteFile(url);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->before, Database::kSqlitePageSize);
  EXPECT_EQ(again->after, Database::kSqlitePageSize);
}

// A file a server has open is refused with a message that says so, and left as it was;
// so are a missing file, an in-memory database and PostgreSQL.
TEST(DatabaseOpenTest, RepackRefusesAFileInUseAndWhatIsNoFile) {
  auto tdb = testing::TestDatabase::Create("sqlite");
  const DbUrl url = *ParseDbUrl(tdb.url());
  CreateFileWithSmallPages(url);
  {
    auto db = Database::Open(url, 2);  // WAL mode, and the checkpointer's connection
    ASSERT_TRUE(db.ok());
    auto refused = RepackSqliteFile(url);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kDatabaseError);
    EXPECT_NE(refused.error().message.find("正被其他进程使用"), std::string::npos) << refused.error().message;
    EXPECT_EQ(PageSize(**db), 4096);
  }
  auto missing = RepackSqliteFile(*ParseDbUrl("sqlite:" + url.connect + ".missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(url.connect + ".missing")) << "not created by asking";
  auto memory = RepackSqliteFile(*ParseDbUrl("sqlite::memory:"));
  ASSERT_FALSE(memory.ok());
  EXPECT_EQ(memory.error().code, ErrorCode::kInvalidField);
  auto pg = RepackSqliteFile(*ParseDbUrl("postgresql://u:p@127.0.0.1:1/db"));
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.error().code, ErrorCode::kInvalidField);
}

// `liantiao db backup`: a copy taken while a server has the file open (in WAL mode, its
// checkpointer running) holds every committed row and opens as a database of its own.
TEST(DatabaseOpenTest, BackupCopiesAFileInUse) {
  auto tdb = testing::TestDatabase::Create("sqlite");
  const DbUrl url = *ParseDbUrl(tdb.url());
  auto db = Database::Open(url, 2);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)
                  ->Transact<Ok>([](soci::session& s) -> Status {
                    s << "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)";
                    for (int i = 0; i < 300; ++i) s << "INSERT INTO t (v) VALUES ('row')";
                    return OkStatus();
                  })
                  .ok());
  const std::string to = url.connect + ".backup";
  auto size = BackupSqliteFile(url, to);
  ASSERT_TRUE(size.ok()) << size.error().message;
  EXPECT_EQ(*size, std::filesystem::file_size(to));
  {
    soci::session copy(*soci::factory_sqlite3(), to);
    int rows = 0;
    std::string integrity;
    copy << "SELECT COUNT(*) FROM t", soci::into(rows);
    copy << "PRAGMA integrity_check", soci::into(integrity);
    EXPECT_EQ(rows, 300);
    EXPECT_EQ(integrity, "ok");
  }
  // The database goes on as before.
  ASSERT_TRUE((*db)
                  ->Transact<Ok>([](soci::session& s) -> Status {
                    s << "INSERT INTO t (v) VALUES ('after')";
                    return OkStatus();
                  })
                  .ok());
  // An existing file is never overwritten.
  const auto before = std::filesystem::last_write_time(to);
  auto again = BackupSqliteFile(url, to);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(std::filesystem::last_write_time(to), before);
  std::filesystem::remove(to);
}

// What cannot be backed up this way is refused, and no file is left behind.
TEST(DatabaseOpenTest, BackupRefusesWhatIsNoSqliteFileAndLeavesNothingOnFailure) {
  auto tdb = testing::TestDatabase::Create("sqlite");
  const DbUrl url = *ParseDbUrl(tdb.url());
  ASSERT_TRUE(Database::Open(url, 1).ok());  // creates the file
  const std::string nowhere = url.connect + ".no-such-dir/copy.db";
  auto unwritable = BackupSqliteFile(url, nowhere);
  ASSERT_FALSE(unwritable.ok());
  EXPECT_EQ(unwritable.error().code, ErrorCode::kDatabaseError);
  EXPECT_FALSE(std::filesystem::exists(nowhere));
  auto missing = BackupSqliteFile(*ParseDbUrl("sqlite:" + url.connect + ".missing"), url.connect + ".copy");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(url.connect + ".missing")) << "not created by asking";
  EXPECT_FALSE(std::filesystem::exists(url.connect + ".copy"));
  auto memory = BackupSqliteFile(*ParseDbUrl("sqlite::memory:"), url.connect + ".copy");
  ASSERT_FALSE(memory.ok());
  EXPECT_EQ(memory.error().code, ErrorCode::kInvalidField);
  auto pg = BackupSqliteFile(*ParseDbUrl("postgresql://u:p@127.0.0.1:1/db"), url.connect + ".copy");
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.error().code, ErrorCode::kInvalidField);
  EXPECT_NE(pg.error().message.find("pg_dump"), std::string::npos);
}

TEST(DatabaseOpenTest, SqliteFilesAreCheckpointedOffTheCommitPath) {
  auto tdb = testing::TestDatabase::Create("sqlite");
  auto db = Database::Open(*ParseDbUrl(tdb.url()), 2);
  ASSERT_TRUE(db.ok());
  // The pool's connections leave checkpoints to the checkpointer's thread.
  auto interval = (*db)->Read<int>([](soci::session& s) -> Result<int> {
    int pages = -1;
    s << "PRAGMA wal_autocheckpoint", soci::into(pages);
    return pages;
  });
  ASSERT_TRUE(interval.ok());
  EXPECT_EQ(*interval, 0);
  const Migration m[] = {{"0001_t", "CREATE TABLE t (id {{ID}}, v TEXT);"}};
  ASSERT_TRUE((*db)->Migrate(m).ok());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((*db)
                    ->Transact<Ok>([](soci::session& s) -> Status {
                      s << "INSERT INTO t (v) VALUES ('x')";
                      return OkStatus();
                    })
                    .ok());
  }
  // Every committed frame reaches the database file through that thread.
  auto checkpointed = (*db)->CheckpointNow();
  ASSERT_TRUE(checkpointed.ok());
  EXPECT_GE(*checkpointed, 20);
  // And the rows are all there.
  auto rows = (*db)->Read<long long>([](soci::session& s) -> Result<long long> {
    long long n = 0;
    s << "SELECT COUNT(*) FROM t", soci::into(n);
    return n;
  });
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, 20);
}

// Under back-to-back commits a passive checkpoint rarely reaches the WAL's end, and
// SQLite only starts the WAL over when one did. Past its rewind threshold the
// checkpointer checkpoints again holding the writer, so the WAL starts over and the
// file stays bounded instead of growing with every commit.
TEST(DatabaseOpenTest, TheWalStartsOverUnderContinuousWrites) {
  auto tdb = testing::TestDatabase::Create("sqlite");
  const DbUrl url = *ParseDbUrl(tdb.url());
  constexpr std::int64_t kPage = Database::kSqlitePageSize;  // a new file's
  auto db = Database::Open(url, 2, /*wal_rewind_bytes=*/64 * kPage);
  ASSERT_TRUE(db.ok());
  const Migration m[] = {{"0001_t", "CREATE TABLE t (id {{ID}}, v TEXT);"}};
  ASSERT_TRUE((*db)->Migrate(m).ok());
  const std::string wal = WalPath(tdb.url());
  const std::uintmax_t frame = kPage + 24;  // a WAL frame: its header and one page
  constexpr int kCommits = 12000;           // a frame or more each
  std::atomic<int> committed{0};
  std::thread writer([&] {
    const std::string v(1000, 'x');
    const std::vector<Database::Unit> insert = {[&](soci::session& s) -> Status {
      s << "INSERT INTO t (v) VALUES (:v)", soci::use(v);
      return OkStatus();
    }};
    // TransactBatch: commits without a sync in between, as the group commit's writer does.
    for (int i = 0; i < kCommits; ++i) {
      if ((*db)->TransactBatch(insert).ok()) ++committed;
    }
  });
  std::uintmax_t largest = 0;
  int checkpoints = 0;
  while (committed.load() < kCommits && checkpoints < 100000) {
    ASSERT_TRUE((*db)->CheckpointNow().ok());
    ++checkpoints;
    std::error_code ec;
    largest = std::max(largest, std::filesystem::file_size(wal, ec));
  }
  writer.join();
  EXPECT_EQ(committed.load(), kCommits);
  EXPECT_GT(checkpoints, 10) << "checkpoints ran while the writer wrote";
  // The commits write some 25,000 frames: without the rewind the WAL ends that large.
  // With it, the WAL holds what is written between two checkpoints past the
  // threshold: about 400-700 frames on an idle machine, up to about 1,400 with four
  // busy processes on two cores. The bound leaves room for a slower machine and
  // still fails by a factor of two and a half when the WAL never starts over.
  EXPECT_LT(largest, 10000u * frame) << "frames in the WAL: " << largest / frame;
}

TEST(DatabaseOpenTest, OnlySqliteFilesHaveACheckpointer) {
  auto db = Database::Open(*ParseDbUrl("sqlite::memory:"), 1);
  ASSERT_TRUE(db.ok());
  ASSERT_FALSE((*db)->CheckpointNow().ok());
  EXPECT_EQ((*db)->CheckpointNow().error().code, ErrorCode::kNotFound);
}

TEST(DatabaseOpenTest, MemoryDatabaseWorks) {
  auto db = Database::Open(*ParseDbUrl("sqlite::memory:"), 4);
  ASSERT_TRUE(db.ok());
  const Migration m[] = {{"0001_t", "CREATE TABLE t (id {{ID}}, v TEXT);"}};
  ASSERT_TRUE((*db)->Migrate(m).ok());
  EXPECT_TRUE((*db)
                  ->Transact<Ok>([](soci::session& s) -> Status {
                    s << "INSERT INTO t (v) VALUES ('x')";
                    return OkStatus();
                  })
                  .ok());
}

TEST(DatabaseOpenTest, UnreachablePostgresIsADatabaseError) {
  // Port 1 on loopback: refused at once, no server needed.
  auto db = Database::Open(*ParseDbUrl("postgresql://u:secret@127.0.0.1:1/x?connect_timeout=2"), 1);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kDatabaseError);
  EXPECT_THAT(db.error().message, Not(HasSubstr("secret")));
}

// ---- Both dialects ----------------------------------------------------------

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_.emplace(testing::TestDatabase::Create(GetParam()));
    ASSERT_FALSE(tdb_->url().empty());
    auto url = ParseDbUrl(tdb_->url());
    ASSERT_TRUE(url.ok()) << url.error().message;
    auto db = Database::Open(*url, 4);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Migrate(kSchema).ok());
  }

  long long Count(const std::string& sql) {
    auto n = db_->Read<long long>([&](soci::session& s) -> Result<long long> {
      long long count = 0;
      s << sql, soci::into(count);
      return count;
    });
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  Result<long long> InsertItem(const std::string& name) {
    return db_->Transact<long long>([&](soci::session& s) -> Result<long long> {
      long long id = 0;
      s << "INSERT INTO items (name) VALUES (:name) RETURNING id", soci::use(name), soci::into(id);
      return id;
    });
  }

  static constexpr Migration kSchema[] = {
      {"0001_items",
       "-- test schema\n"
       "CREATE TABLE items (\n"
       "  id {{ID}},\n"
       "  name TEXT NOT NULL UNIQUE,\n"
       "  at {{BIGINT}},\n"
       "  data {{BLOB}}\n"
       ");\n"
       "CREATE TABLE counters (name TEXT PRIMARY KEY, n {{BIGINT}} NOT NULL);\n"
       "INSERT INTO counters (name, n) VALUES ('c', 0);\n"
       // A child without its parent fails only at COMMIT: a way to make COMMIT fail.
       "CREATE TABLE parents (id {{BIGINT}} PRIMARY KEY);\n"
       "CREATE TABLE children (parent {{BIGINT}} REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED);\n"},
  };

  std::optional<testing::TestDatabase> tdb_;  // outlives db_ (declared first)
  std::unique_ptr<Database> db_;
};

// SyncLog syncs a SQLite file's WAL (opening it again once the file was replaced) and
// has nothing to do on PostgreSQL.
// Instants past 2038 and before 1901 read back whole. On SQLite the tables declare their
// integer columns BIGINT, which SOCI reads as long long (INTEGER it reads as an int);
// the rowid keeps its INTEGER PRIMARY KEY.
TEST_P(DatabaseTest, IntegersBeyondThirtyTwoBitsReadBackWhole) {
  for (const long long at : {4102444800LL, -2208988800LL, 2147483648LL}) {
    auto id = InsertItem("at " + std::to_string(at));
    ASSERT_TRUE(id.ok());
    auto read = db_->Transact<long long>([&](soci::session& s) -> Result<long long> {
      s << "UPDATE items SET at = :at WHERE id = :id", soci::use(at), soci::use(*id);
      soci::rowset<soci::row> rows = (s.prepare << "SELECT at FROM items WHERE id = :id", soci::use(*id));
      for (const soci::row& r : rows) return GetInt(r, 0);
      return 0LL;
    });
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(*read, at);
  }
  if (GetParam() != "sqlite") return;
  auto schema = db_->Read<std::string>([](soci::session& s) -> Result<std::string> {
    std::string items, parents;
    s << "SELECT sql FROM sqlite_schema WHERE name = 'items'", soci::into(items);
    s << "SELECT sql FROM sqlite_schema WHERE name = 'parents'", soci::into(parents);
    return items + "\n" + parents;
  });
  ASSERT_TRUE(schema.ok());
  EXPECT_THAT(*schema, HasSubstr("at BIGINT"));
  EXPECT_THAT(*schema, HasSubstr("id INTEGER PRIMARY KEY AUTOINCREMENT"));
  EXPECT_THAT(*schema, HasSubstr("id INTEGER PRIMARY KEY)"));
  EXPECT_THAT(*schema, Not(HasSubstr("at INTEGER")));
}

TEST_P(DatabaseTest, SyncLogSyncsTheWalFile) {
  ASSERT_TRUE(InsertItem("a").ok());  // Transact syncs after its commit
  EXPECT_TRUE(db_->SyncLog().ok());
  if (GetParam() != "sqlite") return;
  const std::string wal = WalPath(tdb_->url());
  ASSERT_TRUE(std::filesystem::exists(wal));
  // A replaced log file (not something SQLite does while connections are open) is
  // opened again rather than synced through a stale descriptor.
  const std::string moved = wal + ".moved";
  std::filesystem::rename(wal, moved);
  EXPECT_TRUE(db_->SyncLog().ok()) << "no log file: nothing to sync";
  std::filesystem::copy_file(moved, wal);
  EXPECT_EQ(DescriptorsOn(wal), 0) << "SQLite's own descriptors follow the moved file";
  EXPECT_TRUE(db_->SyncLog().ok());
  EXPECT_EQ(DescriptorsOn(wal), 1) << "SyncLog opened the file now at the log's path";
  std::filesystem::remove(wal);
  std::filesystem::rename(moved, wal);
  EXPECT_TRUE(db_->SyncLog().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 1);
}

TEST_P(DatabaseTest, ASessionKnowsItsDialect) {
  auto dialect = db_->Read<Dialect>([](soci::session& s) -> Result<Dialect> { return DialectOf(s); });
  ASSERT_TRUE(dialect.ok());
  EXPECT_EQ(*dialect, db_->dialect());
  EXPECT_EQ(*dialect, GetParam() == "postgresql" ? Dialect::kPostgres : Dialect::kSqlite);
}

TEST_P(DatabaseTest, MigrateTwiceAppliesOnce) {
  ASSERT_TRUE(db_->Migrate(kSchema).ok());  // SetUp ran it once already
  EXPECT_EQ(Count("SELECT COUNT(*) FROM counters"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM schema_migrations"), 1);
}

TEST_P(DatabaseTest, MigrationsApplyInNameOrder) {
  // Given out of order: 0003 needs 0002's table.
  const Migration later[] = {
      {"0003_fill", "INSERT INTO extra (v) VALUES ('x');"},
      {"0002_extra", "CREATE TABLE extra (id {{ID}}, v TEXT);"},
      kSchema[0],
  };
  ASSERT_TRUE(db_->Migrate(later).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM extra"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM schema_migrations"), 3);
}

TEST_P(DatabaseTest, FailedMigrationRollsBackCompletely) {
  const Migration broken[] = {
      kSchema[0],
      {"0002_ok", "CREATE TABLE fine (v TEXT);"},
      {"0003_broken",
       "CREATE TABLE half (v TEXT);\n"
       "INSERT INTO half (v) VALUES ('a');\n"
       "INSERT INTO no_such_table (v) VALUES ('a');\n"},
  };
  Status st = db_->Migrate(broken);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kDatabaseError);
  EXPECT_THAT(st.error().message, HasSubstr("0003_broken"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM schema_migrations"), 2);  // 0001 and 0002 only

  // Nothing of 0003 is left: a fixed version creates the same table again.
  const Migration fixed[] = {
      kSchema[0], {"0002_ok", "CREATE TABLE fine (v TEXT);"}, {"0003_broken", "CREATE TABLE half (v TEXT);"}};
  ASSERT_TRUE(db_->Migrate(fixed).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM half"), 0);
}

// A database a newer build migrated is refused by an older one, which knows fewer
// migrations: it would run on tables it does not know. It names the newest it lacks.
TEST_P(DatabaseTest, AnOlderBuildRefusesADatabaseANewerOneMigrated) {
  const Migration newer[] = {kSchema[0], {"0002_newer", "CREATE TABLE newer (v TEXT);"}};
  ASSERT_TRUE(db_->Migrate(newer).ok());
  Status older = db_->Migrate(kSchema);
  ASSERT_FALSE(older.ok());
  EXPECT_EQ(older.error().code, ErrorCode::kConfigError);
  EXPECT_THAT(older.error().message, HasSubstr("0002_newer"));
}

TEST_P(DatabaseTest, TransactCommits) {
  auto id = InsertItem("a");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items WHERE name = 'a'"), 1);
}

TEST_P(DatabaseTest, TransactRollsBackOnErrorResult) {
  auto r = db_->Transact<Ok>([](soci::session& s) -> Status {
    s << "INSERT INTO items (name) VALUES ('a')";
    return MakeError(ErrorCode::kInvalidField);
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidField);  // passed through unchanged
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 0);
}

TEST_P(DatabaseTest, TransactRollsBackOnException) {
  auto r = db_->Transact<Ok>([](soci::session& s) -> Status {
    s << "INSERT INTO items (name) VALUES ('a')";
    throw std::runtime_error("boom");
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDatabaseError);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 0);
}

TEST_P(DatabaseTest, SqlErrorIsADatabaseErrorAndTheConnectionStaysUsable) {
  for (int i = 0; i < 8; ++i) {  // more than the pool: every connection gets one
    auto r = db_->Transact<Ok>([](soci::session& s) -> Status {
      s << "INSERT INTO items (name) VALUES ('a')";
      s << "INSERT INTO no_such_table (v) VALUES (1)";
      return OkStatus();
    });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kDatabaseError);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 0);
  EXPECT_TRUE(InsertItem("b").ok());
}

TEST_P(DatabaseTest, UniqueViolationIsAlreadyExists) {
  ASSERT_TRUE(InsertItem("dup").ok());
  auto again = InsertItem("dup");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 1);
}

TEST_P(DatabaseTest, ReturningIdAndIdColumnsAutoincrement) {
  auto a = InsertItem("a");
  auto b = InsertItem("b");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, 1);
  EXPECT_EQ(*b, 2);
  // Ids are never reused, not even the highest after a delete (AUTOINCREMENT/sequence).
  ASSERT_TRUE(db_->Transact<Ok>([](soci::session& s) -> Status {
                   s << "DELETE FROM items WHERE name = 'b'";
                   return OkStatus();
                 })
                  .ok());
  auto c = InsertItem("c");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, 3);
}

TEST_P(DatabaseTest, BigintRoundTripsAsLongLong) {
  const long long big = 4'102'444'800'123LL;  // beyond 32 bits
  auto r = db_->Transact<long long>([&](soci::session& s) -> Result<long long> {
    s << "INSERT INTO items (name, at) VALUES ('t', :at)", soci::use(big);
    long long out = 0;
    s << "SELECT at FROM items WHERE name = 't'", soci::into(out);
    return out;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, big);
}

TEST_P(DatabaseTest, ConcurrentWriteTransactionsAllSucceed) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Read-modify-write inside one transaction: lost updates would show in the sum.
        auto r = db_->Transact<Ok>([&](soci::session& s) -> Status {
          long long n = 0;
          s << "SELECT n FROM counters WHERE name = 'c'", soci::into(n);
          const long long next = n + 1;
          s << "UPDATE counters SET n = :n WHERE name = 'c' AND n = :old", soci::use(next), soci::use(n);
          const std::string name = "t" + std::to_string(t) + "_" + std::to_string(i);
          s << "INSERT INTO items (name) VALUES (:name)", soci::use(name);
          return OkStatus();
        });
        if (!r.ok()) ++failures;
        // Readers alongside the writers.
        auto read = db_->Read<long long>([](soci::session& s) -> Result<long long> {
          long long n = 0;
          s << "SELECT COUNT(*) FROM items", soci::into(n);
          return n;
        });
        if (!read.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), kThreads * kPerThread);
  if (db_->dialect() == Dialect::kSqlite) {
    // SQLite serialises writers (BEGIN IMMEDIATE), so no update was lost.
    EXPECT_EQ(Count("SELECT n FROM counters WHERE name = 'c'"), kThreads * kPerThread);
  }
}

Database::Unit Insert(const std::string& name) {
  return [name](soci::session& s) -> Status {
    s << "INSERT INTO items (name) VALUES (:name)", soci::use(name);
    return OkStatus();
  };
}

TEST_P(DatabaseTest, BatchUnitsRunInOrderInOneTransaction) {
  long long seen_by_second = -1;
  const std::vector<Database::Unit> units = {
      Insert("a"),
      [&](soci::session& s) -> Status {
        s << "SELECT COUNT(*) FROM items WHERE name = 'a'", soci::into(seen_by_second);
        return OkStatus();
      },
  };
  auto r = db_->TransactBatch(units);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE((*r)[0].ok());
  EXPECT_TRUE((*r)[1].ok());
  EXPECT_EQ(seen_by_second, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 1);
}

TEST_P(DatabaseTest, BatchUnitThatFailsIsRolledBackAlone) {
  const std::vector<Database::Unit> units = {
      Insert("a"),
      [](soci::session& s) -> Status {  // an error result
        s << "INSERT INTO items (name) VALUES ('b')";
        return MakeError(ErrorCode::kInvalidField);
      },
      [](soci::session& s) -> Status {  // a failing statement (aborts the transaction on PG)
        s << "INSERT INTO items (name) VALUES ('c')";
        s << "INSERT INTO no_such_table (v) VALUES (1)";
        return OkStatus();
      },
      Insert("a"),  // unique violation
      Insert("d"),
  };
  auto r = db_->TransactBatch(units);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].ok());
  EXPECT_EQ((*r)[1].error().code, ErrorCode::kInvalidField);
  EXPECT_EQ((*r)[2].error().code, ErrorCode::kDatabaseError);
  EXPECT_EQ((*r)[3].error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE((*r)[4].ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items WHERE name IN ('a', 'd')"), 2);
}

// A unit that throws ConflictRetry runs its whole batch again, as a serialization
// failure does; nothing of the first run is kept.
TEST_P(DatabaseTest, ConflictRetryRunsTheBatchAgain) {
  int runs = 0;
  const std::vector<Database::Unit> units = {
      Insert("a"),
      [&](soci::session& s) -> Status {
        s << "INSERT INTO items (name) VALUES ('b')";
        if (++runs == 1) throw ConflictRetry("stored concurrently");
        return OkStatus();
      },
  };
  auto r = db_->TransactBatch(units);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].ok());
  EXPECT_TRUE((*r)[1].ok());
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 2);
}

// Deferral: `begin` before the units of every run, told that they may defer; `flush`
// after them, in the same transaction, before COMMIT.
TEST_P(DatabaseTest, ADeferralFlushesAfterTheUnitsInTheirTransaction) {
  std::vector<std::string> calls;
  long long items_at_flush = -1;
  Database::Deferral deferral{
      [&](soci::session&, bool may_defer) { calls.push_back(may_defer ? "begin" : "begin direct"); },
      [&](soci::session& s) {
        calls.push_back("flush");
        s << "SELECT COUNT(*) FROM items", soci::into(items_at_flush);
        s << "INSERT INTO items (name) VALUES ('flushed')";
      }};
  std::vector<Database::Unit> units = {Insert("a"), Insert("b")};
  auto r = db_->TransactBatch(units, nullptr, &deferral);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].ok());
  EXPECT_TRUE((*r)[1].ok());
  EXPECT_EQ(calls, (std::vector<std::string>{"begin", "flush"}));
  EXPECT_EQ(items_at_flush, 2) << "the units ran before the flush";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 3);
}

// Rows a flush writes belong to no one unit: when it fails, the batch runs again with
// the units writing their own, and a row the database refuses fails its own unit only.
TEST_P(DatabaseTest, ABatchWhoseFlushFailsRunsAgainWritingAsItGoes) {
  bool may_defer = false;
  int flushes = 0;
  std::vector<std::string> deferred;  // the rows the units left to the flush
  Database::Deferral deferral{[&](soci::session&, bool defer) {
                                may_defer = defer;
                                deferred.clear();
                              },
                              [&](soci::session& s) {
                                ++flushes;
                                for (const std::string& name : deferred) {
                                  s << "INSERT INTO items (name) VALUES (:n)", soci::use(name);
                                }
                              }};
  auto unit = [&](std::string name) -> Database::Unit {
    return [&, name](soci::session& s) -> Status {
      if (may_defer) {
        deferred.push_back(name);
      } else {
        s << "INSERT INTO items (name) VALUES (:n)", soci::use(name);
      }
      return OkStatus();
    };
  };
  std::vector<Database::Unit> units = {unit("a"), unit("b"), unit("a"), unit("c")};  // the second "a" is refused
  auto r = db_->TransactBatch(units, nullptr, &deferral);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(flushes, 1) << "once deferred, then not again";
  EXPECT_TRUE((*r)[0].ok());
  EXPECT_TRUE((*r)[1].ok());
  EXPECT_EQ((*r)[2].error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE((*r)[3].ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 3);
  EXPECT_TRUE(InsertItem("d").ok()) << "the connection went back clean";
}

// A conflict in the flush is the transaction's: the batch runs again as it was,
// still deferring.
TEST_P(DatabaseTest, AConflictInTheFlushRunsTheBatchAgainStillDeferring) {
  std::vector<bool> begun;
  int flushes = 0;
  Database::Deferral deferral{[&](soci::session&, bool may_defer) { begun.push_back(may_defer); },
                              [&](soci::session& s) {
                                s << "INSERT INTO items (name) VALUES ('flushed')";
                                if (++flushes == 1) throw ConflictRetry("stored concurrently");
                              }};
  std::vector<Database::Unit> units = {Insert("a")};
  auto r = db_->TransactBatch(units, nullptr, &deferral);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].ok());
  EXPECT_EQ(begun, (std::vector<bool>{true, true}));
  EXPECT_EQ(flushes, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 2);
}

TEST_P(DatabaseTest, BatchWhoseCommitFailsKeepsNothing) {
  const std::vector<Database::Unit> units = {
      Insert("a"),
      [](soci::session& s) -> Status {
        s << "INSERT INTO children (parent) VALUES (42)";
        return OkStatus();
      },
  };
  auto r = db_->TransactBatch(units);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDatabaseError);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 0);
  EXPECT_TRUE(InsertItem("b").ok()) << "the connection went back clean";
}

// AfterTransaction's calls follow what the transaction did: true once committed, false
// when it rolled back for any reason, and a batch that runs again ends its first run
// rolled back.
TEST_P(DatabaseTest, AfterTransactionIsToldWhetherTheTransactionCommitted) {
  std::vector<bool> ended;
  auto told = [&](soci::session& s) { db_->AfterTransaction(s, [&](bool committed) { ended.push_back(committed); }); };
  ASSERT_TRUE(db_->Transact<Ok>([&](soci::session& s) -> Status {
                   told(s);
                   return OkStatus();
                 })
                  .ok());
  EXPECT_EQ(ended, std::vector<bool>{true});
  ended.clear();
  EXPECT_FALSE(db_->Transact<Ok>([&](soci::session& s) -> Status {
                    told(s);
                    return MakeError(ErrorCode::kInvalidField);
                  })
                   .ok());
  EXPECT_FALSE(db_->Transact<Ok>([&](soci::session& s) -> Status {
                    told(s);
                    throw std::runtime_error("boom");
                  })
                   .ok());
  EXPECT_FALSE(db_->Transact<Ok>([&](soci::session& s) -> Status {  // the COMMIT fails
                    told(s);
                    s << "INSERT INTO children (parent) VALUES (42)";
                    return OkStatus();
                  })
                   .ok());
  EXPECT_EQ(ended, (std::vector<bool>{false, false, false}));
  ended.clear();
  // A failing unit: the batch's first run rolls back, the second commits. Each run of
  // the first unit asks to be told.
  const std::vector<Database::Unit> units = {
      [&](soci::session& s) -> Status {
        told(s);
        s << "INSERT INTO items (name) VALUES ('a')";
        return OkStatus();
      },
      [](soci::session&) -> Status { return MakeError(ErrorCode::kInvalidField); },
  };
  auto r = db_->TransactBatch(units);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ended, (std::vector<bool>{false, true}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 1);
  // Told once: the next transaction does not call it again.
  ASSERT_TRUE(InsertItem("b").ok());
  EXPECT_EQ(ended.size(), 2u);
}

// Counts its constructions: Local's state per connection.
struct Probe {
  explicit Probe(soci::session&) { ++made; }
  static inline int made = 0;
};

TEST_P(DatabaseTest, LocalStateLivesWithItsConnectionUntilAFailure) {
  Probe::made = 0;
  auto use = [&](bool fail) {
    return db_->Transact<Ok>([&](soci::session& s) -> Status {
      db_->Local<Probe>(s);
      if (fail) throw std::runtime_error("boom");
      return OkStatus();
    });
  };
  // One thread, one transaction at a time: always the pool's first free connection.
  ASSERT_TRUE(use(false).ok());
  ASSERT_TRUE(use(false).ok());
  EXPECT_EQ(Probe::made, 1);
  EXPECT_FALSE(use(true).ok());
  ASSERT_TRUE(use(false).ok());
  EXPECT_EQ(Probe::made, 2) << "made again after the failure dropped it";
}

TEST_P(DatabaseTest, TwoDatabasesMigratingAtOnceApplyOnce) {
  // Two pools on one database stand in for two processes starting together.
  auto other = Database::Open(*ParseDbUrl(tdb_->url()), 2);
  ASSERT_TRUE(other.ok());
  const Migration more[] = {
      kSchema[0],
      {"0002_seed", "CREATE TABLE seed (v TEXT);\nINSERT INTO seed (v) VALUES ('once');"},
  };
  Status a = OkStatus();
  Status b = OkStatus();
  std::thread t1([&] { a = db_->Migrate(more); });
  std::thread t2([&] { b = (*other)->Migrate(more); });
  t1.join();
  t2.join();
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(b.ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM seed"), 1);
}

TEST_P(DatabaseTest, EmbeddedMigrationsApply) {
  // db/migrations/*.sql as compiled in; on a database of their own, twice.
  auto tdb = testing::TestDatabase::Create(GetParam());
  auto db = Database::Open(*ParseDbUrl(tdb.url()), 2);
  ASSERT_TRUE(db.ok());
  Status first = (*db)->Migrate();
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE((*db)->Migrate().ok());
}

INSTANTIATE_TEST_SUITE_P(Dialects, DatabaseTest, ::testing::ValuesIn(liantiao::testing::TestDatabaseKinds()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace liantiao::storage
