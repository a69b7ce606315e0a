#include "http/report_pdfs.h"

#include <pthread.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "crypto/crypto.h"
#include "report/report_pdf.h"
#include "services/sandbox_service.h"

namespace liantiao::http {

namespace {

// How long a client told server_busy is asked to wait: about what the renders already
// waiting take.
constexpr long long kRetryAfterSeconds = 5;

Error Busy() { return MakeError(ErrorCode::kServerBusy, "", {{"retry_after_seconds", kRetryAfterSeconds}}); }

}  // namespace

ReportPdfs::ReportPdfs(Options options, RenderFn render)
    : options_(options),
      render_(render ? std::move(render) : RenderFn([](const nlohmann::json& report, const std::string& digest) {
        return report::RenderReportPdf(report, digest);
      })),
      kept_(options.cached) {
  for (std::size_t i = 0; i < std::max<std::size_t>(options_.threads, 1); ++i) {
    threads_.emplace_back([this] { Work(); });
  }
}

ReportPdfs::~ReportPdfs() {
  std::deque<Job> waiting;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    waiting.swap(queue_);
  }
  queued_.notify_all();
  for (Job& job : waiting) job.done(Busy());
  for (std::thread& t : threads_) t.join();
}

std::string ReportPdfs::KeyOf(const nlohmann::json& report, const std::string& content_digest) {
  // The report as a decision keeps it (one text for equal content), without the one
  // field that changes with every request to a live report.
  nlohmann::json content = report;
  if (content.is_object()) content.erase("generated_at");
  return crypto::Sha256Hex(services::KeptReportText(content) + '\n' + content_digest);
}

void ReportPdfs::Render(nlohmann::json report, std::string content_digest, Done done) {
  std::string key = KeyOf(report, content_digest);
  std::unique_lock lock(mu_);
  if (const std::string* pdf = kept_.Find(key)) {
    std::string copy = *pdf;
    lock.unlock();
    done(std::move(copy));
    return;
  }
  if (stopping_ || queue_.size() >= options_.queue) {
    lock.unlock();
    done(Busy());
    return;
  }
  queue_.push_back({std::move(key), std::move(report), std::move(content_digest), std::move(done)});
  lock.unlock();
  queued_.notify_one();
}

void ReportPdfs::Work() {
  pthread_setname_np(pthread_self(), "report-pdf");  // shown by top -H and perf
  std::unique_lock lock(mu_);
  for (;;) {
    queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;  // the destructor answers what still waits
    Job job = std::move(queue_.front());
    queue_.pop_front();
    // Asked for twice before the first render ended: the second one waited for nothing.
    if (const std::string* pdf = kept_.Find(job.key)) {
      std::string copy = *pdf;
      lock.unlock();
      job.done(std::move(copy));
      lock.lock();
      continue;
    }
    lock.unlock();
    Result<std::string> pdf = MakeError(ErrorCode::kReportRenderFailed);
    try {
      pdf = render_(job.report, job.digest);
    } catch (const std::exception& e) {
      spdlog::error("rendering a report PDF failed: {}", e.what());
    }
    if (pdf.ok()) {
      std::lock_guard keep(mu_);
      kept_.Keep(job.key, *pdf);
    }
    job.done(std::move(pdf));
    lock.lock();
  }
}

}  // namespace liantiao::http
