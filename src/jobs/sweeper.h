#pragma once

#include <chrono>

#include "jobs/periodic.h"
#include "services/platform.h"

namespace liantiao::jobs {

// The deadline sweep as a background job: every `interval` it runs Platform::Sweep
// (reload the calendar, raise the alerts now due, delete spent sandbox nonces). The
// sweep is idempotent, so several servers may run this job against one database.
class Sweeper {
 public:
  Sweeper(services::Platform& platform, const Clock& clock, std::chrono::seconds interval);
  void Start() { timer_.Start(); }
  void Stop() { timer_.Stop(); }
  // One tick, as the timer runs it (used by tests and on demand).
  void RunOnce();

 private:
  services::Platform& platform_;
  const Clock& clock_;
  Periodic timer_;  // last: stopped before the members its ticks use go
};

}  // namespace liantiao::jobs
