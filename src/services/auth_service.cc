#include "services/auth_service.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include <spdlog/spdlog.h>

#include "core/utf8.h"
#include "domain/credit_code.h"
#include "services/history.h"
#include "services/scope.h"
#include "storage/row.h"

namespace liantiao::services {

using storage::GetInt;
using storage::GetOptInt;
using storage::GetOptText;
using storage::GetText;

bool IsBlank(std::string_view text) {
  static constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";  // U+3000, a Chinese IME's space
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, kIdeographicSpace.size()) == kIdeographicSpace) {
      i += kIdeographicSpace.size();
    } else if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

Status RequireText(const std::string& value, std::string_view field, std::size_t max_len) {
  const std::string name(field);
  if (IsBlank(value)) {
    return MakeError(ErrorCode::kMissingField, "缺少必填字段：" + name, {{"field", name}});
  }
  return OptionalText(value, field, max_len);
}

Status OptionalText(const std::string& value, std::string_view field, std::size_t max_len) {
  if (value.empty()) return OkStatus();
  const std::string name(field);
  if (CharacterCount(value) > max_len) {
    return MakeError(ErrorCode::kInvalidField, "字段过长：" + name, {{"field", name}, {"max_length", max_len}});
  }
  if (HasHiddenControls(value)) {
    return MakeError(ErrorCode::kInvalidField, "字段含有不可见的控制字符：" + name, {{"field", name}});
  }
  return OkStatus();
}

json UserJson(long long id, const std::string& username, const std::string& display_name, domain::Role role,
              const std::optional<std::string>& city, const std::optional<long long>& vendor) {
  return {{"id", id},
          {"username", username},
          {"display_name", display_name},
          {"role", domain::ToString(role)},
          {"city_code", city ? json(*city) : json(nullptr)},
          {"vendor_id", vendor ? json(*vendor) : json(nullptr)}};
}

namespace {

struct UserRow {
  long long id;
  std::string username, password_hash, display_name;
  domain::Role role;
  std::optional<std::string> city;
  std::optional<long long> vendor;
  bool active;
};

std::optional<UserRow> LoadUser(soci::session& sql, const std::string& where, const std::string& key) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, username, password_hash, display_name, role, city_code, vendor_id, "
                      "active FROM users WHERE " +
                          where,
       soci::use(key));
  for (const soci::row& r : rows) {
    auto role = domain::ParseRole(GetText(r, 4));
    if (!role) return std::nullopt;
    return UserRow{GetInt(r, 0), GetText(r, 1),    GetText(r, 2),   GetText(r, 3),
                   *role,        GetOptText(r, 5), GetOptInt(r, 6), GetInt(r, 7) != 0};
  }
  return std::nullopt;
}

// A user name as it is matched and as its failed attempts are counted: without regard
// to case (names are ASCII, UsernamePattern), so "Vendor1" is vendor1 and guesses
// varying the case count towards one limit.
std::string FoldedName(std::string_view username) {
  std::string out(username);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The user a login names: its exact name, else the one user whose name differs in case
// only. Two such users (created before names were matched so) log in by exact name.
std::optional<UserRow> LoadUserByName(soci::session& sql, const std::string& username) {
  if (auto exact = LoadUser(sql, "username = :u", username)) return exact;
  const std::string folded = FoldedName(username);
  int matches = 0;
  sql << "SELECT COUNT(*) FROM users WHERE LOWER(username) = :u", soci::use(folded), soci::into(matches);
  if (matches != 1) return std::nullopt;
  return LoadUser(sql, "LOWER(username) = :u", folded);
}

Principal PrincipalOf(const UserRow& u) { return Principal{u.id, u.username, u.role, u.city, u.vendor}; }

// Wrong passwords are counted per user name and client (login_failures.client: the
// address a login came from). A wrong current password in a password change is a client
// of its own, so that others' failed logins never stop the session's holder.
constexpr const char* kPasswordChangeClient = "session";

struct RecentFailures {
  long long from_client = 0;  // of the name from `client`
  long long from_logins = 0;  // of the name from every client that logs in
};

RecentFailures CountFailures(soci::session& sql, const std::string& username, const std::string& client,
                             long long since) {
  RecentFailures f;
  const std::string password_change = kPasswordChangeClient;  // bound by reference until the statement runs
  sql << "SELECT COALESCE(SUM(CASE WHEN client = :c THEN 1 ELSE 0 END), 0), "
         "COALESCE(SUM(CASE WHEN client <> :pc THEN 1 ELSE 0 END), 0) "
         "FROM login_failures WHERE username = :u AND at > :w",
      soci::use(client), soci::use(password_change), soci::use(username), soci::use(since), soci::into(f.from_client),
      soci::into(f.from_logins);
  return f;
}

// A password attempt is counted before its password is hashed: the failures are
// counted and the attempt filed as one in the same write transaction, so that many
// guesses sent at once cannot all read a count under the limit before any of them is
// filed (SQLite's BEGIN IMMEDIATE makes such transactions take turns; on PostgreSQL a
// transaction-scoped advisory lock on the user name does, and one on the client for its
// count over every name). A right password then takes its attempt back (a login clears
// the name's failures). Returns the attempt's row, or kTooManyAttempts when the client
// or every client together is at its limit for the name, or the client at its limit
// over every name.
struct AttemptLimits {
  long long window_start = 0;
  long long max_from_client = 0;
  std::optional<long long> max_from_logins;       // not for a password change
  std::optional<long long> max_client_all_names;  // logins from a known client only
  int retry_after_minutes = 0;
};

void LockForAttempts(soci::session& sql, const std::string& lock_name) {
  int one = 0;
  sql << "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(:n))) l", soci::use(lock_name), soci::into(one);
}

Result<long long> FileAttempt(storage::Database& db, const std::string& username, const std::string& client,
                              long long at, const AttemptLimits& limits) {
  return db.Transact<long long>([&](soci::session& sql) -> Result<long long> {
    const bool per_client = limits.max_client_all_names && !client.empty();
    if (storage::DialectOf(sql) == storage::Dialect::kPostgres) {
      // Always the name's lock first, then the client's: two attempts never wait on each
      // other's second lock.
      LockForAttempts(sql, "login_failures:" + username);
      if (per_client) LockForAttempts(sql, "login_client:" + client);
    }
    const RecentFailures f = CountFailures(sql, username, client, limits.window_start);
    if (f.from_client >= limits.max_from_client ||
        (limits.max_from_logins && f.from_logins >= *limits.max_from_logins)) {
      return MakeError(ErrorCode::kTooManyAttempts, "", {{"retry_after_minutes", limits.retry_after_minutes}});
    }
    if (per_client) {
      long long from_client = 0;
      sql << "SELECT COUNT(*) FROM login_failures WHERE client = :c AND at > :w", soci::use(client),
          soci::use(limits.window_start), soci::into(from_client);
      if (from_client >= *limits.max_client_all_names) {
        return MakeError(ErrorCode::kTooManyAttempts, "该网络地址登录失败次数过多，请稍后再试",
                         {{"retry_after_minutes", limits.retry_after_minutes}});
      }
    }
    long long id = 0;
    sql << "INSERT INTO login_failures (username, at, client) VALUES (:u, :at, :c) RETURNING id", soci::use(username),
        soci::use(at), soci::use(client), soci::into(id);
    return id;
  });
}

const std::regex& UsernamePattern() {
  static const std::regex re("^[A-Za-z0-9_.@-]{3,64}$");
  return re;
}

}  // namespace

