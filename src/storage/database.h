#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include <soci/soci.h>

#include "core/result.h"

namespace liantiao::storage {

enum class Dialect { kSqlite, kPostgres };

// The database is a URL, never a compile-time choice:
//   sqlite:var/liantiao.db, sqlite:///abs/path.db, sqlite::memory: (tests)
//   postgresql://user:pass@host:port/dbname (libpq URI, passed through)
struct DbUrl {
  Dialect dialect;
  std::string soci_backend;  // "sqlite3" or "postgresql"
  std::string connect;       // SOCI connect string for that backend
  std::string display;       // the URL with any password masked, for logs
};
Result<DbUrl> ParseDbUrl(std::string_view url);

// The dialect of an open session, for code that holds a session and not its Database
// (statements kept per connection, bulk inserts).
Dialect DialectOf(soci::session& s);

// One plain session outside any pool and transaction, set up like the pool's (SQLite
// pragmas, PG time zone). For work that cannot run in a transaction block, such as
// CREATE DATABASE in test support.
Result<std::unique_ptr<soci::session>> OpenSession(const DbUrl& url);

// SQLite: rewrites the file of `url` with pages of Database::kSqlitePageSize (VACUUM),
// for a file created before new files got them; its data is unchanged and it is left
// in WAL mode. The file must be closed everywhere else (a server on it stopped):
// otherwise kDatabaseError saying so, and nothing changes. kNotFound when there is no such file,
// kInvalidField for a PostgreSQL URL. Answers the page size before and after.
struct PageSizes {
  int before = 0, after = 0;
};
Result<PageSizes> RepackSqliteFile(const DbUrl& url);

// SQLite: writes a consistent copy of the database of `url` to the new file `to`
// (VACUUM INTO), while servers keep using it: the copy is the database as of one
// moment, committed writes still in the WAL included. Answers the copy's size in bytes.
// kAlreadyExists when `to` exists (never overwritten), kNotFound when there is no such
// database file, kInvalidField for an in-memory or PostgreSQL database (pg_dump is
// PostgreSQL's own), kDatabaseError when the copy cannot be written (nothing is left).
Result<std::uintmax_t> BackupSqliteFile(const DbUrl& url, const std::string& to);

struct Migration;  // storage/migrations.h

// Thrown by work inside a transaction that found a concurrent transaction's commit
// contradicting what it read earlier in the same transaction (READ COMMITTED on
// PostgreSQL gives each statement a new snapshot): the transaction is rolled back and
// run again, as a serialization failure would be.
struct ConflictRetry : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The URL with its password masked ("user:***@", "password=***"), for logs and output.
std::string MaskPassword(std::string_view url);

// A pool of SOCI sessions on one database. Repository code is the same for both
// dialects; the few differences (id columns, BEGIN IMMEDIATE) live here.
class Database {
 public:
  // On a SQLite file, the checkpointer rewinds the WAL once its frames hold more than
  // `wal_rewind_bytes` of pages (64 MB; tests give less).
  static constexpr std::int64_t kWalRewindBytes = std::int64_t{64} << 20;
  // The page size of a SQLite file this creates (an existing file keeps its own).
  static constexpr int kSqlitePageSize = 16384;
  static Result<std::unique_ptr<Database>> Open(const DbUrl& url, std::size_t pool_size,
                                                std::int64_t wal_rewind_bytes = kWalRewindBytes);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }

  // Counts the write transactions run through Transact (not TransactBatch), bumped
  // after each ends. A cache of rows that only Transact writes (the sandbox's keys)
  // is current while this number has not moved since it was read: read the epoch,
  // then the rows, and drop them once the epoch differs.
  std::uint64_t WriteEpoch() const { return write_epoch_.load(std::memory_order_acquire); }

  // Runs `fn` in one transaction (BEGIN IMMEDIATE on SQLite so writers queue instead
  // of failing on upgrade): commits when it returns ok, rolls back on an error or an
  // exception. soci/driver exceptions become kDatabaseError (message logged, not
  // returned). A unique-constraint violation becomes kAlreadyExists.
  template <typename T>
  Result<T> Transact(const std::function<Result<T>(soci::session&)>& fn);
  // Read-only work without an explicit write lock.
  template <typename T>
  Result<T> Read(const std::function<Result<T>(soci::session&)>& fn);

  // Several units of work in one transaction (group commit), in order. A unit that
  // returns an error or throws gets that error (as Transact would give it) in its slot
  // of the result and nothing of it is kept, while the others are: the transaction is
  // rolled back and run again without it, so the units before it run twice. Returns
  // the per-unit statuses when the transaction committed; when BEGIN or COMMIT fails,
  // that error, and nothing of any unit is kept. Conflicts (SQLITE_BUSY, 40001/40P01),
  // in a unit or at COMMIT, run the whole batch again, as Transact does. Units must
  // therefore give the same effect when run again.
  using Unit = std::function<Status(soci::session&)>;
  Result<std::vector<Status>> TransactBatch(std::span<const Unit> units);
  // The same, for a batch that grows while its transaction is open: once the units in
  // `units` have run, `more` may append units to it (returning true), which run in the
  // same transaction; once it returns false, the transaction commits. `more` is asked
  // only until then, on the batch's first run: a batch run again (a conflict, a failed
  // unit) runs the units it has. The statuses are those of `units` as it ends.
  //
  // `deferral`, when given, lets the units leave some of their writes to the end of the
  // batch, written together before COMMIT: on PostgreSQL every statement is a round
  // trip, and rows of one table written with one COPY cost one for the whole batch.
  // `begin` runs on the batch's session before its units, in every run of the batch,
  // told whether they may defer; after them, `flush` writes what they left. Rows that
  // `flush` writes belong to no one unit, so when it fails (other than by a conflict,
  // which runs the batch again as above) the batch runs again with `may_defer` false:
  // each unit then writes its own rows as it runs, and a row the database refuses
  // fails its own unit only. `begin` must forget what an earlier run of the batch left.
  // Without a `flush` nothing is deferred (`begin`, if any, is told so).
  struct Deferral {
    std::function<void(soci::session&, bool may_defer)> begin;
    std::function<void(soci::session&)> flush;
  };
  Result<std::vector<Status>> TransactBatch(std::vector<Unit>& units, const std::function<bool()>& more,
                                            const Deferral* deferral = nullptr);

