// The sandbox pipeline under load: a real `liantiao serve` process, 64 keep-alive
// connections from the load generator (the device simulator's client) on the same
// machine, each sending signed, encrypted WorkerAttendance.Add requests for
// registered, entered workers, every answer recorded durably as evidence. Measured in
// the same run: the server's no-op endpoint (GET /api/v1/health) over the same
// connections, and the CPU time the server and the load generator spent per pipeline
// request (from /proc: both share the machine's two cores). Then `kill -9` under load:
// every request answered as accepted must be in the evidence.
// Usage: sandbox_bench sqlite|postgresql [seconds] [connections] (postgresql needs
// LIANTIAO_TEST_PG, as the tests do). Prints Markdown rows.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/device.h"
#include "app/runtime.h"
#include "bench_server.h"
#include "sandbox_workload.h"
#include "crypto/crypto.h"
#include "http/client.h"
#include "standard/request.h"
#include "storage/row.h"
#include "testing/app/sandbox_driver.h"
#include "testing/test_database.h"

namespace liantiao {
namespace {

using Steady = std::chrono::steady_clock;
using nlohmann::json;

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

using bench::Server;

// CPU time (user + system) a process has used so far, from /proc/<pid>/stat; 0 when it
// cannot be read.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

Server StartServer(const std::string& db_url, const std::string& dir) {
  return bench::StartServer(db_url, dir, std::string(64, 'a'), false);
}

struct Key {
  std::string app_id, secret, project_code, corp_code, corp_name, target;
};

// An application of a vendor in Guangzhou through review to joint testing, its key
// claimed: straight through the services, on the database the server will use.
Key PrepareKey(testing::TestPlatform& tp) {
  const auto vendor = tp.AddVendor("bench_vendor");
  const auto reviewer = tp.AddUser(domain::Role::kCityReviewer, "bench_reviewer", "440100");
  const testing::SandboxKey k = testing::StartJointTest(tp, vendor, reviewer, "440100", "gd-v1.3");
  return {k.app_id, k.secret, k.project_code, k.corp_code, k.corp_name, "/sandbox/440100/open.api"};
}

struct LoadResult {
  double seconds = 0;
  long long requests = 0, accepted = 0, other = 0, failures = 0;
  std::vector<double> latencies_ms;
  std::vector<std::string> serials;  // answered as accepted
  double Rps() const { return requests / seconds; }
  double P(double q) const {
    if (latencies_ms.empty()) return 0;
    std::vector<double> v = latencies_ms;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))];
  }
};

// Runs `connections` threads, each with one keep-alive connection, for `duration`
// (or until `stop`), calling `send` for each request.
template <typename Send>
LoadResult Load(int connections, std::chrono::seconds duration, Send send, std::atomic<bool>* stop = nullptr) {
  LoadResult total;
  std::mutex mu;
  const auto start = Steady::now(), end = start + duration;
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      LoadResult mine;
      auto state = send.Open(t);
      while (Steady::now() < end && !(stop && stop->load())) {
        const auto t0 = Steady::now();
        std::string serial;
        const int outcome = send(state, serial);  // 1 accepted, 0 answered otherwise, -1 failed
        mine.latencies_ms.push_back(Ms(Steady::now() - t0));
        ++mine.requests;
        if (outcome == 1) {
          ++mine.accepted;
          if (!serial.empty()) mine.serials.push_back(std::move(serial));
        } else if (outcome == 0) {
          ++mine.other;
        } else {
          ++mine.failures;
          if (stop && stop->load()) break;
        }
      }
      std::lock_guard lock(mu);
      total.requests += mine.requests;
      total.accepted += mine.accepted;
      total.other += mine.other;
      total.failures += mine.failures;
      total.latencies_ms.insert(total.latencies_ms.end(), mine.latencies_ms.begin(), mine.latencies_ms.end());
      total.serials.insert(total.serials.end(), mine.serials.begin(), mine.serials.end());
    });
  }
  for (auto& th : threads) th.join();
  total.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  return total;
}

struct NoOp {
  unsigned short port;
  std::unique_ptr<http::HttpConnection> Open(int) { return std::make_unique<http::HttpConnection>("127.0.0.1", port); }
  int operator()(std::unique_ptr<http::HttpConnection>& c, std::string&) {
    auto r = c->Get("/api/v1/health");
    return !r.ok() ? -1 : r->status == 200 ? 1 : 0;
  }
};

struct Attendance {
  unsigned short port;
  const standard::Profile* profile;
  const standard::KeyCodec* codec;
  Key key;
  const bench::Workforce* workforce;
  std::atomic<long long>* counter;
  const Clock* clock;

  struct State {
    std::unique_ptr<http::HttpConnection> connection;
    std::string nonce_prefix;
    long long n = 0;
  };
  State Open(int t) {
    return {std::make_unique<http::HttpConnection>("127.0.0.1", port), "t" + std::to_string(t) + "-" +
                                                                          crypto::RandomToken(6) + "-",
            0};
  }
  int operator()(State& s, std::string& serial) {
    json data = bench::AttendanceData(*workforce, key.project_code, counter->fetch_add(1));
    const auto form = standard::BuildRequest(*profile, *codec, key.app_id, "WorkerAttendance.Add", std::move(data),
                                             clock->Now(), s.nonce_prefix + std::to_string(++s.n));
    auto r = s.connection->Post(key.target, "application/x-www-form-urlencoded", standard::EncodeForm(form));
    if (!r.ok()) return -1;
    const json a = json::parse(r->body, nullptr, false);
    if (a.is_object() && a.value("code", "") == "0") {
      serial = a["data"].value("requestSerialCode", "");
      return 1;
    }
    // Every request is valid, so any other answer is news: the first one is shown.
    static std::once_flag shown;
    std::call_once(shown, [&] { std::fprintf(stderr, "first answer other than accepted: %s\n", r->body.c_str()); });
    return 0;
  }
};

