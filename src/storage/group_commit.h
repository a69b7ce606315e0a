#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/database.h"

namespace liantiao::storage {

// Group commit for many small write transactions that arrive at once. Units wait in a
// queue; the writer, a thread of its own, takes the queue (up to `max_batch`, in
// arrival order), runs it through Database::TransactBatch (one transaction, a failing
// unit left out), tells each unit's caller its status, and takes what queued
// meanwhile.
//
// Submit returns at once; its `done` is called after the transaction holding the unit
// committed, with the unit's status, or with the batch's error when BEGIN or COMMIT
// failed. So an HTTP server can answer from there, a batch holds every request in
// flight (not one per server thread), and the server's threads do nothing but the work
// that can run in parallel. The `done`s run on the group commit's answering thread, one
// batch after another in commit order, so that the writer starts its next batch while
// the last one's answers go out; `done` must still be quick, since later answers wait
// for it. Before answering, that thread makes every batch it is about to answer durable
// with one sync of the database's log (Database::SyncLog): the writer does not wait for
// the disk, and no unit is answered before its commit is on it; a unit whose commit
// could not be synced gets the sync's error. Run waits for its own unit.
//
// A batch's answers wait for the answers of the batches before it, sync included. So
// while those are pending, the writer does not commit the batch it is running: it runs
// the units queued meanwhile in the same transaction, and commits when the answering
// thread is free, when the batch holds `max_batch` units, or after `max_hold`. Under
// load a batch is therefore what arrived during one sync, and the pages every unit
// changes are written to the log once per sync rather than once per small batch.
//
// What can run in parallel (parsing, signatures, decryption, validation) runs on the
// callers' threads before Submit. SQLite has one writer, so one writer thread; on
// PostgreSQL a batch spends most of its time waiting for round trips, and several
// writers (`writers`) run batches as concurrent transactions. Units of different
// batches then see each other's writes only once committed, as requests on separate
// connections would; conflicts between them retry the batch (see TransactBatch).
//
// Units of one batch see each other's writes in order, as consecutive transactions
// would; a unit must therefore not depend on anything outside the database that a
// unit before it in the same batch could change. A unit may run more than once (a
// conflict retries the batch; a unit that fails makes the units before it run again).
class GroupCommit {
 public:
  using Done = std::function<void(Status)>;

  // Makes the committed batches durable before their answers go out; Database::SyncLog
  // unless given (tests).
  using Sync = std::function<Status()>;
  // A batch's transaction stays open for at most `max_hold` waiting for units to join it.
  // `deferral` lets the units leave writes to the end of their batch
  // (Database::TransactBatch); the default, empty, defers nothing.
  explicit GroupCommit(Database& db, std::size_t max_batch = 256, std::size_t writers = 1, Sync sync = nullptr,
                       std::chrono::microseconds max_hold = std::chrono::milliseconds(5),
                       Database::Deferral deferral = {});
  // Runs what is queued, sends its answers, then stops the threads.
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  void Submit(Database::Unit unit, Done done);
  Status Run(const Database::Unit& unit);

  // Units waiting for a batch to take them (tests use it to build a batch).
  std::size_t Queued();
  // The first writer's thread (tests check that batches run there) and the answering one.
  std::thread::id WriterThread() const { return writers_.front().get_id(); }
  std::thread::id AnswerThread() const { return answerer_.get_id(); }

 private:
  struct Entry {
    Database::Unit unit;
    Done done;
  };
  // A unit's caller and its status, once its batch committed (or failed).
  struct Answer {
    Done done;
    Status status;
  };
  void Write();        // a writer's loop
  void SendAnswers();  // the answering thread's loop
  void RunBatch(std::vector<Entry>& batch);

  Database& db_;
  const std::size_t max_batch_;
  const std::chrono::microseconds max_hold_;
  const Sync sync_;
  const Database::Deferral deferral_;
  std::mutex mu_;
  std::condition_variable queued_;
  std::vector<Entry> queue_;
  bool stopping_ = false;
  bool answering_ = false;  // committed batches wait for the answering thread
  std::mutex answers_mu_;
  std::condition_variable answers_ready_;
  std::vector<Answer> answers_;    // in commit order
  bool answers_stopping_ = false;  // set once the writers have stopped
  // Last: start once everything they use exists; the writers after the answerer, which
  // is stopped after them.
  std::thread answerer_;
  std::vector<std::thread> writers_;
};

}  // namespace liantiao::storage
