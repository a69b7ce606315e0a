#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace liantiao::jobs {

// A background thread that calls `tick` at once and then every `interval` until
// stopped. The wall-clock wait is a job's only use of real time: what a tick does
// reads the platform's clock.
class Periodic {
 public:
  Periodic(std::chrono::seconds interval, std::function<void()> tick) : interval_(interval), tick_(std::move(tick)) {}
  ~Periodic() { Stop(); }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  void Start() {
    thread_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!stop_) {
        lock.unlock();
        tick_();
        lock.lock();
        cv_.wait_for(lock, interval_, [this] { return stop_; });
      }
    });
  }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::chrono::seconds interval_;
  std::function<void()> tick_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace liantiao::jobs
