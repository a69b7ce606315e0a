#include "storage/group_commit.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "storage/migrations.h"
#include "testing/test_database.h"

namespace liantiao::storage {
namespace {

class GroupCommitTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_.emplace(testing::TestDatabase::Create(GetParam()));
    auto db = Database::Open(*ParseDbUrl(tdb_->url()), 4);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Migrate(kSchema).ok());
    writer_.emplace(*db_);
  }

  long long Count(const std::string& sql) {
    auto n = db_->Read<long long>([&](soci::session& s) -> Result<long long> {
      long long count = 0;
      s << sql, soci::into(count);
      return count;
    });
    return n.ok() ? *n : -1;
  }

  struct Ran {
    std::string name;
    std::thread::id thread;
    std::size_t still_queued;  // callers left waiting while this unit ran
  };

  // Inserts `name` and records how it ran, in the order units ran.
  Database::Unit Insert(const std::string& name) {
    return [this, name](soci::session& s) -> Status {
      s << "INSERT INTO nonces (nonce) VALUES (:n)", soci::use(name);
      const std::size_t queued = writer_->Queued();
      std::lock_guard lock(mu_);
      ran_.push_back({name, std::this_thread::get_id(), queued});
      return OkStatus();
    };
  }

  // Occupies the writer with a unit that runs until `release` is set; returns once it
  // runs.
  void HoldWriter(std::atomic<bool>& release) {
    std::atomic<bool> holding{false};
    writer_->Submit(
        [&holding, &release](soci::session&) -> Status {
          holding = true;  // the last use of `holding`, which lives until it is seen
          while (!release.load()) std::this_thread::yield();
          return OkStatus();
        },
        [](Status) {});
    while (!holding.load()) std::this_thread::yield();
  }

  // Runs `units` through the writer as one batch, in this order: a first caller holds
  // the writer until all of them are queued behind it. Returns their statuses.
  std::vector<Status> RunAsOneBatch(const std::vector<Database::Unit>& units) {
    std::atomic<bool> holding{false}, release{false};
    std::thread holder([&] {
      Status st = writer_->Run([&](soci::session&) -> Status {
        holding = true;
        while (!release.load()) std::this_thread::yield();
        return OkStatus();
      });
      EXPECT_TRUE(st.ok());
    });
    while (!holding.load()) std::this_thread::yield();
    std::vector<std::optional<Status>> statuses(units.size());
    std::vector<std::thread> callers;
    for (std::size_t i = 0; i < units.size(); ++i) {
      callers.emplace_back([&, i] { statuses[i] = writer_->Run(units[i]); });
      while (writer_->Queued() < i + 1) std::this_thread::yield();  // arrival order fixed
    }
    release = true;
    holder.join();
    for (auto& t : callers) t.join();
    std::vector<Status> out;
    for (auto& st : statuses) out.push_back(std::move(*st));
    return out;
  }

  static constexpr Migration kSchema[] = {
      {"0001_nonces",
       "CREATE TABLE nonces (nonce TEXT PRIMARY KEY);\n"
       "CREATE TABLE parents (id {{BIGINT}} PRIMARY KEY);\n"
       "CREATE TABLE children (parent {{BIGINT}} REFERENCES parents(id) DEFERRABLE INITIALLY "
       "DEFERRED);\n"},
  };

  std::optional<testing::TestDatabase> tdb_;
  std::unique_ptr<Database> db_;
  std::optional<GroupCommit> writer_;
  std::mutex mu_;
  std::vector<Ran> ran_;
};

TEST_P(GroupCommitTest, ALoneCallerCommitsItsUnit) {
  ASSERT_TRUE(writer_->Run(Insert("a")).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 1);
  EXPECT_EQ(writer_->Queued(), 0u);
}

TEST_P(GroupCommitTest, WaitingCallersShareOneTransactionInArrivalOrder) {
  // The holder's unit ran alone; the three callers that queued behind it form the next batch.
  const auto statuses = RunAsOneBatch({Insert("a"), Insert("b"), Insert("c")});
  for (const auto& st : statuses) EXPECT_TRUE(st.ok());
  ASSERT_EQ(ran_.size(), 3u);
  EXPECT_EQ(ran_[0].name, "a");
  EXPECT_EQ(ran_[1].name, "b");
  EXPECT_EQ(ran_[2].name, "c");
  // Batches run on the writer's thread, and a batch takes every waiting caller.
  EXPECT_EQ(ran_[0].thread, writer_->WriterThread());
  EXPECT_EQ(ran_[1].thread, ran_[0].thread);
  EXPECT_EQ(ran_[2].thread, ran_[0].thread);
  EXPECT_EQ(ran_[0].still_queued, 0u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 3);
}

