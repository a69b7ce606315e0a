#include "http/work_pool.h"

#include <atomic>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace liantiao::http {
namespace {

// A job that holds its thread until `release` is set, saying when it started.
WorkPool::Job Holding(std::promise<void>& started, std::shared_future<void> release, std::atomic<int>& ran,
                      std::atomic<int>& cancelled) {
  return {[&started, release, &ran] {
            started.set_value();
            release.wait();
            ++ran;
          },
          [&cancelled] { ++cancelled; }};
}

WorkPool::Job Counting(std::atomic<int>& ran, std::atomic<int>& cancelled) {
  return {[&ran] { ++ran; }, [&cancelled] { ++cancelled; }};
}

TEST(WorkPoolTest, TakesNoMoreThanItsQueueWhileItsThreadsAreBusy) {
  std::atomic<int> ran = 0, cancelled = 0;
  std::promise<void> started, release;
  std::shared_future<void> released = release.get_future().share();
  {
    WorkPool pool("test-pool", 1, 2);
    ASSERT_TRUE(pool.Post(Holding(started, released, ran, cancelled)));
    started.get_future().wait();  // the thread is busy; the queue is empty
    EXPECT_TRUE(pool.Post(Counting(ran, cancelled)));
    EXPECT_TRUE(pool.Post(Counting(ran, cancelled)));
    EXPECT_FALSE(pool.Post(Counting(ran, cancelled))) << "the queue holds two";
    release.set_value();
    // The queued jobs run, or are cancelled if the pool stops first: each one or the other.
  }
  EXPECT_EQ(ran + cancelled, 3);
  EXPECT_GE(ran, 1);
}

TEST(WorkPoolTest, StoppingCancelsWhatWaitsAndLetsTheRunningJobFinish) {
  std::atomic<int> ran = 0, cancelled = 0;
  std::promise<void> started, release;
  std::shared_future<void> released = release.get_future().share();
  std::optional<WorkPool> pool;
  pool.emplace("test-pool", 1, 4);
  ASSERT_TRUE(pool->Post(Holding(started, released, ran, cancelled)));
  started.get_future().wait();
  ASSERT_TRUE(pool->Post(Counting(ran, cancelled)));
  ASSERT_TRUE(pool->Post(Counting(ran, cancelled)));
  // The destructor cancels the two waiting jobs at once, then waits for the running one.
  std::thread stopper([&] { pool.reset(); });
  while (cancelled < 2) std::this_thread::yield();
  EXPECT_EQ(ran, 0);
  release.set_value();
  stopper.join();
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(cancelled, 2);
}

TEST(WorkPoolTest, AJobThatThrowsDoesNotEndItsThread) {
  std::atomic<int> ran = 0, cancelled = 0;
  std::promise<void> done;
  {
    WorkPool pool("test-pool", 1, 4);
    ASSERT_TRUE(pool.Post({[] { throw std::runtime_error("boom"); }, nullptr}));
    ASSERT_TRUE(pool.Post({[&] {
                             ++ran;
                             done.set_value();
                           },
                           [&] { ++cancelled; }}));
    done.get_future().wait();
  }
  EXPECT_EQ(ran, 1);
}

TEST(WorkPoolTest, RunsJobsOnSeveralThreadsAtOnce) {
  std::atomic<int> ran = 0, cancelled = 0;
  std::promise<void> first, second, release;
  std::shared_future<void> released = release.get_future().share();
  {
    WorkPool pool("test-pool", 2, 1);
    ASSERT_TRUE(pool.Post(Holding(first, released, ran, cancelled)));
    first.get_future().wait();
    ASSERT_TRUE(pool.Post(Holding(second, released, ran, cancelled)));
    second.get_future().wait();  // both hold a thread at once
    release.set_value();
  }
  EXPECT_EQ(ran, 2);
}

}  // namespace
}  // namespace liantiao::http