void Print(const std::string& kind, const std::string& what, const LoadResult& r, int connections) {
  std::printf("| %s | %s | %d | %.0f | %.2f | %.2f | %.2f | %lld / %lld / %lld |\n", kind.c_str(), what.c_str(),
              connections, r.Rps(), r.P(0.50), r.P(0.99), r.P(0.999), r.accepted, r.other, r.failures);
  std::fflush(stdout);
}

int Run(const std::string& kind, int seconds, int connections) {
  spdlog::set_level(spdlog::level::warn);
  const std::string dir = "/tmp/lt_sandbox_bench_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  app::SystemClock clock;
  // The platform in-process on a fresh database, its clock at the wall clock's now so
  // that the key is valid for the server, which runs on the wall clock.
  auto tp = testing::TestPlatform::Create(kind, clock.Now(), /*serve_http=*/false);
  if (!tp) return 1;
  Key key = PrepareKey(*tp);
  Server server = StartServer(tp->db_url(), dir);
  const standard::Profile* profile = tp->platform().deps.profiles->Find("gd-v1.3");
  auto codec = standard::KeyCodec::Make(*profile, key.secret).value();

  // Team, 50 workers entered 29 days ago: every attendance record is then valid.
  app::DeviceOptions o;
  o.profile = profile;
  o.endpoint = "http://127.0.0.1:" + std::to_string(server.port) + key.target;
  o.app_id = key.app_id;
  o.secret = key.secret;
  o.clock = &clock;
  auto device = app::DeviceClient::Make(o).value();
  auto write = [&](const std::string& method, const json& data) -> json {
    json a = device->Send(method, data).value();
    if (!device->Success(a)) throw std::runtime_error(method + ": " + a.dump());
    const std::string serial = a["data"]["requestSerialCode"];
    json r = device->Send("AsyncHandleResult.Query", {{"requestSerialCode", serial}}).value();
    if (r["data"]["status"] != 20) throw std::runtime_error(method + " async: " + r.dump());
    return json::parse(r["data"]["result"].get<std::string>());
  };
  const bench::Workforce workforce =
      bench::PrepareWorkforce(write, key.project_code, key.corp_code, key.corp_name, clock.Now());

  std::atomic<long long> counter{0};
  Attendance attendance{server.port, profile, &codec, key, &workforce, &counter, &clock};
  const auto duration = std::chrono::seconds(seconds);
  // Warm up, then measure the no-op endpoint and the pipeline back to back.
  Load(connections, std::chrono::seconds(2), attendance);
  LoadResult noop = Load(connections, duration, NoOp{server.port});
  Print(kind, "no-op GET /api/v1/health", noop, connections);
  const double server_before = CpuSeconds(server.pid), self_before = CpuSeconds(getpid());
  LoadResult pipeline = Load(connections, duration, attendance);
  const double server_cpu = CpuSeconds(server.pid) - server_before, self_cpu = CpuSeconds(getpid()) - self_before;
  Print(kind, "WorkerAttendance.Add, full pipeline", pipeline, connections);
  std::printf("| %s | pipeline / no-op | | %.0f%% | | | | |\n", kind.c_str(), 100.0 * pipeline.Rps() / noop.Rps());
  // Both share the machine's cores: what one spends per request, the other cannot.
  const double requests = static_cast<double>(std::max(pipeline.requests, 1LL));
  std::printf("| %s | CPU per pipeline request | | server: %.0f µs | load generator: %.0f µs | | | |\n", kind.c_str(),
              1e6 * server_cpu / requests, 1e6 * self_cpu / requests);

  // kill -9 under load: every answer "accepted" must have its evidence.
  std::atomic<bool> stop{false};
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    kill(server.pid, SIGKILL);
    stop = true;
  });
  LoadResult crash = Load(connections, std::chrono::seconds(30), attendance, &stop);
  killer.join();
  waitpid(server.pid, nullptr, 0);
  std::set<std::string> answered(crash.serials.begin(), crash.serials.end());
  long long found = 0;
  (void)tp->db().Read<Ok>([&](soci::session& sql) -> Result<Ok> {
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT serial FROM sandbox_evidence WHERE serial <> ''");
    for (const soci::row& r : rows) found += answered.count(storage::GetText(r, 0));
    return Ok{};
  });
  std::printf("| %s | kill -9 under load | %d | answered accepted before the kill: %zu | in the evidence: %lld | "
              "missing: %lld | | |\n",
              kind.c_str(), connections, answered.size(), found, static_cast<long long>(answered.size()) - found);
  std::filesystem::remove_all(dir);
  return static_cast<long long>(answered.size()) == found ? 0 : 1;
}

}  // namespace
}  // namespace liantiao

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    std::fprintf(stderr, "usage: sandbox_bench sqlite|postgresql [seconds] [connections]\n");
    return 2;
  }
  return liantiao::Run(argv[1], argc > 2 ? std::atoi(argv[2]) : 10, argc > 3 ? std::atoi(argv[3]) : 64);
}
