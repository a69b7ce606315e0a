#include "services/sandbox_refusal_budget.h"

#include <spdlog/spdlog.h>

#include "core/time.h"

namespace liantiao::services::sandbox {

namespace {
constexpr long long kHour = 3600;
}

UnsignedRefusalBudget::Verdict UnsignedRefusalBudget::Take(long long key_id, long long unix_seconds) {
  const long long hour = unix_seconds / kHour;
  std::lock_guard lock(mu_);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) {
    if (keys_.size() >= kMaxKeys) {
      std::erase_if(keys_, [hour](const auto& entry) { return entry.second.hour != hour; });
      // Every key refused unsigned within this hour: start over. At worst a key is
      // recorded up to its number again this hour; memory stays bounded.
      if (keys_.size() >= kMaxKeys) keys_.clear();
    }
    it = keys_.emplace(key_id, Hour{hour, 0, 0}).first;
  } else if (it->second.hour != hour) {
    if (it->second.skipped > 0) {
      spdlog::warn("sandbox key {}: {} unsigned refusals not recorded in the hour from {} (the first {} were)", key_id,
                   it->second.skipped, it->second.hour * kHour, it->second.recorded);
    }
    it->second = Hour{hour, 0, 0};
  }
  Hour& h = it->second;
  if (h.recorded >= per_hour_) {
    ++h.skipped;
    return Verdict::kSkip;
  }
  ++h.recorded;
  return h.recorded == per_hour_ ? Verdict::kRecordLast : Verdict::kRecord;
}

long long UnsignedRefusalBudget::Skipped(long long key_id, long long unix_seconds) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(key_id);
  return it == keys_.end() || it->second.hour != unix_seconds / kHour ? 0 : it->second.skipped;
}

std::size_t UnsignedRefusalBudget::size() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

}  // namespace liantiao::services::sandbox
