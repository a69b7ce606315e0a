// The sandbox pipeline in-process: SandboxService::Handle called by N threads with
// signed, encrypted WorkerAttendance.Add bodies built beforehand, so neither HTTP nor
// the load generator's signing is measured. Reports requests/s, latency and the CPU
// time the process spent per request: on a machine whose cores are shared, CPU per
// request is the figure that other load disturbs least.
// Usage: sandbox_inprocess sqlite|postgresql [requests] [threads] (postgresql needs
// LIANTIAO_TEST_PG). Prints one Markdown row.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/runtime.h"
#include "sandbox_workload.h"
#include "standard/request.h"
#include "testing/app/sandbox_driver.h"

namespace liantiao {
namespace {

using nlohmann::json;
using Steady = std::chrono::steady_clock;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int Run(const std::string& kind, int requests, int threads) {
  spdlog::set_level(spdlog::level::warn);
  app::SystemClock wall;
  auto tp = testing::TestPlatform::Create(kind, wall.Now(), /*serve_http=*/false);
  if (!tp) return 1;
  const auto vendor = tp->AddVendor("bench_vendor");
  const auto reviewer = tp->AddUser(domain::Role::kCityReviewer, "bench_reviewer", "440100");
  testing::SandboxDriver driver(*tp, testing::StartJointTest(*tp, vendor, reviewer, "440100", "gd-v1.3"));
  const auto& key = driver.key();

  auto write = [&](const std::string& method, const json& data) -> json {
    auto a = driver.Send(method, data);
    if (a.outcome != "accepted") throw std::runtime_error(method + ": " + a.body.dump());
    auto r = driver.Poll(a.data()["requestSerialCode"]);
    return json::parse(r.data()["result"].get<std::string>());
  };
  const bench::Workforce workforce =
      bench::PrepareWorkforce(write, key.project_code, key.corp_code, key.corp_name, tp->clock().Now());

  // Bodies first: the load generator's work is not the pipeline's.
  std::vector<std::string> bodies;
  const std::string endpoint = standard::EndpointFor(driver.profile(), "WorkerAttendance.Add");
  for (int k = 0; k < requests; ++k) {
    json data = bench::AttendanceData(workforce, key.project_code, k);
    bodies.push_back(standard::EncodeForm(driver.Build("WorkerAttendance.Add", std::move(data))));
  }

  std::atomic<int> next{0}, accepted{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(threads));
  const double cpu0 = CpuSeconds();
  const auto t0 = Steady::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int k = next++; k < requests; k = next++) {
        services::SandboxCall call;
        call.city_code = key.city_code;
        call.endpoint = endpoint;
        call.body = bodies[static_cast<std::size_t>(k)];
        const auto start = Steady::now();
        const services::SandboxReply r = tp->platform().sandbox.Handle(call);
        latencies[static_cast<std::size_t>(t)].push_back(
            std::chrono::duration<double, std::milli>(Steady::now() - start).count());
        if (r.outcome == "accepted") {
          ++accepted;
        } else {
          std::fprintf(stderr, "not accepted: %s\n", r.body.c_str());
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  const double seconds = std::chrono::duration<double>(Steady::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto p = [&](double q) { return all[std::min(all.size() - 1, static_cast<std::size_t>(q * all.size()))]; };
  std::printf("| %s | in-process Handle, %d threads | %d | %.0f | %.2f | %.2f | %.0f | %d |\n", kind.c_str(), threads,
              requests, requests / seconds, p(0.5), p(0.99), 1e6 * cpu / requests, accepted.load());
  return accepted.load() == requests ? 0 : 1;
}

}  // namespace
}  // namespace liantiao

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sandbox_inprocess sqlite|postgresql [requests] [threads]\n");
    return 2;
  }
  return liantiao::Run(argv[1], argc > 2 ? std::atoi(argv[2]) : 20000, argc > 3 ? std::atoi(argv[3]) : 4);
}
