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
};

// Appends one entry to the hash chain inside the caller's transaction. The head row
// is updated first, which serialises appenders across processes.
Status AppendHistory(soci::session& sql, const HistoryEntry& entry);
// The same for many entries at once (the sweep): one head update and multi-row inserts.
Status AppendHistoryBatch(soci::session& sql, const std::vector<HistoryEntry>& entries);

// The text an entry's hash covers: every stored field in a fixed order.
std::string CanonicalEntry(long long seq, const HistoryEntry& entry);

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
