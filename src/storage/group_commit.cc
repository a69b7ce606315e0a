#include "storage/group_commit.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <utility>

#include <spdlog/spdlog.h>

namespace liantiao::storage {

GroupCommit::GroupCommit(Database& db, std::size_t max_batch, std::size_t writers, Sync sync,
                         std::chrono::microseconds max_hold, Database::Deferral deferral)
    : db_(db),
      max_batch_(max_batch),
      max_hold_(max_hold),
      sync_(sync ? std::move(sync) : Sync([&db] { return db.SyncLog(); })),
      deferral_(std::move(deferral)) {
  answerer_ = std::thread([this] { SendAnswers(); });
  for (std::size_t i = 0; i < std::max<std::size_t>(writers, 1); ++i) writers_.emplace_back([this] { Write(); });
}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queued_.notify_all();
  for (std::thread& t : writers_) t.join();
  {
    std::lock_guard lock(answers_mu_);
    answers_stopping_ = true;
  }
  answers_ready_.notify_all();
  answerer_.join();
}

void GroupCommit::Submit(Database::Unit unit, Done done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back({std::move(unit), std::move(done)});
  }
  queued_.notify_one();
}

void GroupCommit::Write() {
  pthread_setname_np(pthread_self(), "group-commit");  // shown by top -H and perf
  std::unique_lock lock(mu_);
  for (;;) {
    queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued has run
    const std::size_t n = std::min(queue_.size(), max_batch_);
    std::vector<Entry> batch(std::make_move_iterator(queue_.begin()),
                             std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    RunBatch(batch);
    lock.lock();
  }
}

void GroupCommit::RunBatch(std::vector<Entry>& batch) {
  std::vector<Database::Unit> units;
  units.reserve(batch.size());
  for (Entry& e : batch) units.push_back(std::move(e.unit));
  // While the answering thread syncs the log and answers earlier batches, this batch's
  // answers could not go out anyway. Committing it then would only split it: each
  // commit writes the pages it changed to the log, and the pages that every unit
  // touches (the tables' last pages, their indexes') would be written once per small
  // batch instead of once. So it grows with what is queued meanwhile, and commits once
  // that thread is free for it, when it is full, or after `max_hold_`, which bounds how
  // long other writers wait for the database while the disk is slow.
  const auto deadline = std::chrono::steady_clock::now() + max_hold_;
  auto more = [&]() -> bool {
    std::unique_lock lock(mu_);
    queued_.wait_until(lock, deadline, [this] { return stopping_ || !queue_.empty() || !answering_; });
    if (stopping_ || !answering_ || queue_.empty() || units.size() >= max_batch_) return false;
    const std::size_t n = std::min(queue_.size(), max_batch_ - units.size());
    for (std::size_t i = 0; i < n; ++i) {
      units.push_back(std::move(queue_[i].unit));
      batch.push_back({nullptr, std::move(queue_[i].done)});
    }
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    return true;
  };
  Result<std::vector<Status>> statuses = MakeError(ErrorCode::kInternal);
  try {
    statuses = db_.TransactBatch(units, more, &deferral_);  // an empty one defers nothing
  } catch (...) {
    // Only something that is not a std::exception gets here (TransactBatch turns those
    // into statuses), which is a bug of a unit; still, no caller may be left waiting.
    spdlog::error("group commit: a unit threw something that is not a std::exception");
  }
  {
    // Before the answers are handed over, so that the answering thread, which clears
    // it once it has sent them, cannot have cleared it already.
    std::lock_guard lock(mu_);
    answering_ = true;  // from now on: the next batch grows until these are sent
  }
  {
    std::lock_guard lock(answers_mu_);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      answers_.push_back(
          {std::move(batch[i].done), statuses.ok() ? std::move((*statuses)[i]) : Status(statuses.error())});
    }
  }
  answers_ready_.notify_one();
}

void GroupCommit::SendAnswers() {
  pthread_setname_np(pthread_self(), "group-answer");
  std::unique_lock lock(answers_mu_);
  for (;;) {
    answers_ready_.wait(lock, [this] { return answers_stopping_ || !answers_.empty(); });
    if (answers_.empty()) return;  // stopping, and every answer is sent
    std::vector<Answer> ready;
    ready.swap(answers_);
    lock.unlock();
    // One sync for every batch about to be answered; answers of batches that commit
    // meanwhile wait for the next one.
    Status synced = OkStatus();
    try {
      synced = sync_();
    } catch (const std::exception& e) {
      spdlog::error("group commit: syncing the log failed: {}", e.what());
      synced = MakeError(ErrorCode::kDatabaseError);
    }
    for (Answer& a : ready) {
      if (!synced.ok() && a.status.ok()) a.status = synced;
      try {
        a.done(std::move(a.status));
      } catch (const std::exception& e) {
        // A caller's answer failing must not leave the batch's other callers waiting.
        spdlog::error("group commit: answering a unit failed: {}", e.what());
      } catch (...) {
        spdlog::error("group commit: answering a unit failed");
      }
    }
    lock.lock();
    if (answers_.empty()) {
      // Nothing more to sync: a growing batch may commit now.
      {
        std::lock_guard q(mu_);
        answering_ = false;
      }
      queued_.notify_all();
    }
    lock.unlock();
    ready.clear();  // the callers' state, freed while the writer commits
    lock.lock();
  }
}

Status GroupCommit::Run(const Database::Unit& unit) {
  struct Wait {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    Status status = OkStatus();
  } wait;
  // A pointer each (fits std::function's small buffer): the caller's unit stays its own.
  Submit([u = &unit](soci::session& s) { return (*u)(s); },
         [&wait](Status st) {
           std::lock_guard lock(wait.mu);
           wait.status = std::move(st);
           wait.done = true;
           wait.cv.notify_one();
         });
  std::unique_lock lock(wait.mu);
  wait.cv.wait(lock, [&] { return wait.done; });
  return std::move(wait.status);
}

std::size_t GroupCommit::Queued() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace liantiao::storage
