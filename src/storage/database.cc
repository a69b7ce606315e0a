#include "storage/database.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include "storage/migrations.h"

namespace liantiao::storage {
namespace {

// One retry budget for both dialects: PG serialization failures/deadlocks and SQLite
// SQLITE_BUSY both mean "another transaction won, run yours again".
constexpr int kMaxRetries = 3;
// Serialises migrators across processes on PostgreSQL (any constant, fixed forever).
constexpr long long kMigrationLockKey = 7325410001;
constexpr std::string_view kSupportedUrls =
    "sqlite:相对路径、sqlite:///绝对路径、sqlite::memory:、postgresql://用户:密码@主机:端口/库名";

// The backends are linked in, so registering them by name keeps session.open(backend,
// connect) from searching the file system for a shared library.
void RegisterBackends() {
  static std::once_flag once;
  std::call_once(once, [] {
    soci::register_factory_sqlite3();
    soci::register_factory_postgresql();
  });
}

Error BadUrl(const std::string& display, std::string_view why) {
  return MakeError(ErrorCode::kConfigError,
                   fmt::format("数据库地址无效（{}）：{}。支持的写法：{}", why, display, kSupportedUrls),
                   {{"url", display}});
}

// A driver's message on one line: line breaks and runs of blanks become one space,
// none at either end.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      out += c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// SOCI 4.0.3's PostgreSQL backend re-tokenises its connect string as key=value pairs
// before libpq sees it, which mangles a URI (".../db" arrives as ".../db="). So libpq
// itself parses the URI and SOCI gets keyword form, quoted the way both parsers agree
// on: SOCI strips key="…" to key=…, and libpq then honours backslash escapes in it.
Result<std::string> PgKeywordConnect(const std::string& uri, const std::string& display) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &parse_error);
  if (options == nullptr) {
    std::string why = parse_error != nullptr ? parse_error : "out of memory";
    PQfreemem(parse_error);
    why = OneLine(why);
    spdlog::error("invalid PostgreSQL URL {}: {}", display, why);
    return BadUrl(display, "PostgreSQL 地址格式错误");
  }
  std::string out;
  bool representable = true;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    std::string value;
    for (const char* c = o->val; *c != '\0'; ++c) {
      if (*c == '"') representable = false;  // ends SOCI's quoted value; no escape exists
      if (*c == '\\' || *c == '\'' || std::isspace(static_cast<unsigned char>(*c))) {
        value.push_back('\\');
      }
      value.push_back(*c);
    }
    if (!out.empty()) out.push_back(' ');
    out += fmt::format("{}=\"{}\"", o->keyword, value);
  }
  PQconninfoFree(options);
  if (!representable) return BadUrl(display, "连接参数不能包含双引号");
  return out;
}

bool IsSqliteMemory(const DbUrl& url) { return url.dialect == Dialect::kSqlite && url.connect == ":memory:"; }

// SQLite creates the file but not its directory; a fresh checkout has no var/.
Status PrepareLocation(const DbUrl& url) {
  if (url.dialect != Dialect::kSqlite || IsSqliteMemory(url)) return OkStatus();
  const std::filesystem::path parent = std::filesystem::path(url.connect).parent_path();
  if (parent.empty()) return OkStatus();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    spdlog::error("cannot create database directory {}: {}", parent.string(), ec.message());
    return MakeError(ErrorCode::kDatabaseError, fmt::format("无法创建数据库目录：{}", parent.string()));
  }
  return OkStatus();
}

// Per-connection settings; they are not persistent (except journal_mode), so every
// session of the pool and every reconnect needs them.
void ConfigureSession(soci::session& s, Dialect dialect) {
  if (dialect == Dialect::kPostgres) {
    s << "SET TIME ZONE 'UTC'";
    // libpq prints NOTICEs to stderr ("… already exists, skipping"): noise, not news.
    s << "SET client_min_messages = WARNING";
    return;
  }
  // busy_timeout first: switching to WAL itself needs a lock another process may hold.
  s << "PRAGMA busy_timeout=10000";
  // 16 KB pages, for a file created now (before its first table; an existing file
  // keeps the size it was created with). The sandbox's commits each append a few
  // kilobytes to half a dozen B-trees: with larger pages they write half as many WAL
  // frames (a pwrite for each frame's header and one for its page), and in alternated
  // benchmark runs the pipeline ran about 5 % faster with a lower p99
  // (docs/benchmarks.md).
  s << "PRAGMA page_size=" + std::to_string(Database::kSqlitePageSize);
  std::string mode;
  s << "PRAGMA journal_mode=WAL", soci::into(mode);
  if (mode != "wal" && mode != "memory") {
    spdlog::warn("sqlite journal_mode is {} instead of wal", mode);
  }
  s << "PRAGMA foreign_keys=ON";
  s << "PRAGMA synchronous=NORMAL";
  // A Database on a SQLite file checkpoints its WAL from a thread of its own
  // (Database::Checkpointer), never inside a commit; :memory: has no WAL.
  s << "PRAGMA wal_autocheckpoint=0";
}

