#include "http/work_pool.h"

#include <pthread.h>

#include <algorithm>
#include <exception>

#include <spdlog/spdlog.h>

namespace liantiao::http {

WorkPool::WorkPool(std::string name, std::size_t threads, std::size_t queue)
    : name_(std::move(name)), queue_bound_(queue) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
    threads_.emplace_back([this] { Work(); });
  }
}

WorkPool::~WorkPool() {
  std::deque<Job> waiting;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    waiting.swap(queue_);
  }
  queued_.notify_all();
  for (Job& job : waiting) {
    if (job.cancel) job.cancel();
  }
  for (std::thread& t : threads_) t.join();
}

bool WorkPool::Post(Job job) {
  {
    std::lock_guard lock(mu_);
    // A thread waiting for work takes the job at once: it does not count against the queue.
    if (stopping_ || queue_.size() >= queue_bound_ + idle_) return false;
    queue_.push_back(std::move(job));
  }
  queued_.notify_one();
  return true;
}

void WorkPool::Work() {
  pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());  // shown by top -H and perf
  std::unique_lock lock(mu_);
  for (;;) {
    ++idle_;
    queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (stopping_) return;  // the destructor cancels what still waits
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    try {
      job.run();
    } catch (const std::exception& e) {
      // A job answers its own failures; one that throws must not end the thread.
      spdlog::error("{}: a job failed: {}", name_, e.what());
    } catch (...) {
      spdlog::error("{}: a job failed", name_);
    }
    lock.lock();
  }
}

}  // namespace liantiao::http
