#include "jobs/sweeper.h"

#include <spdlog/spdlog.h>

namespace liantiao::jobs {

Sweeper::Sweeper(services::Platform& platform, const Clock& clock, std::chrono::seconds interval)
    : platform_(platform), clock_(clock), interval_(interval) {}

Sweeper::~Sweeper() { Stop(); }

void Sweeper::RunOnce() {
  if (auto st = platform_.calendar.Reload(); !st.ok()) {
    spdlog::warn("sweep: calendar reload failed: {}", st.error().message);
  }
  auto r = platform_.alerts.Sweep(clock_.Now());
  if (!r.ok()) {
    spdlog::error("sweep failed: {} ({})", r.error().message, r.error().CodeWord());
  } else if (r->raised > 0) {
    spdlog::info("sweep raised {} alert(s)", r->raised);
  }
}

void Sweeper::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      // The wall-clock wait is the timer's only use of real time; the sweep reads the
      // platform's clock.
      cv_.wait_for(lock, interval_, [this] { return stop_; });
    }
  });
}

void Sweeper::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace liantiao::jobs