Result<LoginResult> AuthService::Login(const std::string& username, const std::string& password,
                                       const std::string& client) {
  const Instant now = deps_.session_clock.Now();
  const long long window_start = ToUnix(now) - deps_.config.login_window_minutes * 60LL;
  const std::string folded = FoldedName(username);
  std::optional<UserRow> user;
  bool ok = false;
  {
    // A slot to hash in first: a login turned away busy has filed no failed attempt.
    LT_ASSIGN_OR_RETURN(HashGate::Ticket slot, deps_.hashing.Enter());
    // The attempt is filed next; hashing happens outside any transaction.
    LT_RETURN_IF_ERROR(FileAttempt(deps_.db, folded, client, ToUnix(now),
                                   {window_start, deps_.config.login_max_failures, deps_.config.login_max_failures_all,
                                    deps_.config.login_max_failures_client, deps_.config.login_window_minutes}));
    auto found = deps_.db.Read<std::optional<UserRow>>(
        [&](soci::session& sql) -> Result<std::optional<UserRow>> { return LoadUserByName(sql, username); });
    if (!found.ok()) return found.take_error();
    user = std::move(*found);
    // An unknown user name costs the same hash as a wrong password, so the answer's
    // timing does not tell which user names exist.
    static const std::string dummy_hash =
        crypto::HashPassword(crypto::RandomToken(16), deps_.config.password_cost).value();
    // A disabled account's password is hashed too: answered no sooner than any other.
    ok = user ? crypto::VerifyPassword(password, user->password_hash)
              : (crypto::VerifyPassword(password, dummy_hash), false);
  }
  if (!ok) return MakeError(ErrorCode::kBadCredentials);  // its attempt stays filed
  // Only the right password learns that the account is disabled (and why it cannot log
  // in); anyone else is told what a wrong password is told.
  if (!user->active) return MakeError(ErrorCode::kAccountDisabled);
  const UserRow& u = *user;
  LoginResult out{crypto::RandomToken(32), crypto::RandomToken(24),
                  UserJson(u.id, u.username, u.display_name, u.role, u.city, u.vendor)};
  const std::string token_hash = crypto::Sha256Hex(out.token);
  const long long created = ToUnix(now);
  const long long expires = created + deps_.config.session_ttl_hours * 3600LL;
  auto st = deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES "
           "(:h, :u, :c, :cr, :ex)",
        soci::use(token_hash), soci::use(u.id), soci::use(out.csrf_token), soci::use(created), soci::use(expires);
    sql << "DELETE FROM login_failures WHERE username = :u", soci::use(folded);
    sql << "DELETE FROM sessions WHERE expires_at < :n", soci::use(created);
    return Ok{};
  });
  if (!st.ok()) return st.take_error();
  return out;
}

Status AuthService::Logout(const std::string& token) {
  const std::string token_hash = crypto::Sha256Hex(token);
  return deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "DELETE FROM sessions WHERE token_hash = :h", soci::use(token_hash);
    return Ok{};
  });
}

