#include "jobs/prober.h"

#include <spdlog/spdlog.h>

namespace liantiao::jobs {

Prober::Prober(services::Platform& platform, const Clock& clock, std::chrono::seconds interval)
    : platform_(platform), clock_(clock), timer_(interval, [this] { RunOnce(); }) {}

void Prober::RunOnce() {
  auto r = platform_.probes.ProbeDue(clock_.Now());
  if (!r.ok()) {
    spdlog::error("probe failed: {} ({})", r.error().message, r.error().CodeWord());
  } else if ((*r)["probed"].get<int>() > 0) {
    spdlog::info("probed {} key(s) of cities' own test environments: {} working, {} failed", (*r)["probed"].get<int>(),
                 (*r)["working"].get<int>(), (*r)["failed"].get<int>());
  }
}

}  // namespace liantiao::jobs
