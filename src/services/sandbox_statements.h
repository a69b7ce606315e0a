#pragma once

// The statements every sandbox request runs, prepared once per pooled connection
// (storage::Database::Local) and executed again with new values. Through SOCI's
// one-shot `session << …` SQLite parsed each of them again for every request, a third
// of a request's time when profiled. Rare statements (queries of the store, the
// fault switches' updates) stay one-shot where they are used.

#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "services/sandbox_internal.h"
#include "services/sandbox_nonce_window.h"
#include "storage/bulk.h"
#include "storage/database.h"

namespace liantiao::services::sandbox {

// The one-off fault scenarios, in the order they fire, and the catalogue error each
// answers with.
struct OneOffFault {
  const char* scenario;
  const char* error;
};
inline constexpr OneOffFault kOneOffFaults[] = {{"rate_limit_once", "rate_limited"},
                                                {"server_error_once", "server_error"}};

// The nonces are filed by the hour they arrived in (sandbox_recent_nonces.hour); a
// profile's nonce window is at most that long, so it reaches back one hour at most.
inline constexpr long long kNonceHour = standard::kMaxNonceWindowSeconds;

struct FaultState {
  bool delay_async = false;
  std::vector<const OneOffFault*> armed_once;  // on and armed, in kOneOffFaults' order
};

// One object of a key's store (sandbox_objects), its body still JSON text.
struct StoredObject {
  long long id = 0;
  std::string natural_key, subject, attr, event_day, body;
};

// One row of sandbox_evidence.
struct EvidenceRow {
  long long application_id = 0, key_id = 0;
  std::string city_code;
  long long received_at = 0;
  std::string method, outcome, code, error, rule_path, message;
  long long latency_us = 0;
  std::string tags, serial, data_digest, request, response;
  // The data's other violations besides the one in error/rule_path/message: a JSON
  // array of {rule, path, message}, or empty.
  std::string violations;
};

class Statements {
 public:
  explicit Statements(soci::session& sql);
  Statements(const Statements&) = delete;
  Statements& operator=(const Statements&) = delete;

  std::optional<KeyRow> Key(const std::string& app_key);  // secret still sealed
  FaultState Faults(long long application_id);
  // Disarms a one-off fault scenario that is on and armed; false when it was not (off,
  // or fired by another request meanwhile).
  bool DisarmFault(long long application_id, const std::string& scenario);
  // PostgreSQL only (sandbox_recent_nonces; NonceLedger chooses): records that
  // the key used `nonce` at `seen_at`; false, recording nothing, when it used it within
  // the last `window` seconds (at most kNonceHour).
  bool InsertNonce(long long key_id, const std::string& nonce, long long seen_at, long long window);
  // sandbox_nonce_log (SQLite only; see sandbox_nonce_window.h): the rows after `seq`,
  // in order, and a new row's seq.
  std::vector<NonceWindow::Row> NonceLogAfter(long long seq);
  long long AppendNonce(long long key_id, const std::string& nonce, long long seen_at);
  // nullopt when the key already has an object of this kind and natural key.
  std::optional<long long> InsertObject(long long key_id, const std::string& kind, const std::string& natural_key,
                                        const std::string& subject, const std::string& attr,
                                        const std::string& event_day, const std::string& body, long long created_at);
  std::optional<StoredObject> FindObject(long long key_id, const std::string& kind, const std::string& natural_key);
  std::optional<StoredObject> FindObjectById(long long key_id, const std::string& kind, long long id);
  // A worker's latest entry or exit in a project (kind "entry_exit", subject the ID
  // number, after "projectCode|" for a project the key added) dated on
  // or before `day` (yyyy-MM-dd; the latest of a day is the one stored last): its day
  // and its type ("1" in, "0" out). nullopt when there is none.
  struct EntryExit {
    std::string day, type;
  };
  std::optional<EntryExit> LatestEntryExit(long long key_id, const std::string& subject, const std::string& day);
  // An asynchronous result (sandbox_async); its id, which numbers its serial.
  // `masked_result` is the result as the evidence keeps it, empty when that is `result`.
  long long InsertAsync(long long key_id, const std::string& method, int status, const std::string& result,
                        const std::string& masked_result, int pending_polls, long long created_at);
  // A row of evidence; `id` gets its id, at once or, deferred, when the batch flushes.
  void InsertEvidence(EvidenceRow row, long long& id);

  // PostgreSQL, in a group-commit batch (storage::Database::Deferral): the asynchronous
  // results and the evidence of the batch's requests are written together before its
  // COMMIT, one COPY per table, instead of one round trip per row (two of a request's
  // five statements). Ignored on SQLite, where a statement is a call, not a round trip,
  // and rows already reach the log together at the commit.
  //
  // BeginBatch starts a batch's run on this connection's transaction, forgetting what an
  // earlier run left; FlushBatch writes the rows and hands out the evidence ids. Once
  // that transaction ends, however it ends, writes go straight through again (`db`'s
  // AfterTransaction), so nothing outside a batch waits for a flush that will not come
  // and nothing of a run that failed is kept. An asynchronous result's id is needed at once
  // (its serial is in the answer), so deferred ones come from ids the connection draws
  // from the sequence in blocks; the evidence's are drawn at the flush, in the order the
  // batch's requests ran, which is the order their answers go out in.
  void BeginBatch(storage::Database& db, bool defer);
  void FlushBatch();

