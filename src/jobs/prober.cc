#include "jobs/prober.h"

#include <spdlog/spdlog.h>

namespace liantiao::jobs {

Prober::Prober(services::Platform& platform, const Clock& clock, std::chrono::seconds interval)
    : platform_(platform), clock_(clock), interval_(interval) {}

Prober::~Prober() { Stop(); }

void Prober::RunOnce() {
  auto r = platform_.probes.ProbeDue(clock_.Now());
  if (!r.ok()) {
    spdlog::error("probe failed: {} ({})", r.error().message, r.error().CodeWord());
  } else if ((*r)["probed"].get<int>() > 0) {
    spdlog::info("probed {} key(s) of cities' own test environments: {} working, {} failed",
                 (*r)["probed"].get<int>(), (*r)["working"].get<int>(), (*r)["failed"].get<int>());
  }
}

void Prober::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      // The wall-clock wait is the timer's only use of real time; the probes read the
      // platform's clock.
      cv_.wait_for(lock, interval_, [this] { return stop_; });
    }
  });
}

void Prober::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace liantiao::jobs
