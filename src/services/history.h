#pragma once

#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "core/result.h"
#include "services/deps.h"

namespace liantiao::services {

struct HistoryEntry {
  std::string entity;  // "application", "complaint", "alert", "calendar", "user", "vendor"
  long long entity_id = 0;
  std::optional<long long> application_id;
  std::optional<std::string> city_code;
  std::optional<long long> vendor_id;
  Actor actor;
  std::string action;
  std::string before;
  std::string after;
  std::string reason;
  Instant at;
  // A decision's (联调成功, 联调延期): the digest of the report it was taken on
  // (ReportContentDigest), so that the chain covers the kept report too.
  std::optional<std::string> report_digest;
};

// Appends one entry to the hash chain inside the caller's transaction. The head row
// is updated first, which serialises appenders across processes.
Status AppendHistory(soci::session& sql, const HistoryEntry& entry);
// The same for many entries at once (the sweep): one head update and multi-row inserts.
Status AppendHistoryBatch(soci::session& sql, const std::vector<HistoryEntry>& entries);

// The text an entry's hash covers: every stored field in a fixed order; report_digest
// only where it is set, so that the entries recorded before it existed hash as they did.
std::string CanonicalEntry(long long seq, const HistoryEntry& entry);

// Whether the database has history.report_digest (migration 0014). The commands that
// check a database read it as it is, without migrating it first.
bool HistoryHasReportDigests(soci::session& sql);

// The report digest the history entry of an application's decision recorded, with that
// entry's seq. nullopt: no decision recorded; `digest` nullopt: a decision recorded
// before decisions recorded their report's digest.
struct DecisionReportDigest {
  long long seq = 0;
  std::optional<std::string> digest;
};
std::optional<DecisionReportDigest> FindDecisionReportDigest(soci::session& sql, long long application_id);

struct HistoryVerification {
  bool ok = true;
  long long entries = 0;
  std::optional<long long> first_broken_seq;
  std::string problem;  // why that entry breaks the chain
};
Result<HistoryVerification> VerifyHistory(storage::Database& db);

// History rows of one application (oldest first) as API JSON.
json ApplicationHistory(soci::session& sql, long long application_id);

}  // namespace liantiao::services