TEST_P(GroupCommitTest, OneRefusedUnitDoesNotAffectTheOthers) {
  const auto statuses = RunAsOneBatch({Insert("a"),
                                       [](soci::session& s) -> Status {
                                         s << "INSERT INTO nonces (nonce) VALUES ('refused')";
                                         return MakeError(ErrorCode::kInvalidField);
                                       },
                                       Insert("c")});
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_EQ(statuses[1].error().code, ErrorCode::kInvalidField);
  EXPECT_TRUE(statuses[2].ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces WHERE nonce = 'refused'"), 0);
}

TEST_P(GroupCommitTest, ADuplicateNonceInOneBatchIsCaught) {
  const auto statuses = RunAsOneBatch({Insert("n1"), Insert("n1"), Insert("n2")});
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_EQ(statuses[1].error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(statuses[2].ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 2);
}

TEST_P(GroupCommitTest, ACommitFailureAnswersEveryMemberWithAnError) {
  const auto statuses = RunAsOneBatch({Insert("a"),
                                       [](soci::session& s) -> Status {
                                         s << "INSERT INTO children (parent) VALUES (42)";
                                         return OkStatus();
                                       },
                                       Insert("c")});
  for (const auto& st : statuses) {
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::kDatabaseError);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 0);
  // The writer goes on.
  EXPECT_TRUE(writer_->Run(Insert("d")).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 1);
}

TEST_P(GroupCommitTest, AUnitThrowingANonStandardExceptionFailsItsBatchWithoutHanging) {
  const auto statuses = RunAsOneBatch({Insert("a"),
                                       [](soci::session&) -> Status {
                                         throw 42;  // not a std::exception
                                       },
                                       Insert("c")});
  for (const auto& st : statuses) {
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::kInternal);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 0);
  EXPECT_TRUE(writer_->Run(Insert("d")).ok());
}

TEST_P(GroupCommitTest, SubmitReturnsAtOnceAndTheAnswerComesAfterTheCommit) {
  std::atomic<bool> release{false};
  HoldWriter(release);
  // The writer is busy: Submit queues and returns; nothing is answered yet.
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Status> answer;
  long long committed_when_answered = -1;
  std::thread::id answered_on;
  writer_->Submit(Insert("a"), [&](Status st) {
    // Another connection sees the row: the answer comes after the commit.
    const long long n = Count("SELECT COUNT(*) FROM nonces");
    std::lock_guard lock(mu);
    committed_when_answered = n;
    answered_on = std::this_thread::get_id();
    answer = std::move(st);
    cv.notify_one();
  });
  EXPECT_EQ(writer_->Queued(), 1u);
  {
    std::lock_guard lock(mu);
    EXPECT_FALSE(answer.has_value());
  }
  release = true;
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return answer.has_value(); });
  EXPECT_TRUE(answer->ok());
  EXPECT_EQ(committed_when_answered, 1);
  EXPECT_EQ(answered_on, writer_->AnswerThread());
  EXPECT_NE(answered_on, writer_->WriterThread());
}

// Answers go out on a thread of their own: the writer commits the next batch while a
// slow answer of the last one is still being sent, once the batch has waited its
// longest for more units (max_hold).
TEST_P(GroupCommitTest, ASlowAnswerDoesNotHoldTheNextBatch) {
  std::atomic<bool> answering{false}, release{false};
  writer_->Submit(Insert("a"), [&](Status) {
    answering = true;
    while (!release.load()) std::this_thread::yield();
  });
  while (!answering.load()) std::this_thread::yield();
  std::atomic<bool> b_answered{false};
  writer_->Submit(Insert("b"), [&](Status) { b_answered = true; });
  // b commits while a's answer is held (the test would hang here otherwise); its own
  // answer waits its turn.
  while (Count("SELECT COUNT(*) FROM nonces") != 2) std::this_thread::yield();
  EXPECT_FALSE(b_answered.load());
  release = true;
  writer_.reset();  // sends the answers still owed
  EXPECT_TRUE(b_answered.load());
}

// Answers go out only after the log was synced, once for the batches answered
// together; a unit whose commit could not be synced gets the sync's error, a refused
// unit keeps its own.
TEST_P(GroupCommitTest, AnswersWaitForTheLogSync) {
  std::atomic<int> syncs{0};
  std::atomic<bool> fail{false}, hold{true}, syncing{false};
  writer_.emplace(*db_, 256, 1, [&]() -> Status {
    syncing = true;
    while (hold.load()) std::this_thread::yield();
    ++syncs;
    return fail.load() ? MakeError(ErrorCode::kDatabaseError) : OkStatus();
  });
  std::atomic<bool> a_answered{false};
  writer_->Submit(Insert("a"), [&](Status st) {
    EXPECT_TRUE(st.ok());
    EXPECT_EQ(syncs.load(), 1) << "answered after the sync";
    a_answered = true;
  });
  while (!syncing.load()) std::this_thread::yield();
  // Committed, visible to other connections, and still not answered: the sync holds.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 1);
  EXPECT_FALSE(a_answered.load());
  hold = false;
  while (!a_answered.load()) std::this_thread::yield();

  fail = true;
  EXPECT_EQ(writer_->Run(Insert("b")).error().code, ErrorCode::kDatabaseError) << "committed, not known durable";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 2);
  EXPECT_EQ(writer_->Run([](soci::session&) -> Status { return MakeError(ErrorCode::kInvalidField); }).error().code,
            ErrorCode::kInvalidField);
}

