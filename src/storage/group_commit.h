#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "storage/database.h"

namespace liantiao::storage {

// Group commit for many small write transactions that arrive at once. A caller's unit
// waits in a queue; whichever caller finds no batch running takes the whole queue (up to
// `max_batch`, in arrival order) and runs it through Database::TransactBatch: one
// transaction, a failing unit left out. Every caller returns only after the
// transaction holding its unit committed, with its unit's status, or with the batch's
// error when BEGIN or COMMIT failed. No thread of its own: the callers take turns.
//
// Units of one batch see each other's writes in order, as consecutive transactions
// would; a unit must therefore not depend on anything outside the database that a
// unit before it in the same batch could change. A unit may run more than once (a
// conflict retries the batch; a unit that fails makes the units before it run again).
class GroupCommit {
 public:
  explicit GroupCommit(Database& db, std::size_t max_batch = 64) : db_(db), max_batch_(max_batch) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  Status Run(const Database::Unit& unit);

  // Callers waiting for a batch to take them (tests use it to build a batch).
  std::size_t Queued();

 private:
  struct Waiter {
    const Database::Unit* unit;
    Status status = OkStatus();
    bool done = false;
  };

  Database& db_;
  const std::size_t max_batch_;
  std::mutex mu_;
  std::condition_variable finished_;
  std::vector<Waiter*> queue_;
  bool running_ = false;
};

}  // namespace liantiao::storage