Result<SessionView> AuthService::Authenticate(const std::string& token) {
  const std::string token_hash = crypto::Sha256Hex(token);
  const long long now = ToUnix(deps_.session_clock.Now());
  return deps_.db.Read<SessionView>([&](soci::session& sql) -> Result<SessionView> {
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT s.user_id, s.csrf_token, s.expires_at FROM sessions s "
                                                   "WHERE s.token_hash = :h",
                                    soci::use(token_hash));
    for (const soci::row& r : rows) {
      if (GetInt(r, 2) < now) break;
      auto user = LoadUser(sql, "id = CAST(:id AS BIGINT)", std::to_string(GetInt(r, 0)));
      if (!user || !user->active) break;
      return SessionView{PrincipalOf(*user), GetText(r, 1)};
    }
    return MakeError(ErrorCode::kUnauthenticated, "登录已失效，请重新登录");
  });
}

Result<std::string> AuthService::HashInTurn(const std::string& password, const std::function<Status()>& file) {
  LT_ASSIGN_OR_RETURN(HashGate::Ticket slot, deps_.hashing.Enter());
  if (file) LT_RETURN_IF_ERROR(file());
  return crypto::HashPassword(password, deps_.config.password_cost);
}

Result<json> AuthService::Me(const Principal& p) {
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    auto user = LoadUser(sql, "id = CAST(:id AS BIGINT)", std::to_string(p.user_id));
    if (!user) return MakeError(ErrorCode::kNotFound, "用户不存在");
    json j = UserJson(user->id, user->username, user->display_name, user->role, user->city, user->vendor);
    if (user->vendor) {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT name, COALESCE(released_code, credit_code), credit_code_checksum_ok FROM vendors "
                          "WHERE id = :v",
           soci::use(*user->vendor));
      for (const soci::row& r : rows) {
        j["vendor"] = {{"id", *user->vendor},
                       {"name", GetText(r, 0)},
                       {"credit_code", GetText(r, 1)},
                       {"credit_code_checksum_ok", GetInt(r, 2) != 0}};
      }
    }
    return j;
  });
}

namespace {

// The one password rule: a new user's, a changed and a reset password alike.
Status ValidatePassword(const std::string& password, const char* field) {
  if (password.size() < 8 || password.size() > 128) {
    return MakeError(ErrorCode::kInvalidField, "密码长度须为 8–128 位", {{"field", field}});
  }
  return OkStatus();
}

// A user may be added to, or enabled in, an enterprise that exists and is not released.
Status RequireRegisteredVendor(soci::session& sql, long long vendor_id, const char* field) {
  long long released_at = 0;
  soci::indicator released = soci::i_null;
  sql << "SELECT released_at FROM vendors WHERE id = :v", soci::use(vendor_id), soci::into(released_at, released);
  if (!sql.got_data()) return MakeError(ErrorCode::kInvalidField, "企业不存在", {{"field", field}});
  if (released == soci::i_ok) {
    return MakeError(ErrorCode::kInvalidTransition, "该企业已注销，不能为其增加或启用用户", {{"field", field}});
  }
  return OkStatus();
}

Result<long long> InsertUser(soci::session& sql, const NewUser& u, const std::string& hash, Instant now) {
  std::string role{domain::ToString(u.role)};
  storage::OptionalText city(u.city_code);
  storage::OptionalInt vendor(u.vendor_id);
  if (u.city_code) LT_RETURN_IF_ERROR(RequireKnownCity(sql, *u.city_code));
  if (u.vendor_id) {
    LT_RETURN_IF_ERROR(RequireRegisteredVendor(sql, *u.vendor_id, "vendor_id"));
  }
  // Taken without regard to case. On PostgreSQL two creations of one folded name take
  // turns on a transaction-scoped advisory lock (SQLite's writers take turns anyway).
  const std::string folded = FoldedName(u.username);
  if (storage::DialectOf(sql) == storage::Dialect::kPostgres) {
    const std::string lock_name = "users:" + folded;
    int one = 0;
    sql << "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(:n))) l", soci::use(lock_name), soci::into(one);
  }
  int taken = 0;
  sql << "SELECT COUNT(*) FROM users WHERE LOWER(username) = :u", soci::use(folded), soci::into(taken);
  if (taken) return MakeError(ErrorCode::kAlreadyExists, "用户名已被使用（不区分大小写）", {{"field", "username"}});
  long long id = 0, at = ToUnix(now);
  const std::string display = u.display_name.empty() ? u.username : u.display_name;
  sql << "INSERT INTO users (username, password_hash, role, city_code, vendor_id, display_name, "
         "created_at) VALUES (:u, :h, :r, :c, :v, :d, :at) RETURNING id",
      soci::use(u.username), soci::use(hash), soci::use(role), soci::use(city.value, city.ind),
      soci::use(vendor.value, vendor.ind), soci::use(display), soci::use(at), soci::into(id);
  return id;
}

}  // namespace

