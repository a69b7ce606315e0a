#include "services/hash_gate.h"

#include <algorithm>

namespace liantiao::services {

HashGate::HashGate(int slots, int queue, std::chrono::milliseconds max_wait)
    : slots_(std::max(1, slots)), queue_(std::max(0, queue)), max_wait_(max_wait) {}

HashGate::Ticket::~Ticket() {
  if (gate_) gate_->Leave();
}

Result<HashGate::Ticket> HashGate::Enter() {
  std::unique_lock lock(mu_);
  if (hashing_ >= slots_) {
    auto busy = [this] {
      const long long seconds = std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(max_wait_).count());
      return MakeError(ErrorCode::kServerBusy, "", {{"retry_after_seconds", seconds}});
    };
    if (waiting_ >= queue_) return busy();
    ++waiting_;
    const bool freed = freed_.wait_for(lock, max_wait_, [this] { return hashing_ < slots_; });
    --waiting_;
    if (!freed) return busy();
  }
  ++hashing_;
  return Ticket(this);
}

void HashGate::Leave() {
  {
    std::lock_guard lock(mu_);
    --hashing_;
  }
  freed_.notify_one();
}

HashGate::Load HashGate::Current() const {
  std::lock_guard lock(mu_);
  return {hashing_, waiting_};
}

}  // namespace liantiao::services
