#pragma once

#include <chrono>

#include "jobs/periodic.h"
#include "services/platform.h"

namespace liantiao::jobs {

// Probes of cities' own test environments as a background job: every `interval` it
// asks ProbeService for the keys due (each key at most once per the configured
// probe interval) and probes them. Its own thread: a slow city system delays only
// the next probe, never the deadline sweep.
class Prober {
 public:
  Prober(services::Platform& platform, const Clock& clock, std::chrono::seconds interval);
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
