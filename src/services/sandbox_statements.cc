#include "services/sandbox_statements.h"

#include <algorithm>
#include <set>

#include "storage/database.h"

namespace liantiao::services::sandbox {

namespace {

// Steps a statement to its end. SQLite would otherwise keep a statement that returned
// its one row running until its next execution, holding that connection's read
// snapshot open across transactions.
void Finish(soci::statement& st) {
  while (st.fetch()) {
  }
}

// Executes and reads the first row; the rest of the statement is finished.
bool ExecuteOne(soci::statement& st) {
  const bool got = st.execute(true);
  if (got) Finish(st);
  return got;
}

}  // namespace

template <typename... Uses>
Statements::InsertStatement::InsertStatement(soci::session& sql, const std::string& text, const char* returned,
                                             Uses... uses)
    : sql_(sql), returning_(storage::DialectOf(sql) == storage::Dialect::kPostgres), st_(sql) {
  (st_.exchange(uses), ...);
  if (returning_) st_.exchange(soci::into(returned_, got_));
  st_.alloc();
  st_.prepare(returning_ ? text + " RETURNING " + returned : text);
  st_.define_and_bind();
}

Statements::InsertStatement::Outcome Statements::InsertStatement::Run() {
  Outcome out;
  if (returning_) {
    got_ = soci::i_null;
    out.changed = ExecuteOne(st_) && got_ == soci::i_ok;
    out.id = out.changed ? returned_ : 0;
  } else {
    st_.execute(true);
    out.changed = st_.get_affected_rows() == 1;
    if (out.changed) sql_.get_last_insert_id("", out.id);  // sqlite3_last_insert_rowid
  }
  return out;
}

Statements::KeyQuery::KeyQuery(soci::session& sql)
    : st((sql.prepare << "SELECT id, application_id, city_code, profile, secret_sealed, issued_at, "
                         "expires_at, revoked_at, identity_scheme FROM test_keys WHERE app_key = :k",
          soci::use(app_key), soci::into(id), soci::into(application_id), soci::into(city_code), soci::into(profile),
          soci::into(secret), soci::into(issued_at), soci::into(expires_at), soci::into(revoked_at, revoked),
          soci::into(identity_scheme))) {}

Statements::FaultsQuery::FaultsQuery(soci::session& sql)
    : st((sql.prepare << "SELECT scenario, enabled, armed FROM sandbox_faults WHERE application_id = :a",
          soci::use(application_id), soci::into(scenario), soci::into(enabled), soci::into(armed))) {}

Statements::NonceInsert::NonceInsert(soci::session& sql)
    // The casts give PostgreSQL the types it cannot infer for an INSERT … SELECT's list.
    : st(sql,
         "INSERT INTO sandbox_recent_nonces (hour, key_id, nonce, seen_at) "
         "SELECT CAST(:h AS BIGINT), CAST(:k AS BIGINT), CAST(:n AS TEXT), CAST(:t AS BIGINT) "
         "WHERE NOT EXISTS (SELECT 1 FROM sandbox_recent_nonces e WHERE e.hour = :h - 1 AND e.key_id = :k "
         "AND e.nonce = :n AND e.seen_at > :since) "
         "ON CONFLICT (hour, key_id, nonce) DO UPDATE SET seen_at = excluded.seen_at "
         "WHERE sandbox_recent_nonces.seen_at <= :since",
         "seen_at", soci::use(hour, "h"), soci::use(key_id, "k"), soci::use(nonce, "n"), soci::use(seen_at, "t"),
         soci::use(since, "since")) {}

Statements::NonceLogQuery::NonceLogQuery(soci::session& sql)
    : st((sql.prepare << "SELECT seq, key_id, nonce, seen_at FROM sandbox_nonce_log WHERE seq > :after ORDER BY seq",
          soci::use(after), soci::into(row.seq), soci::into(row.key_id), soci::into(row.nonce),
          soci::into(row.seen_at))) {}

Statements::NonceAppend::NonceAppend(soci::session& sql)
    : st(sql, "INSERT INTO sandbox_nonce_log (key_id, nonce, seen_at) VALUES (:k, :n, :t)", "seq",
         soci::use(key_id, "k"), soci::use(nonce, "n"), soci::use(seen_at, "t")) {}

Statements::ObjectInsert::ObjectInsert(soci::session& sql)
    : st(sql,
         "INSERT INTO sandbox_objects (key_id, kind, natural_key, subject, attr, event_day, body, "
         "created_at) VALUES (:k, :kind, :nk, :s, :a, :d, :b, :t) "
         "ON CONFLICT (key_id, kind, natural_key) DO NOTHING",
         "id", soci::use(key_id, "k"), soci::use(kind, "kind"), soci::use(natural_key, "nk"), soci::use(subject, "s"),
         soci::use(attr, "a"), soci::use(event_day, "d"), soci::use(body, "b"), soci::use(created_at, "t")) {}

Statements::ObjectQuery::ObjectQuery(soci::session& sql, const std::string& condition, bool by_id) : st(sql) {
  st.exchange(soci::use(key_id, "k"));
  st.exchange(soci::use(kind, "kind"));
  if (by_id) {
    st.exchange(soci::use(id_value, "v"));
  } else {
    st.exchange(soci::use(text_value, "v"));
  }
  st.exchange(soci::into(row.id));
  st.exchange(soci::into(row.natural_key));
  st.exchange(soci::into(row.subject));
  st.exchange(soci::into(row.attr));
  st.exchange(soci::into(row.event_day));
  st.exchange(soci::into(row.body));
  st.alloc();
  st.prepare(
      "SELECT id, natural_key, subject, attr, event_day, body FROM sandbox_objects "
      "WHERE key_id = :k AND kind = :kind AND " +
      condition);
  st.define_and_bind();
}

Statements::AsyncInsert::AsyncInsert(soci::session& sql)
    : st(sql,
         "INSERT INTO sandbox_async (key_id, method, status, result, masked_result, pending_polls, created_at) "
         "VALUES (:k, :m, :st, :r, :mr, :p, :c)",
         "id", soci::use(key_id, "k"), soci::use(method, "m"), soci::use(status, "st"), soci::use(result, "r"),
         soci::use(masked_result, "mr"), soci::use(pending_polls, "p"), soci::use(created_at, "c")) {}

Statements::EvidenceInsert::EvidenceInsert(soci::session& sql)
    : st(sql,
         "INSERT INTO sandbox_evidence (application_id, key_id, city_code, received_at, method, "
         "outcome, code, error, rule_path, message, latency_us, tags, serial, data_digest, request, "
         "response, violations) VALUES (:a, :k, :c, :t, :m, :o, :code, :e, :p, :msg, :l, :tags, :s, :d, :req, "
         ":resp, :v)",
         "id", soci::use(row.application_id, "a"), soci::use(row.key_id, "k"), soci::use(row.city_code, "c"),
         soci::use(row.received_at, "t"), soci::use(row.method, "m"), soci::use(row.outcome, "o"),
         soci::use(row.code, "code"), soci::use(row.error, "e"), soci::use(row.rule_path, "p"),
         soci::use(row.message, "msg"), soci::use(row.latency_us, "l"), soci::use(row.tags, "tags"),
         soci::use(row.serial, "s"), soci::use(row.data_digest, "d"), soci::use(row.request, "req"),
         soci::use(row.response, "resp"), soci::use(row.violations, "v")) {}

Statements::LatestEntryExitQuery::LatestEntryExitQuery(soci::session& sql)
    : st((sql.prepare << "SELECT event_day, attr FROM sandbox_objects WHERE key_id = :k AND kind = 'entry_exit' "
                         "AND subject = :s AND event_day <= :d ORDER BY event_day DESC, id DESC LIMIT 1",
          soci::use(key_id), soci::use(subject), soci::use(day), soci::into(event_day), soci::into(type))) {}

Statements::Statements(soci::session& sql)
    : sql_(sql),
      postgres_(storage::DialectOf(sql) == storage::Dialect::kPostgres),
      key_(sql),
      faults_(sql),
      object_insert_(sql),
      object_by_natural_key_(sql, "natural_key = :v", false),
      object_by_id_(sql, "id = :v", true),
      latest_entry_exit_(sql),
      async_(sql),
      evidence_(sql) {
  if (storage::DialectOf(sql) == storage::Dialect::kSqlite) {
    nonce_log_.emplace(sql);
    nonce_append_.emplace(sql);
  } else {
    nonce_.emplace(sql);
  }
}

std::optional<KeyRow> Statements::Key(const std::string& app_key) {
  key_.app_key = app_key;
  if (!ExecuteOne(key_.st)) return std::nullopt;
  KeyRow k;
  k.id = key_.id;
  k.application_id = key_.application_id;
  k.city_code = key_.city_code;
  k.profile = key_.profile;
  k.secret = key_.secret;
  k.issued_at = FromUnix(key_.issued_at);
  k.expires_at = FromUnix(key_.expires_at);
  k.revoked = key_.revoked == soci::i_ok;
  k.app_key = app_key;
  k.identity = IdentityOfKey(k.id, k.city_code, k.issued_at, static_cast<int>(key_.identity_scheme));
  return k;
}

FaultState Statements::Faults(long long application_id) {
  FaultState f;
  std::set<std::string> armed;
  faults_.application_id = application_id;
  for (bool more = faults_.st.execute(true); more; more = faults_.st.fetch()) {
    const bool on = faults_.enabled != 0;
    if (faults_.scenario == "delay_async") f.delay_async = on;
    if (on && faults_.armed != 0) armed.insert(faults_.scenario);
  }
  for (const OneOffFault& fault : kOneOffFaults) {
    if (armed.contains(fault.scenario)) f.armed_once.push_back(&fault);
  }
  return f;
}

bool Statements::DisarmFault(long long application_id, const std::string& scenario) {
  // Fires a few times per application at most: not worth a prepared statement.
  long long disarmed = 0;
  sql_ << "UPDATE sandbox_faults SET armed = 0 WHERE application_id = :a AND scenario = :s "
          "AND enabled = 1 AND armed = 1 RETURNING application_id",
      soci::use(application_id), soci::use(scenario), soci::into(disarmed);
  return sql_.got_data();
}

bool Statements::InsertNonce(long long key_id, const std::string& nonce, long long seen_at, long long window) {
  // The statement also looks in the hour before, which the window reaches only near
  // the start of this one; otherwise no row there is within it, and it finds none.
  NonceInsert& q = nonce_.value();  // bad_optional_access on SQLite: NonceLedger keeps the log there
  q.hour = seen_at / kNonceHour;
  q.key_id = key_id;
  q.nonce = nonce;
  q.seen_at = seen_at;
  q.since = seen_at - window;
  return q.st.Run().changed;  // inserted, or taken over from an old use
}

std::vector<NonceWindow::Row> Statements::NonceLogAfter(long long seq) {
  std::vector<NonceWindow::Row> rows;
  NonceLogQuery& q = nonce_log_.value();  // SQLite's only, as AppendNonce
  q.after = seq;
  for (bool more = q.st.execute(true); more; more = q.st.fetch()) rows.push_back(q.row);
  return rows;
}

long long Statements::AppendNonce(long long key_id, const std::string& nonce, long long seen_at) {
  NonceAppend& q = nonce_append_.value();
  q.key_id = key_id;
  q.nonce = nonce;
  q.seen_at = seen_at;
  return q.st.Run().id;
}

std::optional<long long> Statements::InsertObject(long long key_id, const std::string& kind,
                                                  const std::string& natural_key, const std::string& subject,
                                                  const std::string& attr, const std::string& event_day,
                                                  const std::string& body, long long created_at) {
  ObjectInsert& q = object_insert_;
  q.key_id = key_id;
  q.kind = kind;
  q.natural_key = natural_key;
  q.subject = subject;
  q.attr = attr;
  q.event_day = event_day;
  q.body = body;
  q.created_at = created_at;
  const auto inserted = q.st.Run();
  if (!inserted.changed) return std::nullopt;  // DO NOTHING: already there
  return inserted.id;
}

std::optional<StoredObject> Statements::FindObject(long long key_id, const std::string& kind,
                                                   const std::string& natural_key) {
  ObjectQuery& q = object_by_natural_key_;
  q.key_id = key_id;
  q.kind = kind;
  q.text_value = natural_key;
  if (!ExecuteOne(q.st)) return std::nullopt;
  return q.row;
}

std::optional<StoredObject> Statements::FindObjectById(long long key_id, const std::string& kind, long long id) {
  ObjectQuery& q = object_by_id_;
  q.key_id = key_id;
  q.kind = kind;
  q.id_value = id;
  if (!ExecuteOne(q.st)) return std::nullopt;
  return q.row;
}

std::optional<Statements::EntryExit> Statements::LatestEntryExit(long long key_id, const std::string& subject,
                                                                 const std::string& day) {
  LatestEntryExitQuery& q = latest_entry_exit_;
  q.key_id = key_id;
  q.subject = subject;
  q.day = day;
  if (!ExecuteOne(q.st)) return std::nullopt;
  return EntryExit{q.event_day, q.type};
}

long long Statements::InsertAsync(long long key_id, const std::string& method, int status, const std::string& result,
                                  const std::string& masked_result, int pending_polls, long long created_at) {
  if (defer_) {
    const long long id = NextAsyncId();
    deferred_async_.push_back({std::to_string(id), std::to_string(key_id), method, std::to_string(status), result,
                               masked_result, std::to_string(pending_polls), std::to_string(created_at)});
    return id;
  }
  async_.key_id = key_id;
  async_.method = method;
  async_.status = status;
  async_.result = result;
  async_.masked_result = masked_result;
  async_.pending_polls = pending_polls;
  async_.created_at = created_at;
  return async_.st.Run().id;
}

void Statements::InsertEvidence(EvidenceRow row, long long& id) {
  if (!defer_) {
    evidence_.row = std::move(row);
    id = evidence_.st.Run().id;
    return;
  }
  id = 0;
  deferred_evidence_.push_back(
      {{std::nullopt, std::to_string(row.application_id), std::to_string(row.key_id), std::move(row.city_code),
        std::to_string(row.received_at), std::move(row.method), std::move(row.outcome), std::move(row.code),
        std::move(row.error), std::move(row.rule_path), std::move(row.message), std::to_string(row.latency_us),
        std::move(row.tags), std::move(row.serial), std::move(row.data_digest), std::move(row.request),
        std::move(row.response), std::move(row.violations)},
       &id});
}

void Statements::BeginBatch(storage::Database& db, bool defer) {
  EndBatch();
  if (!defer || !postgres_) return;
  defer_ = true;
  db.AfterTransaction(sql_, [this](bool) { EndBatch(); });
}

void Statements::EndBatch() {
  defer_ = false;
  deferred_async_.clear();
  deferred_evidence_.clear();  // their ids point into requests that may be gone
}

namespace {

// `n` values of a sequence, ascending.
std::vector<long long> DrawIds(soci::session& sql, const char* sequence, int n) {
  std::vector<long long> ids(static_cast<std::size_t>(n));
  sql << "SELECT nextval('" << sequence << "') FROM generate_series(1, :n)", soci::use(n), soci::into(ids);
  if (ids.size() != static_cast<std::size_t>(n)) throw soci::soci_error("drawing ids from a sequence fell short");
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

long long Statements::NextAsyncId() {
  // A block of 64 is a round trip per 64 asynchronous results. Ids a connection drew and
  // did not use (it was dropped, the server stopped) are gaps, as a rolled-back insert
  // leaves; serials need be unique, not consecutive.
  constexpr int kBlock = 64;
  if (async_ids_.empty()) {
    async_ids_ = DrawIds(sql_, "sandbox_async_id_seq", kBlock);
    std::reverse(async_ids_.begin(), async_ids_.end());
  }
  const long long id = async_ids_.back();
  async_ids_.pop_back();
  return id;
}

void Statements::FlushBatch() {
  static const std::vector<std::string> kAsyncColumns = {"id",     "key_id",        "method",        "status",
                                                         "result", "masked_result", "pending_polls", "created_at"};
  static const std::vector<std::string> kEvidenceColumns = {
      "id",      "application_id", "key_id",      "city_code", "received_at", "method",
      "outcome", "code",           "error",       "rule_path", "message",     "latency_us",
      "tags",    "serial",         "data_digest", "request",   "response",    "violations"};
  storage::BulkInsert(sql_, "sandbox_async", kAsyncColumns, deferred_async_);
  deferred_async_.clear();
  if (deferred_evidence_.empty()) return;
  const std::vector<long long> ids =
      DrawIds(sql_, "sandbox_evidence_id_seq", static_cast<int>(deferred_evidence_.size()));
  std::vector<storage::BulkRow> rows;
  rows.reserve(deferred_evidence_.size());
  for (std::size_t i = 0; i < deferred_evidence_.size(); ++i) {
    DeferredEvidence& e = deferred_evidence_[i];
    e.row[0] = std::to_string(ids[i]);
    *e.id = ids[i];
    rows.push_back(std::move(e.row));
  }
  deferred_evidence_.clear();
  storage::BulkInsert(sql_, "sandbox_evidence", kEvidenceColumns, rows);
}

}  // namespace liantiao::services::sandbox