// SQLite's library-wide settings, made once before its first connection opens (after
// that sqlite3_config refuses them, and the library keeps its safe defaults):
// - multi-thread mode instead of serialized: a connection is only ever used by the thread
//   that leased it from the pool (or by the writer or checkpointer that owns it), so the
//   per-connection mutex every API call takes guards nothing here. Under the sandbox's
//   load the writer thread spent about 6 % of its time locking and unlocking it.
// - no memory statistics, which take a global mutex on every allocation; nothing reads them.
void ConfigureSqliteLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    const int threading = sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    const int memstatus = sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (threading != SQLITE_OK || memstatus != SQLITE_OK) {
      spdlog::debug("sqlite library already initialised; keeping its threading mode");
    }
  });
}

Status OpenInto(soci::session& s, const DbUrl& url) {
  try {
    if (url.dialect == Dialect::kSqlite) ConfigureSqliteLibrary();
    s.open(url.soci_backend, url.connect);
    ConfigureSession(s, url.dialect);
  } catch (const std::exception& e) {
    // The driver's reason spans lines (libpq adds a hint); the error carries it as one,
    // so a command that fails on it prints one line.
    const std::string reason = OneLine(e.what());
    return MakeError(ErrorCode::kDatabaseError, fmt::format("无法连接数据库：{}（{}）", url.display, reason),
                     {{"url", url.display}, {"reason", reason}});
  }
  return OkStatus();
}

enum class Failure { kUnique, kRetry, kOther };

Failure Classify(const std::exception& e) {
  if (dynamic_cast<const ConflictRetry*>(&e) != nullptr) return Failure::kRetry;
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string state = pg->sqlstate();
    if (state == "23505") return Failure::kUnique;
    if (state == "40001" || state == "40P01") return Failure::kRetry;
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    // The primary code: SQLITE_BUSY_SNAPSHOT and friends are extended BUSY codes.
    if ((lite->result() & 0xff) == SQLITE_BUSY) return Failure::kRetry;
  }
  // Messages as a fallback: not every SOCI code path throws the backend's type.
  const std::string_view what = e.what();
  if (what.find("UNIQUE constraint failed") != std::string_view::npos ||
      what.find("duplicate key value") != std::string_view::npos) {
    return Failure::kUnique;
  }
  if (what.find("database is locked") != std::string_view::npos) return Failure::kRetry;
  return Failure::kOther;
}

// Backoff with jitter so that two losers of the same race do not collide again.
void SleepBeforeRetry(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> jitter(0, 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(20 * (1 << attempt) + jitter(rng)));
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

std::string_view Trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const std::size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

// Masks the password of a URL ("user:secret@" and "password=secret") for logs and
// messages: a URL is configuration, and configuration ends up in tickets.
std::string MaskPassword(std::string_view url) {
  std::string out(url);
  const std::size_t scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    const std::size_t auth_begin = scheme_end + 3;
    std::size_t auth_end = out.find_first_of("/?#", auth_begin);
    if (auth_end == std::string::npos) auth_end = out.size();
    const std::size_t at = out.rfind('@', auth_end);
    if (at != std::string::npos && at >= auth_begin) {
      const std::size_t colon = out.find(':', auth_begin);
      if (colon != std::string::npos && colon < at) {
        out.replace(colon + 1, at - colon - 1, "***");
      }
    }
  }
  static const std::regex kPasswordParam(R"((password=)[^&\s]*)", std::regex::icase);
  return std::regex_replace(out, kPasswordParam, "$1***");
}

