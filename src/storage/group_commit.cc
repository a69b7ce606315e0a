#include "storage/group_commit.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

namespace liantiao::storage {

Status GroupCommit::Run(const Database::Unit& unit) {
  Waiter me{&unit};
  std::unique_lock lock(mu_);
  queue_.push_back(&me);
  while (!me.done) {
    if (running_) {
      finished_.wait(lock);
      continue;
    }
    // No batch running: this caller runs the next one, which holds it, since it is
    // still queued and batches are taken from the front.
    running_ = true;
    const std::size_t n = std::min(queue_.size(), max_batch_);
    std::vector<Waiter*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();

    std::vector<Database::Unit> units;
    units.reserve(batch.size());
    // A pointer each (fits std::function's small buffer): the callers' units stay theirs.
    for (Waiter* w : batch) units.emplace_back([u = w->unit](soci::session& s) { return (*u)(s); });
    Result<std::vector<Status>> statuses = MakeError(ErrorCode::kInternal);
    try {
      statuses = db_.TransactBatch(units);
    } catch (...) {
      // Only something that is not a std::exception gets here (TransactBatch turns those
      // into statuses), which is a bug of a unit; still, no caller may be left waiting.
      spdlog::error("group commit: a unit threw something that is not a std::exception");
    }

    lock.lock();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i]->status = statuses.ok() ? std::move((*statuses)[i]) : Status(statuses.error());
      batch[i]->done = true;
    }
    running_ = false;
    finished_.notify_all();
  }
  return std::move(me.status);
}

std::size_t GroupCommit::Queued() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace liantiao::storage