// While a batch's answers are pending, the next batch grows with the units that arrive
// and commits once they are sent: b and c share a transaction although c arrived
// after b had run.
TEST_P(GroupCommitTest, ABatchGrowsWhileTheLastOnesAnswersArePending) {
  std::atomic<bool> hold{true}, syncing{false};
  writer_.emplace(
      *db_, 256, 1,
      [&]() -> Status {
        syncing = true;
        while (hold.load()) std::this_thread::yield();
        return OkStatus();
      },
      std::chrono::hours(1));
  std::atomic<int> answered{0};
  writer_->Submit(Insert("a"), [&](Status st) { answered += st.ok() ? 1 : 0; });
  while (!syncing.load()) std::this_thread::yield();  // a committed; its answer waits

  std::atomic<int> b_runs{0};
  std::atomic<bool> c_ran{false};
  Status b_status = MakeError(ErrorCode::kInternal), c_status = OkStatus();
  writer_->Submit(
      [&](soci::session& s) -> Status {
        s << "INSERT INTO nonces (nonce) VALUES ('b')";
        ++b_runs;
        return OkStatus();
      },
      [&](Status st) { b_status = std::move(st); });
  while (b_runs.load() == 0) std::this_thread::yield();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces WHERE nonce = 'b'"), 0) << "not committed while a is unanswered";
  // c is refused: the transaction it ran in rolls back and runs again without it,
  // which runs b again only if b is in that transaction.
  writer_->Submit(
      [&](soci::session&) -> Status {
        c_ran = true;
        return MakeError(ErrorCode::kInvalidField);
      },
      [&](Status st) { c_status = std::move(st); });
  while (!c_ran.load()) std::this_thread::yield();
  hold = false;
  writer_.reset();  // sends every answer
  EXPECT_EQ(answered.load(), 1);
  EXPECT_EQ(b_runs.load(), 2) << "b and c ran in one transaction";
  EXPECT_TRUE(b_status.ok());
  EXPECT_EQ(c_status.error().code, ErrorCode::kInvalidField);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 2);
}

TEST_P(GroupCommitTest, StoppingRunsWhatIsQueued) {
  std::atomic<bool> release{false};
  HoldWriter(release);
  std::atomic<int> answered{0};
  for (std::string name : {"a", "b"}) {
    // Not Insert(): its unit asks the writer being stopped how many are queued.
    writer_->Submit(
        [name](soci::session& s) -> Status {
          s << "INSERT INTO nonces (nonce) VALUES (:n)", soci::use(name);
          return OkStatus();
        },
        [&](Status st) { answered += st.ok() ? 1 : 0; });
  }
  std::thread stopper([&] { writer_.reset(); });
  release = true;
  stopper.join();
  EXPECT_EQ(answered.load(), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 2);
}

TEST_P(GroupCommitTest, ABatchIsAtMostMaxBatchUnits) {
  writer_.emplace(*db_, 2);
  const auto statuses = RunAsOneBatch({Insert("a"), Insert("b"), Insert("c")});
  for (const auto& st : statuses) EXPECT_TRUE(st.ok());
  ASSERT_EQ(ran_.size(), 3u);
  EXPECT_EQ(ran_[0].name, "a");
  EXPECT_EQ(ran_[2].name, "c");
  EXPECT_EQ(ran_[1].thread, ran_[0].thread);
  EXPECT_EQ(ran_[0].still_queued, 1u) << "c waited for the next batch";
  EXPECT_EQ(ran_[2].still_queued, 0u);
}

// The group commit hands its deferral to every batch: the flush runs once per batch,
// after the batch's units, before its COMMIT.
TEST_P(GroupCommitTest, EachBatchFlushesWhatItsUnitsDeferred) {
  std::vector<std::string> deferred;
  int flushes = 0;
  writer_.emplace(*db_, 256, 1, nullptr, std::chrono::milliseconds(5),
                  Database::Deferral{[&](soci::session&, bool) { deferred.clear(); },
                                     [&](soci::session& s) {
                                       ++flushes;
                                       for (const std::string& n : deferred) {
                                         s << "INSERT INTO nonces (nonce) VALUES (:n)", soci::use(n);
                                       }
                                     }});
  auto defer = [&](std::string name) -> Database::Unit {
    return [&, name](soci::session&) -> Status {
      deferred.push_back(name);
      return OkStatus();
    };
  };
  const auto statuses = RunAsOneBatch({defer("a"), defer("b"), defer("c")});
  for (const auto& st : statuses) EXPECT_TRUE(st.ok());
  EXPECT_EQ(flushes, 2) << "the holder's batch, then the three that queued behind it";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nonces"), 3);
}

INSTANTIATE_TEST_SUITE_P(Dialects, GroupCommitTest, ::testing::ValuesIn(liantiao::testing::TestDatabaseKinds()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace liantiao::storage
