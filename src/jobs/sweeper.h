#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "services/platform.h"

namespace liantiao::jobs {

// The deadline sweep as a background job: every `interval` it reloads the calendar
// (another process may have imported a year) and raises the alerts now due. The sweep
// itself is idempotent, so several servers may run this job against one database.
class Sweeper {
 public:
  Sweeper(services::Platform& platform, const Clock& clock, std::chrono::seconds interval);
  ~Sweeper();
  void Start();
  void Stop();
  // One tick, as the timer runs it (used by tests and on demand).
  void RunOnce();

 private:
  services::Platform& platform_;
  const Clock& clock_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace liantiao::jobs
