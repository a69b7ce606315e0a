#include "http/report_pdfs.h"

#include <memory>

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
    : render_(render ? std::move(render) : RenderFn([](const nlohmann::json& report, const std::string& digest) {
        return report::RenderReportPdf(report, digest);
      })),
      kept_(options.cached),
      pool_("report-pdf", options.threads, options.queue) {}

ReportPdfs::~ReportPdfs() = default;

std::string ReportPdfs::KeyOf(const nlohmann::json& report, const std::string& content_digest) {
  // The report as a decision keeps it (one text for equal content), without the one
  // field that changes with every request to a live report.
  nlohmann::json content = report;
  if (content.is_object()) content.erase("generated_at");
  return crypto::Sha256Hex(services::KeptReportText(content) + '\n' + content_digest);
}

std::optional<std::string> ReportPdfs::Kept(const std::string& key) {
  std::lock_guard lock(mu_);
  if (const std::string* pdf = kept_.Find(key)) return *pdf;
  return std::nullopt;
}

void ReportPdfs::Render(nlohmann::json report, std::string content_digest, Done done) {
  std::string key = KeyOf(report, content_digest);
  if (auto pdf = Kept(key)) return done(std::move(*pdf));
  // `done` is shared by the render and the cancel: one of them calls it.
  auto shared_done = std::make_shared<Done>(std::move(done));
  const bool queued = pool_.Post({[this, key, report = std::move(report), digest = std::move(content_digest),
                                   shared_done] { RenderNow(key, report, digest, *shared_done); },
                                  [shared_done] { (*shared_done)(Busy()); }});
  if (!queued) (*shared_done)(Busy());
}

void ReportPdfs::RenderNow(const std::string& key, const nlohmann::json& report, const std::string& digest,
                           const Done& done) {
  // Asked for twice before the first render ended: the second one waited for nothing.
  if (auto pdf = Kept(key)) return done(std::move(*pdf));
  Result<std::string> pdf = MakeError(ErrorCode::kReportRenderFailed);
  try {
    pdf = render_(report, digest);
  } catch (const std::exception& e) {
    spdlog::error("rendering a report PDF failed: {}", e.what());
  }
  if (pdf.ok()) {
    std::lock_guard keep(mu_);
    kept_.Keep(key, *pdf);
  }
  done(std::move(pdf));
}

}  // namespace liantiao::http