Status ValidateNewUser(const NewUser& u) {
  if (!std::regex_match(u.username, UsernamePattern())) {
    return MakeError(ErrorCode::kInvalidField, "用户名须为 3–64 位字母、数字或 _ . @ -", {{"field", "username"}});
  }
  LT_RETURN_IF_ERROR(ValidatePassword(u.password, "password"));
  LT_RETURN_IF_ERROR(OptionalText(u.display_name, "display_name", 100));
  const bool city_role = u.role == domain::Role::kCityReviewer || u.role == domain::Role::kTechSupport;
  if (city_role != u.city_code.has_value()) {
    return MakeError(ErrorCode::kInvalidField, city_role ? "该角色必须指定所属城市" : "该角色不能指定城市",
                     {{"field", "city_code"}});
  }
  // A city code is six digits (GB/T 2260) whatever the records hold: told here, before
  // any record is read.
  if (u.city_code && !domain::IsDivisionCodeForm(*u.city_code)) {
    return MakeError(ErrorCode::kInvalidField, "城市代码应为 6 位数字（如 440100）", {{"field", "city_code"}});
  }
  const bool vendor_role = u.role == domain::Role::kVendor;
  if (vendor_role != u.vendor_id.has_value()) {
    return MakeError(ErrorCode::kInvalidField, vendor_role ? "企业用户必须指定所属企业" : "该角色不能指定企业",
                     {{"field", "vendor_id"}});
  }
  if (u.role == domain::Role::kSystem) {
    return MakeError(ErrorCode::kInvalidField, "不能创建系统角色用户", {{"field", "role"}});
  }
  return OkStatus();
}

Result<long long> AuthService::AddUser(const NewUser& u, const Actor& actor) {
  LT_RETURN_IF_ERROR(ValidateNewUser(u));
  LT_ASSIGN_OR_RETURN(std::string hash, HashInTurn(u.password));
  const Instant now = deps_.clock.Now();
  return deps_.db.Transact<long long>([&](soci::session& sql) -> Result<long long> {
    LT_ASSIGN_OR_RETURN(long long id, InsertUser(sql, u, hash, now));
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "user",
                                                       .entity_id = id,
                                                       .city_code = u.city_code,
                                                       .vendor_id = u.vendor_id,
                                                       .actor = actor,
                                                       .action = "user_add",
                                                       .before = "",
                                                       .after = std::string(domain::ToString(u.role)),
                                                       .reason = u.username,
                                                       .at = now}));
    return id;
  });
}

