// The sandbox pipeline under load: a real `liantiao serve` process, 64 keep-alive
// connections from the load generator (the device simulator's client) on the same
// machine, each sending signed, encrypted WorkerAttendance.Add requests for
// registered, entered workers, every answer recorded durably as evidence. Measured in
// the same run: the server's no-op endpoint (GET /api/v1/health) over the same
// connections, and the CPU time the server and the load generator spent per pipeline
// request (from /proc: both share the machine's two cores). Then `kill -9` under load:
// every request answered as accepted must be in the evidence.
// Usage: sandbox_bench sqlite|postgresql [seconds] [connections] [prepared|as-sent]
// (postgresql needs LIANTIAO_TEST_PG, as the tests do). `prepared` (the default) signs
// the pipeline's requests before its timed run; `as-sent` signs each one as it is sent.
// Prints Markdown rows.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/device.h"
#include "app/runtime.h"
#include "bench_server.h"
#include "crypto/crypto.h"
#include "http/client.h"
#include "sandbox_workload.h"
#include "standard/request.h"
#include "storage/row.h"
#include "testing/app/sandbox_driver.h"
#include "testing/test_database.h"

namespace liantiao {
namespace {

using Steady = std::chrono::steady_clock;
using nlohmann::json;

// Requests prepared per second of the pipeline's run: above what it reaches here.
constexpr std::size_t kPreparedPerSecond = 25000;

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
  long long application_id = 0;
  services::Principal reviewer;
};

// An application of a vendor in Guangzhou through review to joint testing, its key
// claimed: straight through the services, on the database the server will use.
Key PrepareKey(testing::TestPlatform& tp) {
  const auto vendor = tp.AddVendor("bench_vendor");
  const auto reviewer = tp.AddUser(domain::Role::kCityReviewer, "bench_reviewer", "440100");
  const testing::SandboxKey k = testing::StartJointTest(tp, vendor, reviewer, "440100", "gd-v1.3");
  return {k.app_id,         k.secret, k.project_code, k.corp_code, k.corp_name, "/sandbox/440100/open.api",
          k.application_id, reviewer};
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

// One thread drives every connection through epoll, as wrk does: a thread per
// connection blocked in poll(2) cost the load generator a context switch and a poll
// per request, CPU the server it shares the two cores with then lacked. Each
// connection keeps one request in flight (no pipelining): it sends the next as soon as
// the answer to the last one is in, until `duration` ends (or `stop`); then the
// requests in flight are waited for. `build(c)` gives connection c's next request as
// HTTP bytes; `judge(status, body, serial)` says 1 accepted (with its serial), 0
// answered otherwise. A connection that fails (the server gone) counts a failure and
// connects again, unless `stop` is set.
class EpollLoad {
 public:
  using Build = std::function<std::string(int)>;
  using Judge = std::function<int(int, std::string_view, std::string&)>;

  EpollLoad(unsigned short port, Build build, Judge judge)
      : port_(port), build_(std::move(build)), judge_(std::move(judge)) {}

  LoadResult Run(int connections, std::chrono::seconds duration, std::atomic<bool>* stop = nullptr) {
    LoadResult total;
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    std::vector<Conn> conns(static_cast<std::size_t>(connections));
    for (int i = 0; i < connections; ++i) conns[i].index = i;
    const auto start = Steady::now(), end = start + duration;
    auto more = [&] { return Steady::now() < end && !(stop && stop->load()); };
    int busy = 0;
    for (Conn& c : conns) {
      if (Open(c) && Send(c)) ++busy;
    }
    std::vector<epoll_event> events(static_cast<std::size_t>(connections));
    while (busy > 0) {
      const int n = epoll_wait(ep_, events.data(), connections, 1000);
      for (int e = 0; e < n; ++e) {
        Conn& c = conns[events[e].data.u32];
        if (events[e].events & EPOLLOUT) Flush(c);
        int outcome = 2;  // 2: nothing complete yet
        std::string serial;
        if (events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) outcome = Receive(c, serial);
        if (outcome == 2) continue;
        total.latencies_ms.push_back(Ms(Steady::now() - c.sent_at));
        ++total.requests;
        if (outcome == 1) {
          ++total.accepted;
          if (!serial.empty()) total.serials.push_back(std::move(serial));
        } else if (outcome == 0) {
          ++total.other;
        } else {
          ++total.failures;
          Close(c);
          if (more() && Open(c) && Send(c)) continue;
          --busy;
          continue;
        }
        if (!more() || !Send(c)) {
          --busy;
          Close(c);
        }
      }
    }
    for (Conn& c : conns) Close(c);
    close(ep_);
    total.seconds = std::chrono::duration<double>(Steady::now() - start).count();
    return total;
  }

 private:
  struct Conn {
    int fd = -1;
    std::string out, in;
    std::size_t written = 0;
    Steady::time_point sent_at;
    int index = 0;
  };

  bool Open(Conn& c) {
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(c.fd);
      c.fd = -1;
      return false;
    }
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(c.index);
    epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    c.in.clear();
    return true;
  }

  void Close(Conn& c) {
    if (c.fd < 0) return;
    epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
    c.fd = -1;
  }

  bool Send(Conn& c) {
    c.out = build_(c.index);
    c.written = 0;
    c.sent_at = Steady::now();
    return Write(c);
  }

  // Writes what it can; the rest waits for EPOLLOUT (not seen with requests this small).
  bool Write(Conn& c) {
    while (c.written < c.out.size()) {
      const ssize_t n = send(c.fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
      if (n > 0) {
        c.written += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && WantWrite(c, true);
      }
    }
    return true;
  }

  bool WantWrite(Conn& c, bool on) {
    epoll_event ev{};
    ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
    ev.data.u32 = static_cast<std::uint32_t>(c.index);
    return epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev) == 0;
  }

  void Flush(Conn& c) {
    if (Write(c) && c.written == c.out.size()) WantWrite(c, false);
  }

  // Reads what has arrived; 2 while the answer is not complete, else the judge's
  // outcome, or -1 when the connection failed.
  int Receive(Conn& c, std::string& serial) {
    char chunk[16384];
    for (;;) {
      const ssize_t n = recv(c.fd, chunk, sizeof chunk, 0);
      if (n > 0) {
        c.in.append(chunk, static_cast<std::size_t>(n));
        if (static_cast<std::size_t>(n) < sizeof chunk) break;
      } else if (n == 0) {
        return -1;
      } else if (errno == EINTR) {
        continue;
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        break;
      } else {
        return -1;
      }
    }
    auto head = http::ParseResponseHead(c.in);
    if (!head.ok()) return -1;
    if (!head->has_value()) return 2;
    // The server frames every answer by its length; anything else is a failure here.
    const http::ResponseHead& h = **head;
    if (!h.length || h.chunked) return -1;
    if (c.in.size() < h.size + *h.length) return 2;
    const int outcome = judge_(h.status, std::string_view(c.in).substr(h.size, *h.length), serial);
    c.in.erase(0, h.size + *h.length);
    return outcome;
  }

  unsigned short port_;
  Build build_;
  Judge judge_;
  int ep_ = -1;
};

EpollLoad NoOp(unsigned short port) {
  const std::string request = http::FormatRequest("GET", "127.0.0.1", port, "/api/v1/health");
  return EpollLoad(
      port, [request](int) { return request; },
      [](int status, std::string_view, std::string&) { return status == 200 ? 1 : 0; });
}

// Signed, encrypted WorkerAttendance.Add requests, each with a nonce of its own, as
// HTTP bytes. `Prepare(n)` builds the next n ahead, before a timed run, as wrk sends a
// request list prepared beforehand: signing and encrypting one here costs about 20 µs
// of the cores the server shares, which a real device spends on its own hardware.
// Each prepared request is still used once; when they run out, requests are built as
// they are sent.
class AttendanceRequests {
 public:
  AttendanceRequests(unsigned short port, const standard::Profile* profile, const standard::KeyCodec* codec,
                     const Key& key, const bench::Workforce* workforce, const Clock* clock)
      : port_(port), profile_(profile), codec_(codec), key_(key), workforce_(workforce), clock_(clock) {
    // Nonces as 64 devices would draw them: each its own random prefix and counter, so
    // that they spread over the nonce index as the devices' do, not one run of numbers.
    for (int d = 0; d < kDevices; ++d)
      prefixes_.push_back("d" + std::to_string(d) + "-" + crypto::RandomToken(6) + "-");
  }

