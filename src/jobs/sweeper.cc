#include "jobs/sweeper.h"

#include <spdlog/spdlog.h>

namespace liantiao::jobs {

Sweeper::Sweeper(services::Platform& platform, const Clock& clock, std::chrono::seconds interval)
    : platform_(platform), clock_(clock), timer_(interval, [this] { RunOnce(); }) {}

void Sweeper::RunOnce() {
  auto r = platform_.Sweep(clock_.Now());
  if (!r.ok()) {
    spdlog::error("sweep failed: {} ({})", r.error().message, r.error().CodeWord());
  } else if (r->raised > 0) {
    spdlog::info("sweep raised {} alert(s)", r->raised);
  }
}

}  // namespace liantiao::jobs
