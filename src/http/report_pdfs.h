#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/recent.h"
#include "core/result.h"
#include "http/work_pool.h"

namespace liantiao::http {

// The joint-test report's PDF (GET /applications/{id}/report.pdf), rendered off the HTTP
// threads. A render takes about half a second of a core: cairo loads the CJK font's
// whole outline table for every document it embeds a subset of. On the HTTP threads, a
// few people downloading at once, or one client asking in a loop, would hold every thread
// the sandbox and the rest of the API answer on. So the renders run on `threads` of their
// own (a WorkPool), one report at a time each; at most `queue` more wait for them, and a request beyond
// that is answered server_busy (503 with Retry-After) at once.
//
// The last `cached` PDFs are kept, by their report's content without its generated_at
// (and the kept report's digest the PDF prints): the same report asked for again, by the
// vendor and then by the reviewer, or downloaded twice, is answered from memory. A live
// report whose evidence, cases or state moved is another report, and is rendered again.
// A PDF served from memory says when it was generated, which is when it was rendered.
class ReportPdfs {
 public:
  struct Options {
    std::size_t threads = 1;
    std::size_t queue = 4;
    std::size_t cached = 8;
  };
  // What renders (report::RenderReportPdf unless given: tests count and hold renders).
  using RenderFn = std::function<Result<std::string>(const nlohmann::json& report, const std::string& digest)>;
  using Done = std::function<void(Result<std::string>)>;

  explicit ReportPdfs(Options options, RenderFn render = nullptr);
  // Answers what still waits server_busy, lets the renders under way finish, then stops.
  ~ReportPdfs();
  ReportPdfs(const ReportPdfs&) = delete;
  ReportPdfs& operator=(const ReportPdfs&) = delete;

  // Calls `done` once: on the caller's thread when the PDF is kept or the queue is full,
  // otherwise on a render thread.
  void Render(nlohmann::json report, std::string content_digest, Done done);

  // The key a report's PDF is kept by (tests compare two reports by it).
  static std::string KeyOf(const nlohmann::json& report, const std::string& content_digest);

 private:
  // The PDF kept under `key`, copied; nullopt when none is.
  std::optional<std::string> Kept(const std::string& key);
  void RenderNow(const std::string& key, const nlohmann::json& report, const std::string& digest, const Done& done);

  const RenderFn render_;
  std::mutex mu_;
  RecentlyUsed<std::string> kept_;  // PDFs by KeyOf; under mu_
  WorkPool pool_;                   // last: its threads run RenderNow on the rest
};

}  // namespace liantiao::http