namespace {

// What was typed, for LIKE: lower-cased (SQLite's LIKE folds ASCII case, PostgreSQL's
// does not; the column is lower-cased too) with LIKE's own characters escaped.
std::string ContainsPattern(const std::string& typed) {
  std::string escaped;
  for (char c : typed) {
    if (c == '%' || c == '_' || c == '\\') escaped += '\\';
    escaped += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return "%" + escaped + "%";
}

}  // namespace

Result<ListPage> AuthService::ListUsers(const Principal& p, const UserQuery& q) {
  if (p.role != domain::Role::kAdmin) return MakeError(ErrorCode::kForbidden);
  if (q.role && !domain::ParseRole(*q.role)) {
    return MakeError(ErrorCode::kInvalidField, "角色值无效", {{"field", "role"}});
  }
  std::optional<std::string> pattern;
  if (q.search) pattern = ContainsPattern(*q.search);
  const int limit = std::clamp(q.page.limit, 1, kMaxPage), offset = std::max(q.page.offset, 0);
  return deps_.db.Read<ListPage>([&](soci::session& sql) -> Result<ListPage> {
    if (q.city_code) LT_RETURN_IF_ERROR(RequireKnownCity(sql, *q.city_code));
    std::string from = " FROM users WHERE 1 = 1";
    if (q.role) from += " AND role = :role";
    if (q.city_code) from += " AND city_code = :city";
    if (pattern) from += " AND (LOWER(username) LIKE :p1 ESCAPE '\\' OR LOWER(display_name) LIKE :p2 ESCAPE '\\')";
    auto bind = [&](soci::statement& st) {
      if (q.role) st.exchange(soci::use(*q.role));
      if (q.city_code) st.exchange(soci::use(*q.city_code));
      if (pattern) {
        st.exchange(soci::use(*pattern));
        st.exchange(soci::use(*pattern));
      }
    };
    ListPage out;
    out.total = CountRows(sql, from, bind);
    EachRowOfPage(sql,
                  "SELECT id, username, display_name, role, city_code, vendor_id, active, "
                  "(SELECT name FROM vendors WHERE vendors.id = users.vendor_id)" +
                      from + " ORDER BY id" + kPageLimit,
                  bind, limit, offset, [&](const soci::row& r) {
                    auto role = domain::ParseRole(GetText(r, 3)).value_or(domain::Role::kVendor);
                    out.items.push_back(
                        UserJson(GetInt(r, 0), GetText(r, 1), GetText(r, 2), role, GetOptText(r, 4), GetOptInt(r, 5)));
                    out.items.back()["active"] = GetInt(r, 6) != 0;
                    // The enterprise's name, so a page of users names theirs without a second list.
                    if (auto name = GetOptText(r, 7)) out.items.back()["vendor_name"] = *name;
                  });
    return out;
  });
}

Result<long long> AuthService::PurgeExpired() {
  const long long now = ToUnix(deps_.session_clock.Now());
  const long long window_start = now - deps_.config.login_window_minutes * 60LL;
  return deps_.db.Transact<long long>([&](soci::session& sql) -> Result<long long> {
    soci::statement failures = (sql.prepare << "DELETE FROM login_failures WHERE at <= :w", soci::use(window_start));
    failures.execute(true);
    soci::statement sessions = (sql.prepare << "DELETE FROM sessions WHERE expires_at < :n", soci::use(now));
    sessions.execute(true);
    const long long signup_window_start = now - deps_.config.signup_window_minutes * 60LL;
    soci::statement signups = (sql.prepare << "DELETE FROM signups WHERE at <= :w", soci::use(signup_window_start));
    signups.execute(true);
    return failures.get_affected_rows() + sessions.get_affected_rows() + signups.get_affected_rows();
  });
}

Status AuthService::ChangePassword(const Principal& p, const std::string& keep_token, const std::string& current,
                                   const std::string& next) {
  if (current.empty()) return MakeError(ErrorCode::kMissingField, "请输入当前密码", {{"field", "current_password"}});
  LT_RETURN_IF_ERROR(ValidatePassword(next, "new_password"));
  if (next == current) {
    return MakeError(ErrorCode::kInvalidField, "新密码不能与当前密码相同", {{"field", "new_password"}});
  }
  const auto wrong_current = [] {
    return MakeError(ErrorCode::kInvalidField, "当前密码不正确", {{"field", "current_password"}});
  };
  // A wrong current password is a failed password attempt like a failed login, with the
  // same limit: a session left open is no way to guess the password.
  const Instant attempt = deps_.session_clock.Now();
  const long long window_start = ToUnix(attempt) - deps_.config.login_window_minutes * 60LL;
  long long attempt_id = 0;
  std::string hash, old_hash;
  {
    // One slot for both hashes; taken before the attempt is filed, as a login's is.
    LT_ASSIGN_OR_RETURN(HashGate::Ticket slot, deps_.hashing.Enter());
    LT_ASSIGN_OR_RETURN(attempt_id,
                        FileAttempt(deps_.db, FoldedName(p.username), kPasswordChangeClient, ToUnix(attempt),
                                    {window_start, deps_.config.login_max_failures, std::nullopt, std::nullopt,
                                     deps_.config.login_window_minutes}));
    auto user = deps_.db.Read<std::optional<UserRow>>([&](soci::session& sql) -> Result<std::optional<UserRow>> {
      return LoadUser(sql, "id = CAST(:id AS BIGINT)", std::to_string(p.user_id));
    });
    if (!user.ok()) return user.take_error();
    if (!*user || !crypto::VerifyPassword(current, (*user)->password_hash)) return wrong_current();  // filed
    old_hash = (*user)->password_hash;
    LT_ASSIGN_OR_RETURN(hash, crypto::HashPassword(next, deps_.config.password_cost));
  }
  const Instant now = deps_.clock.Now();
  const std::string keep = crypto::Sha256Hex(keep_token);
  auto done = deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    // Compare-and-set on the hash the current password was checked against: of two changes
    // checked at once, the second finds the password changed and is refused, as it would be
    // had it come a moment later. It stays filed as a failed attempt.
    soci::statement set = (sql.prepare << "UPDATE users SET password_hash = :h WHERE id = :id AND password_hash = :old",
                           soci::use(hash), soci::use(p.user_id), soci::use(old_hash));
    set.execute(true);
    if (set.get_affected_rows() != 1) return wrong_current();
    sql << "DELETE FROM login_failures WHERE id = :a", soci::use(attempt_id);  // the right password's attempt
    sql << "DELETE FROM sessions WHERE user_id = :u AND token_hash <> :t", soci::use(p.user_id), soci::use(keep);
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "user",
                                                       .entity_id = p.user_id,
                                                       .city_code = p.city_code,
                                                       .vendor_id = p.vendor_id,
                                                       .actor = Actor::Of(p),
                                                       .action = "password_change",
                                                       .before = "",
                                                       .after = "",
                                                       .reason = "",
                                                       .at = now}));
    return Ok{};
  });
  if (!done.ok()) return done.take_error();
  return OkStatus();
}

