#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace liantiao::http {

// Threads of their own for work too slow for the HTTP threads (a report PDF's render, a
// password's hash), with a bounded queue in front of them. The HTTP threads hand a job
// over and go on serving; a job the queue has no room for is not taken, and its caller
// answers server_busy at once.
//
// A small class of our own rather than asio::thread_pool: that one's queue is unbounded,
// and the bound is the point (memory and waiting time under a flood).
class WorkPool {
 public:
  struct Job {
    std::function<void()> run;
    // Called instead of `run` when the pool stops with the job still queued.
    std::function<void()> cancel;
  };

  // `name` names the threads (top -H, perf; at most 15 characters).
  WorkPool(std::string name, std::size_t threads, std::size_t queue);
  // Cancels what still waits, lets the jobs under way finish, then stops.
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `job`; false (and `job` dropped, neither function called) when the pool is
  // stopping, or when no thread is free and `queue` jobs wait already.
  bool Post(Job job);

 private:
  void Work();

  const std::string name_;
  const std::size_t queue_bound_;
  std::mutex mu_;
  std::condition_variable queued_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::size_t idle_ = 0;              // threads waiting for a job
  std::vector<std::thread> threads_;  // last: start once the rest exists
};

}  // namespace liantiao::http
