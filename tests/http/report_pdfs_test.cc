#include "http/report_pdfs.h"

#include <atomic>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace liantiao::http {
namespace {

using nlohmann::json;

json ReportOf(const std::string& evidence_digest, const std::string& generated_at = "2026-12-01T10:00:00+08:00") {
  return {{"title", "联调测试报告"},
          {"application", {{"id", 7}}},
          {"evidence_digest", evidence_digest},
          {"generated_at", generated_at}};
}

// A render that names what it rendered, and counts how often it was asked.
struct CountingRender {
  std::atomic<int> calls{0};
  ReportPdfs::RenderFn fn() {
    return [this](const json& report, const std::string& digest) -> Result<std::string> {
      ++calls;
      return "%PDF " + report.value("evidence_digest", "") + " " + digest;
    };
  }
};

// What one Render call answered, once it has (the answer may come from another thread).
struct Answer {
  std::promise<Result<std::string>> promise;
  std::future<Result<std::string>> future = promise.get_future();
  ReportPdfs::Done done() {
    return [this](Result<std::string> r) { promise.set_value(std::move(r)); };
  }
  Result<std::string> get() { return future.get(); }
  bool ready() { return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }
};

TEST(ReportPdfsTest, TheSameReportAskedAgainIsAnsweredWithoutRenderingAgain) {
  CountingRender render;
  ReportPdfs pdfs({.threads = 1, .queue = 4, .cached = 8}, render.fn());
  Answer first, again, later, other;
  pdfs.Render(ReportOf("sha256:a"), "", first.done());
  EXPECT_EQ(first.get().value(), "%PDF sha256:a ");
  pdfs.Render(ReportOf("sha256:a"), "", again.done());
  ASSERT_TRUE(again.ready());  // answered on the caller's thread, from memory
  EXPECT_EQ(again.get().value(), "%PDF sha256:a ");
  // A live report is built anew for each request: only its generated_at differs.
  pdfs.Render(ReportOf("sha256:a", "2026-12-01T10:05:00+08:00"), "", later.done());
  ASSERT_TRUE(later.ready());
  EXPECT_EQ(render.calls, 1);
  // New evidence is another report.
  pdfs.Render(ReportOf("sha256:b"), "", other.done());
  EXPECT_EQ(other.get().value(), "%PDF sha256:b ");
  EXPECT_EQ(render.calls, 2);
}

TEST(ReportPdfsTest, TheKeptReportsDigestIsPartOfWhatIsKept) {
  EXPECT_NE(ReportPdfs::KeyOf(ReportOf("sha256:a"), ""), ReportPdfs::KeyOf(ReportOf("sha256:a"), "sha256:kept"));
  EXPECT_EQ(ReportPdfs::KeyOf(ReportOf("sha256:a", "x"), "d"), ReportPdfs::KeyOf(ReportOf("sha256:a", "y"), "d"));
  EXPECT_NE(ReportPdfs::KeyOf(ReportOf("sha256:a"), "d"), ReportPdfs::KeyOf(ReportOf("sha256:b"), "d"));
}

TEST(ReportPdfsTest, OnlyTheMostRecentlyUsedAreKept) {
  CountingRender render;
  ReportPdfs pdfs({.threads = 1, .queue = 4, .cached = 2}, render.fn());
  auto ask = [&](const std::string& digest) {
    Answer a;
    pdfs.Render(ReportOf(digest), "", a.done());
    return a.get().value();
  };
  ask("a");
  ask("b");
  ask("a");  // kept; now the most recently used
  ask("c");  // pushes out b, not a
  EXPECT_EQ(render.calls, 3);
  ask("a");
  EXPECT_EQ(render.calls, 3);
  ask("b");
  EXPECT_EQ(render.calls, 4);
}

// A render that waits until the test lets it end, so that the queue can be filled.
struct HeldRender {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  std::atomic<int> calls{0};
  ReportPdfs::RenderFn fn() {
    return [this](const json& report, const std::string&) -> Result<std::string> {
      if (calls++ == 0) {
        started.set_value();
        released.wait();
      }
      return "%PDF " + report.value("evidence_digest", "");
    };
  }
};

TEST(ReportPdfsTest, BeyondTheQueueTheAnswerIsBusyAtOnceAndNothingWaitsOnTheCaller) {
  HeldRender render;
  auto started = render.started.get_future();
  std::optional<ReportPdfs> pdfs;
  pdfs.emplace(ReportPdfs::Options{.threads = 1, .queue = 1, .cached = 8}, render.fn());
  Answer rendering, waiting, refused;
  pdfs->Render(ReportOf("a"), "", rendering.done());
  started.wait();  // the render thread holds "a"
  pdfs->Render(ReportOf("b"), "", waiting.done());
  pdfs->Render(ReportOf("c"), "", refused.done());
  ASSERT_TRUE(refused.ready());
  auto busy = refused.get();
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, ErrorCode::kServerBusy);
  EXPECT_EQ(busy.error().details["retry_after_seconds"], 5);
  EXPECT_FALSE(rendering.ready());
  EXPECT_FALSE(waiting.ready());
  render.release.set_value();
  EXPECT_EQ(rendering.get().value(), "%PDF a");
  EXPECT_EQ(waiting.get().value(), "%PDF b");
  EXPECT_EQ(render.calls, 2);
}