Result<json> AuthService::UpdateUser(const Principal& p, long long id, std::optional<bool> active,
                                     std::optional<std::string> password) {
  if (p.role != domain::Role::kAdmin) return MakeError(ErrorCode::kForbidden);
  if (!active && !password) {
    return MakeError(ErrorCode::kMissingField, "请指定要修改的内容（active 或 password）", {{"field", "active"}});
  }
  if (id == p.user_id) {
    return MakeError(ErrorCode::kInvalidField, "不能停用自己或在此重置自己的密码", {{"field", "id"}});
  }
  if (password) LT_RETURN_IF_ERROR(ValidatePassword(*password, "password"));
  std::optional<std::string> hash;
  if (password) {
    LT_ASSIGN_OR_RETURN(std::string h, HashInTurn(*password));
    hash = std::move(h);
  }
  const Instant now = deps_.clock.Now();
  return deps_.db.Transact<json>([&](soci::session& sql) -> Result<json> {
    auto user = LoadUser(sql, "id = CAST(:id AS BIGINT)", std::to_string(id));
    if (!user || user->role == domain::Role::kSystem) return MakeError(ErrorCode::kNotFound, "用户不存在");
    auto record = [&](const char* action, std::string before, std::string after) {
      return AppendHistory(sql, HistoryEntry{.entity = "user",
                                             .entity_id = id,
                                             .city_code = user->city,
                                             .vendor_id = user->vendor,
                                             .actor = Actor::Of(p),
                                             .action = action,
                                             .before = std::move(before),
                                             .after = std::move(after),
                                             .reason = user->username,
                                             .at = now});
    };
    if (active && *active && user->vendor) LT_RETURN_IF_ERROR(RequireRegisteredVendor(sql, *user->vendor, "active"));
    if (active && *active != user->active) {
      const int flag = *active ? 1 : 0;
      sql << "UPDATE users SET active = :a WHERE id = :id", soci::use(flag), soci::use(id);
      LT_RETURN_IF_ERROR(record(*active ? "user_enable" : "user_disable", user->active ? "active" : "disabled",
                                *active ? "active" : "disabled"));
    }
    if (hash) {
      sql << "UPDATE users SET password_hash = :h WHERE id = :id", soci::use(*hash), soci::use(id);
      LT_RETURN_IF_ERROR(record("password_reset", "", ""));
    }
    // Whoever held its sessions must log in again, with the new password or not at all.
    if ((active && !*active) || hash) sql << "DELETE FROM sessions WHERE user_id = :u", soci::use(id);
    // The user as GET /users lists it.
    json out = UserJson(user->id, user->username, user->display_name, user->role, user->city, user->vendor);
    out["active"] = active.value_or(user->active);
    return out;
  });
}

namespace {

// `within`: where the profile's fields sit in the request body ("enterprise." in a
// registration, "" in the profile's own), so a refusal names the field as sent.
Status ValidateProfile(const VendorProfile& v, const std::string& within) {
  LT_RETURN_IF_ERROR(RequireText(v.name, within + "name", 200));
  LT_RETURN_IF_ERROR(RequireText(v.legal_rep, within + "legal_rep", 100));
  LT_RETURN_IF_ERROR(RequireText(v.address, within + "address", 300));
  LT_RETURN_IF_ERROR(RequireText(v.contact_name, within + "contact_name", 100));
  LT_RETURN_IF_ERROR(RequireText(v.contact_phone, within + "contact_phone", 30));
  LT_RETURN_IF_ERROR(RequireText(v.contact_email, within + "contact_email", 200));
  static const std::regex phone("^[0-9+() -]{7,30}$");
  static const std::regex email("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
  if (!std::regex_match(v.contact_phone, phone)) {
    return MakeError(ErrorCode::kInvalidField, "联系电话格式无效", {{"field", within + "contact_phone"}});
  }
  if (!std::regex_match(v.contact_email, email)) {
    return MakeError(ErrorCode::kInvalidField, "电子邮箱格式无效", {{"field", within + "contact_email"}});
  }
  return OkStatus();
}

// A released enterprise's credit_code column holds a placeholder (0021_vendor_release.sql):
// the code it was registered with is released_code.
constexpr const char* kVendorColumns =
    "id, name, COALESCE(released_code, credit_code), credit_code_checksum_ok, legal_rep, address, contact_name, "
    "contact_phone, contact_email, created_at, released_at, release_reason, "
    "COALESCE((SELECT username FROM users WHERE users.id = vendors.released_by), 'cli')";

json VendorJson(const soci::row& r) {
  json released = nullptr;
  if (auto at = GetOptInt(r, 10)) {
    released = {{"at", FormatInstant(FromUnix(*at))}, {"reason", GetText(r, 11)}, {"by", GetText(r, 12)}};
  }
  return json{{"id", GetInt(r, 0)},
              {"name", GetText(r, 1)},
              {"credit_code", GetText(r, 2)},
              {"credit_code_checksum_ok", GetInt(r, 3) != 0},
              {"legal_rep", GetText(r, 4)},
              {"address", GetText(r, 5)},
              {"contact_name", GetText(r, 6)},
              {"contact_phone", GetText(r, 7)},
              {"contact_email", GetText(r, 8)},
              {"created_at", FormatInstant(FromUnix(GetInt(r, 9)))},
              {"released", std::move(released)}};
}

Result<json> LoadVendorJson(soci::session& sql, long long id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string("SELECT ") + kVendorColumns + " FROM vendors WHERE id = :id", soci::use(id));
  for (const soci::row& r : rows) return VendorJson(r);
  return MakeError(ErrorCode::kNotFound, "企业不存在");
}

}  // namespace

Result<json> AuthService::GetVendor(const Principal& p) {
  if (p.role != domain::Role::kVendor || !p.vendor_id) return MakeError(ErrorCode::kForbidden);
  return deps_.db.Read<json>([&](soci::session& sql) { return LoadVendorJson(sql, *p.vendor_id); });
}