  std::string Next() {
    if (next_ < prepared_.size()) return std::move(prepared_[next_++]);
    return Build();
  }

  void Prepare(std::size_t n) {
    prepared_.erase(prepared_.begin(), prepared_.begin() + static_cast<std::ptrdiff_t>(next_));
    next_ = 0;
    prepared_.reserve(prepared_.size() + n);
    for (std::size_t k = 0; k < n; ++k) prepared_.push_back(Build());
  }

  std::size_t Unused() const { return prepared_.size() - next_; }

 private:
  std::string Build() {
    json data = bench::AttendanceData(*workforce_, key_.project_code, counter_);
    const auto form = standard::BuildRequest(
        *profile_, *codec_, key_.app_id, "WorkerAttendance.Add", std::move(data), clock_->Now(),
        prefixes_[static_cast<std::size_t>(counter_ % kDevices)] + std::to_string(counter_ / kDevices));
    ++counter_;
    return http::FormatRequest("POST", "127.0.0.1", port_, key_.target, "application/x-www-form-urlencoded",
                               standard::EncodeForm(form));
  }

  unsigned short port_;
  const standard::Profile* profile_;
  const standard::KeyCodec* codec_;
  const Key& key_;
  const bench::Workforce* workforce_;
  const Clock* clock_;
  static constexpr int kDevices = 64;
  std::vector<std::string> prefixes_;
  long long counter_ = 0;
  std::vector<std::string> prepared_;
  std::size_t next_ = 0;
};

EpollLoad Attendance(unsigned short port, AttendanceRequests* requests) {
  return EpollLoad(
      port, [requests](int) { return requests->Next(); },
      [](int, std::string_view body, std::string& serial) {
        const json a = json::parse(body, nullptr, false);
        if (a.is_object() && a.value("code", "") == "0") {
          serial = a["data"].value("requestSerialCode", "");
          return 1;
        }
        // Every request is valid, so any other answer is news: the first one is shown.
        static bool shown = false;
        if (!shown)
          std::fprintf(stderr, "first answer other than accepted: %.*s\n", static_cast<int>(body.size()), body.data());
        shown = true;
        return 0;
      });
}

void Print(const std::string& kind, const std::string& what, const LoadResult& r, int connections) {
  std::printf("| %s | %s | %d | %.0f | %.2f | %.2f | %.2f | %lld / %lld / %lld |\n", kind.c_str(), what.c_str(),
              connections, r.Rps(), r.P(0.50), r.P(0.99), r.P(0.999), r.accepted, r.other, r.failures);
  std::fflush(stdout);
}

int Run(const std::string& kind, int seconds, int connections, bool prepare) {
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

  AttendanceRequests prepared(server.port, profile, &codec, key, &workforce, &clock);
  EpollLoad attendance = Attendance(server.port, &prepared);
  const auto duration = std::chrono::seconds(seconds);
  // Warm up, then measure the no-op endpoint and the pipeline back to back.
  attendance.Run(connections, std::chrono::seconds(2));
  LoadResult noop = NoOp(server.port).Run(connections, duration);
  Print(kind, "no-op GET /api/v1/health", noop, connections);
  // More than the pipeline can take in the run (the profile's timestamp skew, 10 minutes
  // on gd-v1.3, leaves them valid): the load generator then only sends and reads.
  const std::size_t to_prepare = prepare ? static_cast<std::size_t>(seconds) * kPreparedPerSecond : 0;
  const auto prepare_start = Steady::now();
  prepared.Prepare(to_prepare);
  const double prepare_s = std::chrono::duration<double>(Steady::now() - prepare_start).count();
  const double server_before = CpuSeconds(server.pid), self_before = CpuSeconds(getpid());
  LoadResult pipeline = attendance.Run(connections, duration);
  const double server_cpu = CpuSeconds(server.pid) - server_before, self_cpu = CpuSeconds(getpid()) - self_before;
  Print(kind, "WorkerAttendance.Add, full pipeline", pipeline, connections);
  std::printf("| %s | pipeline / no-op | | %.0f%% | | | | |\n", kind.c_str(), 100.0 * pipeline.Rps() / noop.Rps());
  // Both share the machine's cores: what one spends per request, the other cannot.
  const double requests = static_cast<double>(std::max(pipeline.requests, 1LL));
  std::printf("| %s | CPU per pipeline request | | server: %.0f µs | load generator: %.0f µs | | | |\n", kind.c_str(),
              1e6 * server_cpu / requests, 1e6 * self_cpu / requests);
  std::printf("| %s | requests signed before the run | | %zu in %.1f s | %s | | | |\n", kind.c_str(), to_prepare,
              prepare_s, prepared.Unused() > 0 ? "every one sent was prepared" : "the rest signed as sent");

  // kill -9 under load: every answer "accepted" must have its evidence.
  std::atomic<bool> stop{false};
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    kill(server.pid, SIGKILL);
    stop = true;
  });
  LoadResult crash = attendance.Run(connections, std::chrono::seconds(30), &stop);
  killer.join();
  waitpid(server.pid, nullptr, 0);
  std::set<std::string> answered(crash.serials.begin(), crash.serials.end());
  long long found = 0;
  (void)tp->db().Read<Ok>([&](soci::session& sql) -> Result<Ok> {
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT serial FROM sandbox_evidence WHERE serial <> ''");
    for (const soci::row& r : rows) found += answered.count(storage::GetText(r, 0));
    return Ok{};
  });
  std::printf(
      "| %s | kill -9 under load | %d | answered accepted before the kill: %zu | in the evidence: "
      "%lld | "
      "missing: %lld | | |\n",
      kind.c_str(), connections, answered.size(), found, static_cast<long long>(answered.size()) - found);
  // What the reviewer's pages cost once the key holds all of that evidence: the checklist
  // and the report are judged live from every row of the key (in-process, the same
  // service calls as GET /applications/{id}/conformance and report.json).
  long long rows = 0;
  (void)tp->db().Read<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "SELECT COUNT(*) FROM sandbox_evidence", soci::into(rows);
    return Ok{};
  });
  auto timed = [](auto&& call) {
    const auto start = Steady::now();
    const bool ok = call().ok();
    return ok ? std::chrono::duration<double, std::milli>(Steady::now() - start).count() : -1.0;
  };
  const double conformance =
      timed([&] { return tp->platform().sandbox.Conformance(key.reviewer, key.application_id); });
  // Asked again with no row added: the checklist judged above (services::sandbox::ChecklistCache).
  const double again = timed([&] { return tp->platform().sandbox.Conformance(key.reviewer, key.application_id); });
  const double report = timed([&] { return tp->platform().sandbox.Report(key.reviewer, key.application_id); });
  // The evidence log's first page (50 rows and the count of all), and the refusals only.
  services::EvidenceQuery page;
  const double evidence =
      timed([&] { return tp->platform().sandbox.Evidence(key.reviewer, key.application_id, page); });
  page.outcome = "refused";
  const double refused = timed([&] { return tp->platform().sandbox.Evidence(key.reviewer, key.application_id, page); });
  std::printf(
      "| %s | judged live over %lld evidence rows | | conformance %.0f ms | again %.1f ms | report.json %.1f ms | "
      "|\n",
      kind.c_str(), rows, conformance, again, report);
  std::printf("| %s | evidence log over %lld rows | | first page %.1f ms | refusals only %.1f ms | | | |\n",
              kind.c_str(), rows, evidence, refused);
  std::filesystem::remove_all(dir);
  return static_cast<long long>(answered.size()) == found ? 0 : 1;
}

}  // namespace
}  // namespace liantiao

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: sandbox_bench sqlite|postgresql [seconds] [connections] "
                 "[prepared|as-sent]\n");
    return 2;
  }
  const std::string mode = argc > 4 ? argv[4] : "prepared";
  if (mode != "prepared" && mode != "as-sent") {
    std::fprintf(stderr, "sandbox_bench: the fourth argument is prepared or as-sent\n");
    return 2;
  }
  return liantiao::Run(argv[1], argc > 2 ? std::atoi(argv[2]) : 10, argc > 3 ? std::atoi(argv[3]) : 64,
                       mode == "prepared");
}