TEST(ReportPdfsTest, StoppingAnswersWhatStillWaitsAndFinishesTheRenderUnderWay) {
  HeldRender render;
  auto started = render.started.get_future();
  std::optional<ReportPdfs> pdfs;
  pdfs.emplace(ReportPdfs::Options{.threads = 1, .queue = 2, .cached = 8}, render.fn());
  Answer rendering, waiting;
  pdfs->Render(ReportOf("a"), "", rendering.done());
  started.wait();
  pdfs->Render(ReportOf("b"), "", waiting.done());
  std::jthread stop([&] { pdfs.reset(); });
  auto refused = waiting.get();  // answered by the destructor while "a" still renders
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kServerBusy);
  render.release.set_value();
  EXPECT_EQ(rendering.get().value(), "%PDF a");
  stop.join();
  EXPECT_EQ(render.calls, 1);
}

TEST(ReportPdfsTest, AFailedRenderIsAnsweredAndNotKept) {
  std::atomic<int> calls{0};
  ReportPdfs pdfs({.threads = 1, .queue = 4, .cached = 8}, [&](const json&, const std::string&) -> Result<std::string> {
    if (calls++ == 0) return MakeError(ErrorCode::kReportRenderFailed);
    throw std::runtime_error("font missing");
  });
  Answer first, second;
  pdfs.Render(ReportOf("a"), "", first.done());
  auto failed = first.get();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kReportRenderFailed);
  pdfs.Render(ReportOf("a"), "", second.done());  // rendered again, and a throw is an error too
  auto thrown = second.get();
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().code, ErrorCode::kReportRenderFailed);
  EXPECT_EQ(calls, 2);
}

TEST(ReportPdfsTest, TheSameReportQueuedTwiceIsRenderedOnce) {
  HeldRender render;
  auto started = render.started.get_future();
  ReportPdfs pdfs({.threads = 1, .queue = 4, .cached = 8}, render.fn());
  Answer holding, first, second;
  pdfs.Render(ReportOf("a"), "", holding.done());
  started.wait();
  pdfs.Render(ReportOf("b"), "", first.done());
  pdfs.Render(ReportOf("b"), "", second.done());
  render.release.set_value();
  EXPECT_EQ(first.get().value(), "%PDF b");
  EXPECT_EQ(second.get().value(), "%PDF b");
  EXPECT_EQ(render.calls, 2);  // "a" and "b" once
}

}  // namespace
}  // namespace liantiao::http