Result<ListPage> AuthService::ListVendors(const Principal& p, const std::optional<std::string>& search,
                                          PageRequest page) {
  if (p.role != domain::Role::kAdmin && p.role != domain::Role::kProvince) return MakeError(ErrorCode::kForbidden);
  std::optional<std::string> pattern;
  if (search) pattern = ContainsPattern(*search);
  const int limit = std::clamp(page.limit, 1, kMaxPage), offset = std::max(page.offset, 0);
  return deps_.db.Read<ListPage>([&](soci::session& sql) -> Result<ListPage> {
    std::string from = " FROM vendors WHERE 1 = 1";
    if (pattern) {
      from +=
          " AND (LOWER(name) LIKE :p1 ESCAPE '\\' OR LOWER(COALESCE(released_code, credit_code)) LIKE :p2 ESCAPE '\\')";
    }
    auto bind = [&](soci::statement& st) {
      if (pattern) {
        st.exchange(soci::use(*pattern));
        st.exchange(soci::use(*pattern));
      }
    };
    ListPage out;
    out.total = CountRows(sql, from, bind);
    EachRowOfPage(sql, std::string("SELECT ") + kVendorColumns + from + " ORDER BY id" + kPageLimit, bind, limit,
                  offset, [&](const soci::row& r) { out.items.push_back(VendorJson(r)); });
    return out;
  });
}

Result<json> AuthService::UpdateVendor(const Principal& p, const VendorProfile& v) {
  if (p.role != domain::Role::kVendor || !p.vendor_id) return MakeError(ErrorCode::kForbidden);
  LT_RETURN_IF_ERROR(ValidateProfile(v, ""));
  const Instant now = deps_.clock.Now();
  const long long id = *p.vendor_id;
  return deps_.db.Transact<json>([&](soci::session& sql) -> Result<json> {
    sql << "UPDATE vendors SET name = :n, legal_rep = :l, address = :a, contact_name = :cn, "
           "contact_phone = :cp, contact_email = :ce WHERE id = :id",
        soci::use(v.name), soci::use(v.legal_rep), soci::use(v.address), soci::use(v.contact_name),
        soci::use(v.contact_phone), soci::use(v.contact_email), soci::use(id);
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "vendor",
                                                       .entity_id = id,
                                                       .vendor_id = id,
                                                       .actor = Actor::Of(p),
                                                       .action = "vendor_update",
                                                       .before = "registered",
                                                       .after = "registered",
                                                       .reason = v.name,
                                                       .at = now}));
    return LoadVendorJson(sql, id);
  });
}

Status AuthService::LocateVendor(long long id) {
  return deps_.db.Read<Ok>([&](soci::session& sql) -> Status {
    long long found = 0;
    sql << "SELECT id FROM vendors WHERE id = :id", soci::use(id), soci::into(found);
    if (!sql.got_data()) return MakeError(ErrorCode::kNotFound, "企业不存在");
    return OkStatus();
  });
}

Result<json> AuthService::ReleaseVendor(const Actor& actor, long long id, const std::string& reason) {
  if (actor.role != domain::Role::kAdmin) return MakeError(ErrorCode::kForbidden);
  LT_RETURN_IF_ERROR(RequireText(reason, "reason", 500));
  const Instant now = deps_.clock.Now();
  return deps_.db.Transact<json>([&](soci::session& sql) -> Result<json> {
    long long released_at = 0;
    soci::indicator released = soci::i_null;
    sql << "SELECT released_at FROM vendors WHERE id = :id", soci::use(id), soci::into(released_at, released);
    if (!sql.got_data()) return MakeError(ErrorCode::kNotFound, "企业不存在");
    if (released == soci::i_ok) {
      return MakeError(ErrorCode::kInvalidTransition, "该企业已注销", {{"state", "released"}});
    }
    // An application a city is reviewing or testing is answered to this enterprise: it
    // is withdrawn or decided first, so that no city is left with a process nobody can
    // act on. Drafts and ended applications stay, as the record of what it did.
    // Its applications are locked first, as an action on one locks it
    // (LockApplication): a submission that arrived before the release is seen here, and
    // one that waited for the release finds the enterprise released (Act).
    sql << "UPDATE applications SET updated_at = updated_at WHERE vendor_id = :v", soci::use(id);
    json open = json::array();
    const std::string reviewed(ToString(domain::AppState::kUnderReview)),
        returned(ToString(domain::AppState::kReturned)), testing(ToString(domain::AppState::kJointTesting));
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id FROM applications WHERE vendor_id = :v AND state IN (:a, :b, :c) ORDER BY id",
         soci::use(id), soci::use(reviewed), soci::use(returned), soci::use(testing));
    for (const soci::row& r : rows) open.push_back(GetInt(r, 0));
    if (!open.empty()) {
      return MakeError(ErrorCode::kInvalidTransition, "该企业有审核中或联调中的申请，须先撤回或办结后才能注销",
                       {{"state", "registered"}, {"applications", open}});
    }
    const long long at = ToUnix(now);
    const std::string placeholder = "released:" + std::to_string(id);
    // The command line's administrator is no user: released_by stays NULL, and the
    // history names the actor.
    const long long by = actor.user_id.value_or(0);
    soci::indicator by_ind = actor.user_id ? soci::i_ok : soci::i_null;
    sql << "UPDATE vendors SET released_code = credit_code, credit_code = :c, released_at = :at, released_by = :by, "
           "release_reason = :r WHERE id = :id",
        soci::use(placeholder), soci::use(at), soci::use(by, by_ind), soci::use(reason), soci::use(id);
    // Its users can no longer log in, and whoever is logged in now is logged out.
    sql << "UPDATE users SET active = 0 WHERE vendor_id = :v", soci::use(id);
    sql << "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE vendor_id = :v)", soci::use(id);
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "vendor",
                                                       .entity_id = id,
                                                       .vendor_id = id,
                                                       .actor = actor,
                                                       .action = "vendor_release",
                                                       .before = "registered",
                                                       .after = "released",
                                                       .reason = reason,
                                                       .at = now}));
    return LoadVendorJson(sql, id);
  });
}