  // State that lives as long as the pooled connection `s` it belongs to, such as
  // statements prepared once and executed by many transactions: a T constructed from
  // `s` on first use. Only within Transact/Read/TransactBatch on that `s`; the lease
  // makes it exclusive, so no lock. Dropped with the connection after any failure.
  template <typename T>
  T& Local(soci::session& s);

  // Calls `after` once the transaction that `s` is in has ended, on the thread that ran
  // it: with true once its COMMIT succeeded, with false when it was rolled back (an
  // error, an exception, a failed COMMIT; a batch run again rolls back first). For
  // state kept outside the database that must follow only what committed (the
  // sandbox's nonce window). Only within Transact/Read/TransactBatch on that `s`; keep
  // `after` short, the next transaction on the connection waits for it.
  void AfterTransaction(soci::session& s, std::function<void(bool committed)> after);

  // SQLite files: the WAL is checkpointed by a thread of its own (every 100 ms), not by
  // whichever transaction crossed SQLite's 1,000-page mark; a checkpoint writes and
  // syncs the database file, and in the commit path that held the one writer up for
  // its whole I/O. Runs one checkpoint on that thread and returns the WAL's frames now
  // in the database file; kNotFound where there is no such thread (PostgreSQL,
  // :memory:).
  Result<long long> CheckpointNow();

  // Makes every transaction committed so far durable. Commits on SQLite do not wait for
  // the disk (synchronous=NORMAL: the WAL is written, not synced), so that the group
  // commit's writer never waits for it; whoever confirms a commit to someone calls this
  // first: Transact itself, and the group commit before it sends a batch's answers.
  // One fdatasync of the WAL file covers every commit before it. A no-op on PostgreSQL
  // (synchronous_commit) and :memory:.
  Status SyncLog();

  // Applies the embedded migrations (db/migrations/*.sql) not yet applied, in order,
  // each in its own transaction, recorded in schema_migrations. Safe to run from two
  // processes at once.
  Status Migrate();
  // Applies the given migrations instead of the embedded ones (tests).
  Status Migrate(std::span<const Migration> migrations);

 private:
  // SQLite: declares the tables' integer columns BIGINT (database.cc says why).
  void WidenIntegerColumns();
  Database(Dialect dialect, std::size_t pool_size);
  template <typename T>
  Result<T> Run(bool write, const std::function<Result<T>(soci::session&)>& fn);
  Status RunInTransaction(bool write, const std::function<Status(soci::session&)>& fn);
  std::size_t PositionOf(const soci::session& s) const;

  using Locals = std::unordered_map<std::type_index, std::shared_ptr<void>>;

  Dialect dialect_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
  std::vector<Locals> locals_;  // by pool position; declared after pool_, destroyed first
  // AfterTransaction's calls for the transaction open on each pool position.
  std::vector<std::vector<std::function<void(bool)>>> after_;
  void EndTransaction(std::size_t position, bool committed);
  // The turn of this process's SQLite writers (see RunInTransaction). A mutex that
  // lets the checkpointer go before waiting writers: a plain one is not fair, and a
  // writer committing back to back would take it again and again while the
  // checkpointer waited, the WAL growing meanwhile.
  class WriterTurn {
   public:
    void lock();
    void unlock();
    void lock_first();  // before any writer waiting in lock()

   private:
    std::mutex mu_;
    std::condition_variable free_;
    bool held_ = false;
    int first_waiting_ = 0;
  };
  WriterTurn sqlite_writer_;
  std::atomic<std::uint64_t> write_epoch_{0};
  std::string wal_path_;  // SQLite files only
  std::mutex log_sync_mu_;
  int log_fd_ = -1;  // wal_path_ opened by SyncLog; opened again if the file was replaced
  class Checkpointer;
  std::unique_ptr<Checkpointer> checkpointer_;  // last: stopped before the pool closes
};

template <typename T>
T& Database::Local(soci::session& s) {
  Locals& locals = locals_[PositionOf(s)];
  auto it = locals.find(std::type_index(typeid(T)));
  if (it == locals.end()) it = locals.emplace(std::type_index(typeid(T)), std::make_shared<T>(s)).first;
  return *static_cast<T*>(it->second.get());
}

template <typename T>
Result<T> Database::Run(bool write, const std::function<Result<T>(soci::session&)>& fn) {
  std::optional<Result<T>> out;
  Status st = RunInTransaction(write, [&](soci::session& s) -> Status {
    out.emplace(fn(s));
    if (!out->ok()) return out->error();
    return OkStatus();
  });
  // After the transaction ended, committed or not: a reader that took the old epoch
  // may have read the rows before the commit.
  if (write) write_epoch_.fetch_add(1, std::memory_order_acq_rel);
  if (!st.ok()) return st.take_error();
  if (write) LT_RETURN_IF_ERROR(SyncLog());
  return std::move(*out);
}

template <typename T>
Result<T> Database::Transact(const std::function<Result<T>(soci::session&)>& fn) {
  return Run<T>(true, fn);
}

template <typename T>
Result<T> Database::Read(const std::function<Result<T>(soci::session&)>& fn) {
  return Run<T>(false, fn);
}

}  // namespace liantiao::storage
