#pragma once

// How many refusals of a key that its holder may not have sent are recorded.
//
// A request naming a key is recorded as that key's evidence even when it is refused
// before its signature is checked (a malformed form, a revoked key) or because the
// signature is wrong: a vendor's complaint that its key was refused rests on those rows.
// But anyone who learnt an app_id can send such requests, so without a bound a stranger
// could fill the database and bury the vendor's own evidence. Refusals whose signature
// did not verify are therefore recorded up to a number per key and clock hour; beyond
// it they are still answered, as the profile says, but not recorded. The last one
// recorded in the hour is tagged (`unsigned_cap`) so that whoever reads the evidence
// knows more came. The key holder's own requests (signature verified) are always
// recorded.
//
// Kept in memory, per process: two servers on one database record up to the number
// each. Bounded in size (kMaxKeys); the keys of past hours are dropped first.

#include <cstddef>
#include <mutex>
#include <unordered_map>

namespace liantiao::services::sandbox {

class UnsignedRefusalBudget {
 public:
  enum class Verdict {
    kRecord,      // within the hour's number
    kRecordLast,  // the last one recorded this hour: tag it
    kSkip,        // beyond it: answer without recording
  };
  static constexpr std::size_t kMaxKeys = 10000;

  // per_hour <= 0 records none beyond the signed ones.
  explicit UnsignedRefusalBudget(int per_hour) : per_hour_(per_hour) {}

  // One more unsigned refusal of `key_id` at `unix_seconds`.
  Verdict Take(long long key_id, long long unix_seconds);
  // Unsigned refusals of the key not recorded in the hour of `unix_seconds`.
  long long Skipped(long long key_id, long long unix_seconds) const;
  std::size_t size() const;

 private:
  struct Hour {
    long long hour = 0;
    long long recorded = 0, skipped = 0;
  };
  const int per_hour_;
  mutable std::mutex mu_;
  std::unordered_map<long long, Hour> keys_;
};

}  // namespace liantiao::services::sandbox
