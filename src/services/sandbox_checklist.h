#pragma once

// The conformance checklist as the judge makes it from a key's evidence
// (sandbox_views.cc), and the checklists last made, kept by what they were made from.

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "core/recent.h"
#include "crypto/crypto.h"

namespace liantiao::services::sandbox {

// The report's evidence digest as rows are added in id order (docs/ARCHITECTURE.md):
// the chain, how many rows it covers and the last one's id. Built by the judge for a
// report, and again by CheckReportDigest over the rows a report names.
struct EvidenceChain {
  std::string hash{crypto::kGenesisHash};
  long long rows = 0;
  std::optional<long long> last_id;  // none: no row (rows of the key after it are not covered)

  // A row of sandbox_evidence in the columns the chain reads (sandbox_views.cc).
  void Add(const soci::row& r);
  std::string Digest() const { return "sha256:" + hash; }
  // The report's evidence_covered.
  nlohmann::json Covered() const {
    return {{"rows", rows}, {"last_id", last_id ? nlohmann::json(*last_id) : nlohmann::json(nullptr)}};
  }
};

struct Checklist {
  nlohmann::json cases = nlohmann::json::array();
  nlohmann::json summary;
  nlohmann::json failures = nlohmann::json::array();
  nlohmann::json delay_problems = nlohmann::json::array();  // what a 联调延期 decision is pre-filled with
  EvidenceChain chain;                                      // the report's evidence digest over the key's rows
  long long requests = 0;
};

// The checklists judged last, each by a stamp of everything it was judged from (the key,
// its profile, how many evidence rows it had and the last one's id, the application's
// fault scenarios). Judging reads every evidence row of the key and hashes each one into
// the report's digest: some ten microseconds a row, seconds for a key that a device has
// sent to for days, on every view of the checklist or the report. Evidence rows are only
// ever added, so while a key's rows are as they were, the checklist is too, and a view
// asks the database only for the stamp. At most `capacity` are kept, the least recently
// used leaving first.
class ChecklistCache {
 public:
  ChecklistCache() = default;
  explicit ChecklistCache(std::size_t capacity) : kept_(capacity) {}
  ChecklistCache(const ChecklistCache&) = delete;
  ChecklistCache& operator=(const ChecklistCache&) = delete;

  std::optional<Checklist> Find(const std::string& stamp) {
    std::lock_guard lock(mu_);
    const Checklist* kept = kept_.Find(stamp);
    return kept ? std::optional<Checklist>(*kept) : std::nullopt;
  }
  void Keep(const std::string& stamp, const Checklist& checklist) {
    std::lock_guard lock(mu_);
    kept_.Keep(stamp, checklist);
  }

 private:
  std::mutex mu_;
  RecentlyUsed<Checklist> kept_{32};
};

}  // namespace liantiao::services::sandbox