Result<DbUrl> ParseDbUrl(std::string_view url) {
  const std::string display = MaskPassword(url);
  if (url.starts_with("sqlite:")) {
    std::string_view rest = url.substr(7);
    std::string path;
    if (rest == ":memory:") {
      path = ":memory:";
    } else if (rest.starts_with("//")) {
      // sqlite:///abs/path.db; a host (sqlite://host/…) means nothing for a file.
      if (!rest.starts_with("///")) return BadUrl(display, "SQLite 地址不能包含主机名");
      path = std::string(rest.substr(2));
    } else {
      path = std::string(rest);
    }
    if (Trim(path).empty() || path == "/") return BadUrl(display, "缺少数据库文件路径");
    // SOCI reads a connect string containing '=' as key=value pairs.
    if (path.find('=') != std::string::npos) return BadUrl(display, "文件路径不能包含“=”");
    return DbUrl{Dialect::kSqlite, "sqlite3", path, display};
  }
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (url.starts_with(scheme)) {
      if (url.size() == scheme.size()) return BadUrl(display, "缺少主机或库名");
      auto connect = PgKeywordConnect(std::string(url), display);
      if (!connect.ok()) return connect.take_error();
      return DbUrl{Dialect::kPostgres, "postgresql", std::move(*connect), display};
    }
  }
  return BadUrl(display, "不支持的数据库类型");
}

Dialect DialectOf(soci::session& s) {
  return s.get_backend_name() == "postgresql" ? Dialect::kPostgres : Dialect::kSqlite;
}

Result<std::unique_ptr<soci::session>> OpenSession(const DbUrl& url) {
  RegisterBackends();
  LT_RETURN_IF_ERROR(PrepareLocation(url));
  auto session = std::make_unique<soci::session>();
  LT_RETURN_IF_ERROR(OpenInto(*session, url));
  return Result<std::unique_ptr<soci::session>>(std::move(session));
}

Result<PageSizes> RepackSqliteFile(const DbUrl& url) {
  if (url.dialect != Dialect::kSqlite || url.connect == ":memory:") {
    return MakeError(ErrorCode::kInvalidField, "仅 SQLite 数据库文件可以转换页大小", {{"field", "db"}});
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(url.connect, ec)) {
    return MakeError(ErrorCode::kNotFound, "数据库文件不存在：" + url.connect);
  }
  LT_ASSIGN_OR_RETURN(auto session, OpenSession(url));
  soci::session& s = *session;
  PageSizes sizes;
  s << "PRAGMA page_size", soci::into(sizes.before);
  sizes.after = sizes.before;
  if (sizes.before == Database::kSqlitePageSize) return sizes;
  // A page size takes effect through VACUUM, and only outside WAL mode; leaving WAL mode
  // needs the file to itself, which is what tells that no server has it open.
  const auto in_use = [&] {
    return MakeError(ErrorCode::kDatabaseError, "数据库文件正被其他进程使用，请先停止使用它的服务");
  };
  s << "PRAGMA busy_timeout = 0";
  std::string mode;
  try {
    s << "PRAGMA journal_mode = DELETE", soci::into(mode);
  } catch (const std::exception& e) {
    spdlog::debug("leaving WAL mode failed: {}", e.what());
    return in_use();
  }
  if (mode != "delete") return in_use();
  Status vacuumed = OkStatus();
  try {
    s << fmt::format("PRAGMA page_size = {}", Database::kSqlitePageSize);
    s << "VACUUM";
  } catch (const std::exception& e) {
    // VACUUM is all or nothing: the file is as it was.
    spdlog::debug("VACUUM failed: {}", e.what());  // the command line says it in one line
    vacuumed = MakeError(ErrorCode::kDatabaseError, "转换页大小失败，数据库文件未改变");
  }
  s << "PRAGMA journal_mode = WAL", soci::into(mode);
  if (!vacuumed.ok()) return vacuumed.take_error();
  s << "PRAGMA page_size", soci::into(sizes.after);
  return sizes;
}

Result<std::uintmax_t> BackupSqliteFile(const DbUrl& url, const std::string& to) {
  if (url.dialect != Dialect::kSqlite || url.connect == ":memory:") {
    return MakeError(ErrorCode::kInvalidField, "仅 SQLite 数据库文件可以这样备份；PostgreSQL 请用 pg_dump",
                     {{"field", "db"}});
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(url.connect, ec)) {
    return MakeError(ErrorCode::kNotFound, "数据库文件不存在：" + url.connect);
  }
  if (std::filesystem::exists(to, ec) || std::filesystem::is_symlink(to, ec)) {
    return MakeError(ErrorCode::kAlreadyExists, "备份文件已存在，不会覆盖：" + to, {{"field", "to"}});
  }
  LT_ASSIGN_OR_RETURN(auto session, OpenSession(url));
  try {
    // One read transaction: a snapshot, which in WAL mode neither waits for the
    // server's writer nor holds it up.
    *session << "VACUUM INTO :to", soci::use(to);
  } catch (const std::exception& e) {
    // The command line's one line says what failed; SQLite's words are for debugging.
    spdlog::debug("VACUUM INTO {} failed: {}", to, e.what());
    std::filesystem::remove(to, ec);  // a partial copy is no backup
    return MakeError(ErrorCode::kDatabaseError,
                     "写入备份文件失败（请检查目录是否存在、是否可写、磁盘空间是否足够）：" + to);
  }
  const std::uintmax_t size = std::filesystem::file_size(to, ec);
  if (ec) return MakeError(ErrorCode::kDatabaseError, "写入备份文件失败：" + to);
  return size;
}