Status AuthService::FileSignup(const std::string& client) {
  const long long at = ToUnix(deps_.session_clock.Now());
  const long long window_start = at - deps_.config.signup_window_minutes * 60LL;
  auto filed = deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    // Counted and filed under the client's lock: sign-ups sent at once get no more than
    // the limit between them.
    if (storage::DialectOf(sql) == storage::Dialect::kPostgres) LockForAttempts(sql, "signups:" + client);
    long long recent = 0;
    sql << "SELECT COUNT(*) FROM signups WHERE client = :c AND at > :w", soci::use(client), soci::use(window_start),
        soci::into(recent);
    if (recent >= deps_.config.signup_max_per_client) {
      return MakeError(ErrorCode::kTooManyAttempts, "该网络地址注册企业过于频繁，请稍后再试",
                       {{"retry_after_minutes", deps_.config.signup_window_minutes}});
    }
    sql << "INSERT INTO signups (client, at) VALUES (:c, :at)", soci::use(client), soci::use(at);
    return Ok{};
  });
  if (!filed.ok()) return filed.take_error();
  return OkStatus();
}

Result<json> AuthService::RegisterVendor(const VendorRegistration& reg, bool allow_pilot_codes) {
  LT_RETURN_IF_ERROR(RequireText(reg.credit_code, "enterprise.credit_code", 18));
  LT_RETURN_IF_ERROR(ValidateProfile(reg.enterprise, "enterprise."));
  const VendorProfile& e = reg.enterprise;
  const domain::CreditCodeCheck check = domain::CheckCreditCode(reg.credit_code);
  if (!check.well_formed || (!check.checksum_ok && !allow_pilot_codes)) {
    return MakeError(
        ErrorCode::kInvalidCreditCode,
        check.well_formed ? "统一社会信用代码校验位不正确"
                          : "统一社会信用代码格式不正确：" + std::string(check.problem),
        {{"field", "enterprise.credit_code"}, {"well_formed", check.well_formed}, {"checksum_ok", check.checksum_ok}});
  }
  NewUser user{domain::Role::kVendor, reg.username, reg.password, e.contact_name, std::nullopt, 0};
  LT_RETURN_IF_ERROR(ValidateNewUser(user));
  LT_ASSIGN_OR_RETURN(std::string hash, HashInTurn(reg.password, [&]() -> Status {
                        return reg.client.empty() ? OkStatus() : FileSignup(reg.client);
                      }));
  const Instant now = deps_.clock.Now();
  return deps_.db.Transact<json>([&](soci::session& sql) -> Result<json> {
    int taken = 0;
    sql << "SELECT COUNT(*) FROM vendors WHERE credit_code = :c", soci::use(reg.credit_code), soci::into(taken);
    if (taken) {
      return MakeError(ErrorCode::kAlreadyExists, "该统一社会信用代码已注册", {{"field", "enterprise.credit_code"}});
    }
    long long vendor_id = 0, at = ToUnix(now);
    int checksum_ok = check.checksum_ok ? 1 : 0;
    sql << "INSERT INTO vendors (name, credit_code, credit_code_checksum_ok, legal_rep, address, "
           "contact_name, contact_phone, contact_email, created_at) VALUES (:n, :c, :ok, :l, :a, "
           ":cn, :cp, :ce, :at) RETURNING id",
        soci::use(e.name), soci::use(reg.credit_code), soci::use(checksum_ok), soci::use(e.legal_rep),
        soci::use(e.address), soci::use(e.contact_name), soci::use(e.contact_phone), soci::use(e.contact_email),
        soci::use(at), soci::into(vendor_id);
    NewUser u = user;
    u.vendor_id = vendor_id;
    LT_ASSIGN_OR_RETURN(long long user_id, InsertUser(sql, u, hash, now));
    Actor actor{user_id, reg.username, domain::Role::kVendor};
    LT_RETURN_IF_ERROR(AppendHistory(
        sql, HistoryEntry{.entity = "vendor",
                          .entity_id = vendor_id,
                          .vendor_id = vendor_id,
                          .actor = actor,
                          .action = "vendor_register",
                          .before = "",
                          .after = "registered",
                          .reason = check.checksum_ok ? "" : "统一社会信用代码未通过校验位检查（试点代码，仅警告）",
                          .at = now}));
    LT_ASSIGN_OR_RETURN(json enterprise, LoadVendorJson(sql, vendor_id));
    json out = {
        {"enterprise", enterprise},
        {"user", UserJson(user_id, reg.username, e.contact_name, domain::Role::kVendor, std::nullopt, vendor_id)}};
    if (!check.checksum_ok) out["warnings"] = json::array({"统一社会信用代码未通过校验位检查，已按试点代码登记"});
    return out;
  });
}

}  // namespace liantiao::services