 private:
  // An INSERT prepared once and run again with new values: whether it changed a row
  // (false when its ON CONFLICT did nothing) and the new row's id. PostgreSQL returns
  // the id through RETURNING, which saves it a round trip; on SQLite, which answers
  // RETURNING through an ephemeral table opened and closed on every execution (a tenth
  // of the writer thread in a profile), the connection is asked instead.
  class InsertStatement {
   public:
    // `text` without RETURNING; `returned` is the column PostgreSQL returns (the id, or
    // any column where the table has none); `uses` bind the statement's variables.
    template <typename... Uses>
    InsertStatement(soci::session& sql, const std::string& text, const char* returned, Uses... uses);
    struct Outcome {
      bool changed = false;
      long long id = 0;  // the new row's, when it changed one and the table has ids
    };
    Outcome Run();

   private:
    soci::session& sql_;
    const bool returning_;
    long long returned_ = 0;
    soci::indicator got_ = soci::i_null;
    soci::statement st_;
  };

  // The bound variables of each statement, declared before the statement that binds
  // them by reference; the object is never moved (Database::Local keeps it in place).
  struct KeyQuery {
    explicit KeyQuery(soci::session& sql);
    std::string app_key, city_code, profile, secret;
    long long id = 0, application_id = 0, issued_at = 0, expires_at = 0, revoked_at = 0, identity_scheme = 0;
    soci::indicator revoked = soci::i_null;
    soci::statement st;
  };
  struct FaultsQuery {
    explicit FaultsQuery(soci::session& sql);
    long long application_id = 0, enabled = 0, armed = 0;
    std::string scenario;
    soci::statement st;
  };
  // sandbox_recent_nonces: a nonce's row in its hour, inserted, or taken over when the
  // one there is older than the window, unless the hour before holds a use within the
  // window. One statement, so one round trip on PostgreSQL whichever hour it is.
  struct NonceInsert {
    explicit NonceInsert(soci::session& sql);
    long long hour = 0, key_id = 0, seen_at = 0, since = 0;
    std::string nonce;
    InsertStatement st;
  };
  struct NonceLogQuery {
    explicit NonceLogQuery(soci::session& sql);
    long long after = 0;
    NonceWindow::Row row;
    soci::statement st;
  };
  struct NonceAppend {
    explicit NonceAppend(soci::session& sql);
    long long key_id = 0, seen_at = 0;
    std::string nonce;
    InsertStatement st;
  };
  struct ObjectInsert {
    explicit ObjectInsert(soci::session& sql);
    long long key_id = 0, created_at = 0;
    std::string kind, natural_key, subject, attr, event_day, body;
    InsertStatement st;
  };
  // SELECT of sandbox_objects by key, kind and one more column, `:v`: the id when
  // `by_id`, else text.
  struct ObjectQuery {
    ObjectQuery(soci::session& sql, const std::string& condition, bool by_id);
    long long key_id = 0, id_value = 0;
    std::string kind, text_value;
    StoredObject row;
    soci::statement st;
  };
  struct AsyncInsert {
    explicit AsyncInsert(soci::session& sql);
    std::string method, result, masked_result;
    long long key_id = 0, created_at = 0;
    int status = 0, pending_polls = 0;
    InsertStatement st;
  };
  struct EvidenceInsert {
    explicit EvidenceInsert(soci::session& sql);
    EvidenceRow row;
    InsertStatement st;
  };

  long long NextAsyncId();
  void EndBatch();

  soci::session& sql_;
  const bool postgres_;
  bool defer_ = false;
  std::vector<storage::BulkRow> deferred_async_;  // with their ids
  struct DeferredEvidence {
    storage::BulkRow row;  // its id still empty
    long long* id;
  };
  std::vector<DeferredEvidence> deferred_evidence_;
  std::vector<long long> async_ids_;  // drawn, not yet used; the next one last
  KeyQuery key_;
  FaultsQuery faults_;
  // The replay check's statements of the connection's database only (NonceLedger):
  // the keyed table on PostgreSQL, the log on SQLite.
  std::optional<NonceInsert> nonce_;
  std::optional<NonceLogQuery> nonce_log_;
  std::optional<NonceAppend> nonce_append_;
  ObjectInsert object_insert_;
  ObjectQuery object_by_natural_key_, object_by_id_;
  // The one row the entry/exit rules need, read backwards along the partial index
  // sandbox_objects_entry_exit (key_id, subject, event_day, id): no bodies copied. The
  // kind is in the text, not bound: SQLite uses a partial index only for a condition
  // it can see, and prepares a statement again whenever a parameter it compared with a
  // partial index's condition is bound again.
  struct LatestEntryExitQuery {
    explicit LatestEntryExitQuery(soci::session& sql);
    long long key_id = 0;
    std::string subject, day, event_day, type;
    soci::statement st;
  };
  LatestEntryExitQuery latest_entry_exit_;
  AsyncInsert async_;
  EvidenceInsert evidence_;
};

}  // namespace liantiao::services::sandbox