// Checkpoints a SQLite WAL from a connection and thread of its own. PASSIVE every
// interval: it copies what no reader still needs and never waits for the writer. Under
// continuous writes a passive checkpoint never reaches the WAL's end, and SQLite only
// rewinds the WAL when one did. So once the WAL is past `rewind_bytes`, a second
// passive checkpoint runs holding the process's writer mutex (see RunInTransaction):
// it copies only what was committed during the first, the writer waits for that alone
// (on the mutex, not in SQLite's busy handler, which sleeps in milliseconds), and the
// next transaction starts the WAL from its beginning, which bounds the file.
class Database::Checkpointer {
 public:
  Checkpointer(std::unique_ptr<soci::session> session, std::chrono::milliseconds interval, WriterTurn& writer,
               std::int64_t rewind_bytes)
      : session_(std::move(session)),
        interval_(interval),
        writer_(writer),
        rewind_frames_(FramesOf(*session_, rewind_bytes)),
        thread_([this] { Loop(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  Result<long long> RunNow() {
    std::unique_lock lock(mu_);
    // A run that started before this call may have missed the latest commits: wait
    // for one that starts after it.
    const std::uint64_t target = runs_ + (runs_ % 2 == 1 ? 3 : 2);
    requested_ = true;
    wake_.notify_one();
    ran_.wait(lock, [&] { return runs_ >= target || stop_; });
    if (!last_ok_) return MakeError(ErrorCode::kDatabaseError);
    return last_frames_;
  }

 private:
  void Loop() {
    pthread_setname_np(pthread_self(), "wal-checkpoint");  // shown by top -H and perf
    std::unique_lock lock(mu_);
    while (!stop_) {
      wake_.wait_for(lock, interval_, [this] { return stop_ || requested_; });
      if (stop_) break;
      requested_ = false;
      ++runs_;  // odd: a run is under way
      lock.unlock();
      long long checkpointed = 0;
      bool ok = true;
      try {
        int log = 0;
        checkpointed = Passive(log);
        if (log > rewind_frames_) {
          writer_.lock_first();
          std::lock_guard writer(writer_, std::adopt_lock);
          checkpointed = Passive(log);
        }
      } catch (const std::exception& e) {
        // Busy or a disk error: the next run tries again; the WAL keeps every commit.
        spdlog::warn("wal checkpoint failed: {}", e.what());
        ok = false;
      }
      lock.lock();
      ++runs_;  // even: ended
      last_ok_ = ok;
      last_frames_ = checkpointed;
      ran_.notify_all();
    }
  }

  // The WAL frames that hold `bytes` of this database's pages (a frame holds one page;
  // the page size is the file's, fixed when it was created).
  static int FramesOf(soci::session& session, std::int64_t bytes) {
    int page = 4096;
    session << "PRAGMA page_size", soci::into(page);
    return static_cast<int>(std::clamp<std::int64_t>(bytes / std::max(page, 512), 1, std::numeric_limits<int>::max()));
  }

  // One passive checkpoint: the WAL's frames now in the database file; `log`, the
  // frames in the WAL.
  long long Passive(int& log) {
    int busy = 0, done = 0;
    *session_ << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(log), soci::into(done);
    return done;
  }

  std::unique_ptr<soci::session> session_;
  const std::chrono::milliseconds interval_;
  WriterTurn& writer_;
  const int rewind_frames_;
  std::mutex mu_;
  std::condition_variable wake_, ran_;
  bool stop_ = false, requested_ = false, last_ok_ = true;
  std::uint64_t runs_ = 0;  // odd while a run is under way
  long long last_frames_ = 0;
  std::thread thread_;  // last: starts once everything it uses exists
};

void Database::WriterTurn::lock() {
  std::unique_lock lock(mu_);
  free_.wait(lock, [this] { return !held_ && first_waiting_ == 0; });
  held_ = true;
}

void Database::WriterTurn::lock_first() {
  std::unique_lock lock(mu_);
  ++first_waiting_;
  free_.wait(lock, [this] { return !held_; });
  --first_waiting_;
  held_ = true;
}

void Database::WriterTurn::unlock() {
  {
    std::lock_guard lock(mu_);
    held_ = false;
  }
  free_.notify_all();
}

Database::Database(Dialect dialect, std::size_t pool_size) : dialect_(dialect), pool_size_(pool_size) {}

Database::~Database() {
  if (log_fd_ >= 0) ::close(log_fd_);
}

Status Database::SyncLog() {
  if (wal_path_.empty()) return OkStatus();
  std::lock_guard lock(log_sync_mu_);
  auto failed = [this](const char* what) {
    spdlog::error("database log {}: {} failed: {}", wal_path_, what, std::strerror(errno));
    return MakeError(ErrorCode::kDatabaseError);
  };
  struct stat named {};
  if (::stat(wal_path_.c_str(), &named) != 0) {
    // No WAL: nothing was committed through one (it exists from the first write on, as
    // long as a connection is open, and the pool holds its connections).
    if (errno == ENOENT) return OkStatus();
    return failed("stat");
  }
  struct stat opened {};
  if (log_fd_ < 0 || ::fstat(log_fd_, &opened) != 0 || opened.st_ino != named.st_ino || opened.st_dev != named.st_dev) {
    if (log_fd_ >= 0) ::close(log_fd_);
    // fdatasync syncs the file, not the descriptor: a read-only one of our own will do.
    log_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (log_fd_ < 0) return failed("open");
  }
  if (::fdatasync(log_fd_) != 0) return failed("fdatasync");
  return OkStatus();
}

Result<long long> Database::CheckpointNow() {
  if (!checkpointer_) return MakeError(ErrorCode::kNotFound);
  return checkpointer_->RunNow();
}

Result<std::unique_ptr<Database>> Database::Open(const DbUrl& url, std::size_t pool_size,
                                                 std::int64_t wal_rewind_bytes) {
  RegisterBackends();
  if (pool_size == 0) pool_size = 1;
  // Every connection to ":memory:" is a database of its own; one connection keeps
  // one database (callers must then not nest transactions, as with any pool).
  if (IsSqliteMemory(url)) pool_size = 1;
  LT_RETURN_IF_ERROR(PrepareLocation(url));
  std::unique_ptr<Database> db(new Database(url.dialect, pool_size));
  db->pool_ = std::make_unique<soci::connection_pool>(pool_size);
  db->locals_.resize(pool_size);
  db->after_.resize(pool_size);
  for (std::size_t i = 0; i < pool_size; ++i) {
    LT_RETURN_IF_ERROR(OpenInto(db->pool_->at(i), url));
  }
  if (url.dialect == Dialect::kSqlite && !IsSqliteMemory(url)) {
    db->wal_path_ = std::filesystem::absolute(url.connect).string() + "-wal";
    LT_ASSIGN_OR_RETURN(auto session, OpenSession(url));
    db->checkpointer_ = std::make_unique<Checkpointer>(std::move(session), std::chrono::milliseconds(100),
                                                       db->sqlite_writer_, wal_rewind_bytes);
  }
  spdlog::info("database {} open with {} connection(s)", url.display, pool_size);
  return Result<std::unique_ptr<Database>>(std::move(db));
}

namespace {

// A pooled connection held for one transaction. The pool's own session itself, not a
// proxy session: statements kept in Database::Local are prepared on it and must not
// refer to a session that ends with the transaction.
class Lease {
 public:
  explicit Lease(soci::connection_pool& pool) : pool_(pool), position_(pool.lease()) {}
  ~Lease() { pool_.give_back(position_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  soci::session& session() { return pool_.at(position_); }
  std::size_t position() const { return position_; }

 private:
  soci::connection_pool& pool_;
  std::size_t position_;
};

}  // namespace

std::size_t Database::PositionOf(const soci::session& s) const {
  for (std::size_t i = 0; i < pool_size_; ++i) {
    if (&pool_->at(i) == &s) return i;
  }
  // Local() outside Transact/Read: a bug of the caller.
  throw std::logic_error("Database::Local on a session that is not one of the pool's");
}

void Database::AfterTransaction(soci::session& s, std::function<void(bool committed)> after) {
  after_[PositionOf(s)].push_back(std::move(after));
}

void Database::EndTransaction(std::size_t position, bool committed) {
  // Taken first: a call may register another one, for the next transaction.
  std::vector<std::function<void(bool)>> calls;
  calls.swap(after_[position]);
  for (const auto& call : calls) call(committed);
}

Status Database::RunInTransaction(bool write, const std::function<Status(soci::session&)>& fn) {
  // SQLite: BEGIN IMMEDIATE takes the write lock up front, so writers queue on
  // busy_timeout instead of failing when a read lock cannot be upgraded.
  const char* begin = (dialect_ == Dialect::kSqlite && write) ? "BEGIN IMMEDIATE" : "BEGIN";
  // SQLite has one writer at a time. Writers of this process queue on a mutex, which
  // hands over in microseconds; left to busy_timeout they would poll with sleeps of
  // milliseconds and the sandbox's many small writes would collapse. The mutex is
  // taken before a connection is leased, so waiters hold no connection.
  std::unique_lock<WriterTurn> writer(sqlite_writer_, std::defer_lock);
  if (dialect_ == Dialect::kSqlite && write) writer.lock();
  for (int attempt = 0;; ++attempt) {
    Lease lease(*pool_);
    soci::session& s = lease.session();
    bool begun = false;
    try {
      s << begin;
      begun = true;
      Status st = fn(s);
      if (!st.ok()) {
        s << "ROLLBACK";
        EndTransaction(lease.position(), false);
        return st;
      }
      s << "COMMIT";
      EndTransaction(lease.position(), true);
      return OkStatus();
    } catch (const std::exception& e) {
      // A failed COMMIT may leave the transaction open on SQLite; the connection must
      // go back to the pool clean.
      if (begun) {
        try {
          s << "ROLLBACK";
        } catch (const std::exception& rollback_error) {
          // Usually "no transaction is active": the statement already ended it.
          spdlog::debug("rollback after failure: {}", rollback_error.what());
        }
      }
      EndTransaction(lease.position(), false);
      // Statements kept for this connection may be mid-step or belong to a broken
      // connection; they are prepared again on next use.
      locals_[lease.position()].clear();
      if (!s.is_connected()) {
        try {
          s.reconnect();
          ConfigureSession(s, dialect_);
        } catch (const std::exception& reconnect_error) {
          spdlog::error("database reconnect failed: {}", reconnect_error.what());
        }
      }
      const Failure failure = Classify(e);
      if (failure == Failure::kUnique) {
        spdlog::debug("unique constraint violated: {}", e.what());
        return MakeError(ErrorCode::kAlreadyExists);
      }
      if (failure == Failure::kRetry && attempt < kMaxRetries) {
        spdlog::warn("transaction conflict, retrying ({}/{}): {}", attempt + 1, kMaxRetries, e.what());
        SleepBeforeRetry(attempt);
        continue;
      }
      spdlog::error("database transaction failed: {}", e.what());
      return MakeError(ErrorCode::kDatabaseError);
    } catch (...) {
      // Not ours to translate; still never return a connection mid-transaction.
      if (begun) {
        try {
          s << "ROLLBACK";
        } catch (const std::exception&) {
        }
      }
      EndTransaction(lease.position(), false);
      locals_[lease.position()].clear();
      throw;
    }
  }
}

Result<std::vector<Status>> Database::TransactBatch(std::span<const Unit> units) {
  std::vector<Unit> fixed(units.begin(), units.end());
  return TransactBatch(fixed, nullptr);
}

Result<std::vector<Status>> Database::TransactBatch(std::vector<Unit>& units, const std::function<bool()>& more,
                                                    const Deferral* deferral) {
  // No savepoint per unit: a savepoint costs two more statements per unit (two round
  // trips on PostgreSQL), and units fail rarely (a refused request is a unit that
  // succeeds). A unit that fails rolls the transaction back instead, and the batch runs
  // again without it, so the units before it run twice; units must allow that anyway,
  // since a conflict runs the whole batch again.
  std::vector<Status> results(units.size(), OkStatus());
  std::vector<bool> dropped(units.size(), false);
  // Asks `more` until it says no, on the first run only.
  bool growing = static_cast<bool>(more);
  const auto grow = [&] {
    const std::size_t had = units.size();
    if (!growing || !more() || units.size() == had) {
      growing = false;
      return false;
    }
    results.resize(units.size(), OkStatus());
    dropped.resize(units.size(), false);
    return true;
  };
  bool defer = deferral != nullptr && deferral->flush;
  for (;;) {
    std::optional<std::size_t> failed;
    bool flush_failed = false;
    Status st = RunInTransaction(true, [&](soci::session& s) -> Status {
      failed.reset();  // a conflict runs this again from the start
      flush_failed = false;
      if (deferral && deferral->begin) deferral->begin(s, defer);
      for (std::size_t i = 0; i < units.size() || grow(); ++i) {
        if (dropped[i]) continue;
        Status r = OkStatus();
        try {
          r = units[i](s);
        } catch (const std::exception& e) {
          growing = false;
          const Failure failure = Classify(e);
          // A conflict is the whole transaction's: RunInTransaction runs it again.
          if (failure == Failure::kRetry) throw;
          results[i] =
              failure == Failure::kUnique ? MakeError(ErrorCode::kAlreadyExists) : MakeError(ErrorCode::kDatabaseError);
          failed = i;
          throw;  // RunInTransaction rolls back, logs, and drops the connection's statements
        }
        if (!r.ok()) {
          growing = false;
          results[i] = std::move(r);
          failed = i;
          return results[i];  // rolls back
        }
      }
      if (defer) {
        try {
          deferral->flush(s);
        } catch (const std::exception& e) {
          flush_failed = Classify(e) != Failure::kRetry;
          throw;
        }
      }
      return OkStatus();
    });
    growing = false;
    if (failed) {
      dropped[*failed] = true;
      continue;
    }
    if (flush_failed) {
      spdlog::warn("group commit: the batch's deferred rows were refused; running it again row by row");
      defer = false;
      continue;
    }
    if (!st.ok()) return st.take_error();
    return results;
  }
}

Status Database::Migrate() { return Migrate(EmbeddedMigrations()); }

Status Database::Migrate(std::span<const Migration> migrations) {
  std::vector<const Migration*> ordered;
  for (const Migration& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(), [](const Migration* a, const Migration* b) { return a->name < b->name; });

  const bool pg = dialect_ == Dialect::kPostgres;
  // PG: a transaction-scoped advisory lock makes concurrent migrators take turns
  // (CREATE TABLE IF NOT EXISTS itself races there). SQLite: BEGIN IMMEDIATE does.
  auto lock = [pg](soci::session& s) {
    if (pg) {
      int one = 0;
      s << fmt::format("SELECT 1 FROM pg_advisory_xact_lock({})", kMigrationLockKey), soci::into(one);
    }
  };

  Status table = RunInTransaction(true, [&](soci::session& s) -> Status {
    lock(s);
    s << "CREATE TABLE IF NOT EXISTS schema_migrations ("
         "name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)";
    return OkStatus();
  });
  if (!table.ok()) {
    return MakeError(ErrorCode::kDatabaseError, "无法创建数据库迁移记录表 schema_migrations");
  }

  // A database a newer build has migrated has tables and columns this build does not
  // know; running on it could write what the newer one cannot read. Migrations only go
  // forward, so this build stops (after an upgrade is rolled back, restore the backup
  // taken before it).
  std::vector<std::string> unknown;
  Status known = RunInTransaction(false, [&](soci::session& s) -> Status {
    unknown.clear();
    soci::rowset<std::string> names = (s.prepare << "SELECT name FROM schema_migrations ORDER BY name");
    for (const std::string& applied : names) {
      const bool ours =
          std::any_of(ordered.begin(), ordered.end(), [&](const Migration* m) { return m->name == applied; });
      if (!ours) unknown.push_back(applied);
    }
    return OkStatus();
  });
  if (!known.ok()) return known;
  if (!unknown.empty()) {
    return MakeError(ErrorCode::kConfigError, "数据库已由更新的版本迁移（" + unknown.back() +
                                                  "），本版本不能使用它：请运行该版本或更新的版本，或恢复升级前的备份");
  }

  for (const Migration* m : ordered) {
    const std::string name(m->name);
    bool applied = false;
    Status st = RunInTransaction(true, [&](soci::session& s) -> Status {
      applied = false;  // the transaction may be retried
      lock(s);
      int count = 0;
      s << "SELECT COUNT(*) FROM schema_migrations WHERE name = :name", soci::use(name), soci::into(count);
      if (count > 0) return OkStatus();
      for (const std::string& statement : SplitStatements(ApplyDialect(m->sql, dialect_))) {
        try {
          s << statement;
        } catch (const std::exception& e) {
          // Logged here because only here is the failing statement known; returning
          // an error (not rethrowing) also keeps a seed row's unique violation from
          // being reported as kAlreadyExists.
          spdlog::error("migration {} failed at statement:\n{}\n{}", name, statement, e.what());
          return MakeError(ErrorCode::kDatabaseError);
        }
      }
      // Bookkeeping time, not a business instant: the wall clock is right here.
      const long long now =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
      s << "INSERT INTO schema_migrations (name, applied_at) VALUES (:name, :at)", soci::use(name), soci::use(now);
      applied = true;
      return OkStatus();
    });
    if (!st.ok()) {
      return MakeError(ErrorCode::kDatabaseError, fmt::format("数据库迁移 {} 失败，已回滚", name),
                       {{"migration", name}});
    }
    if (applied) spdlog::info("applied migration {}", name);
  }
  if (!pg) WidenIntegerColumns();
  return SyncLog();
}

// SOCI's SQLite backend reads a column declared INTEGER as a C++ int, truncating the
// 64-bit value SQLite holds: every instant after 2038-01-19 (and before 1901) would come
// back wrong. A column declared BIGINT is read as long long. The declaration is only a
// name here (both have INTEGER affinity and the same storage), so the tables' declared
// types are rewritten in the schema, as SQLite documents for changes that leave the
// stored content as it is: once, for databases made before, and after each migration
// for the tables it creates. An INTEGER PRIMARY KEY stays as it is: that one is the
// rowid itself.
void Database::WidenIntegerColumns() {
  Status st = RunInTransaction(true, [&](soci::session& s) -> Status {
    std::vector<std::pair<std::string, std::string>> changed;  // table, its new CREATE statement
    soci::rowset<soci::row> tables =
        (s.prepare << "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%INTEGER%'");
    for (const soci::row& r : tables) {
      const std::string name = r.get<std::string>(0), sql = r.get<std::string>(1);
      std::string wide = WidenIntegerDeclarations(sql);
      if (wide != sql) changed.emplace_back(name, std::move(wide));
    }
    if (changed.empty()) return OkStatus();
    int version = 0;
    s << "PRAGMA schema_version", soci::into(version);
    s << "PRAGMA writable_schema = ON";
    for (const auto& [name, sql] : changed) {
      s << "UPDATE sqlite_schema SET sql = :sql WHERE type = 'table' AND name = :name", soci::use(sql), soci::use(name);
    }
    s << "PRAGMA schema_version = " + std::to_string(version + 1);
    s << "PRAGMA writable_schema = OFF";
    spdlog::info("{} table(s) now declare their integer columns BIGINT", changed.size());
    return OkStatus();
  });
  // Not fatal: the database works as before, but instants past 2038 would read wrong.
  if (!st.ok()) spdlog::warn("could not declare the integer columns BIGINT: {}", st.error().message);
}

std::string WidenIntegerDeclarations(std::string_view sql) {
  static constexpr std::string_view kWord = "INTEGER", kRowid = "PRIMARY KEY";
  const auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string out;
  out.reserve(sql.size());
  std::size_t i = 0;
  while (i < sql.size()) {
    const std::size_t at = sql.find(kWord, i);
    if (at == std::string_view::npos) break;
    const std::size_t end = at + kWord.size();
    const bool whole = (at == 0 || !word_char(sql[at - 1])) && (end == sql.size() || !word_char(sql[end]));
    std::size_t next = end;
    while (next < sql.size() && std::isspace(static_cast<unsigned char>(sql[next]))) ++next;
    const bool rowid = sql.substr(next, kRowid.size()) == kRowid;
    out.append(sql.substr(i, at - i));
    out.append(whole && !rowid ? "BIGINT" : kWord);
    i = end;
  }
  out.append(sql.substr(std::min(i, sql.size())));
  return out;
}

std::string ApplyDialect(std::string_view sql, Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  std::string out(sql);
  out = ReplaceAll(std::move(out), "{{ID}}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  out = ReplaceAll(std::move(out), "{{BIGINT}}", pg ? "BIGINT" : "INTEGER");
  out = ReplaceAll(std::move(out), "{{BLOB}}", pg ? "BYTEA" : "BLOB");
  // A table stored in its primary key's order, without a separate rowid tree (SQLite);
  // PostgreSQL has no such option and keeps the heap and the key's index.
  out = ReplaceAll(std::move(out), "{{WITHOUT_ROWID}}", pg ? "" : " WITHOUT ROWID");
  // A member of a JSON text column, as text: SQLite's json_extract, PostgreSQL's ->>.
  static const std::regex kJsonText(R"(\{\{JSON_TEXT\(([A-Za-z_]+), *([A-Za-z_]+)\)\}\})");
  out = std::regex_replace(out, kJsonText, pg ? "($1::jsonb ->> '$2')" : "json_extract($1, '$$.$2')");
  return out;
}

std::vector<std::string> SplitStatements(std::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    if (!Trim(current).empty()) out.emplace_back(Trim(current));
    current.clear();
  };
  while (!sql.empty()) {
    const std::size_t nl = sql.find('\n');
    std::string_view line = sql.substr(0, nl);
    sql = nl == std::string_view::npos ? std::string_view{} : sql.substr(nl + 1);
    const std::string_view trimmed = Trim(line);
    if (trimmed.starts_with("--")) continue;
    if (trimmed.ends_with(';')) {
      const std::string_view body = line.substr(0, line.find_last_of(';'));
      current.append(body);
      flush();
    } else {
      current.append(line);
      current.push_back('\n');
    }
  }
  flush();  // a last statement without ';'
  return out;
}

}  // namespace liantiao::storage
