#include "report/report_pdf.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace liantiao::report {
namespace {

using nlohmann::json;

constexpr const char* kDigest = "sha256:3f2a9c41d07be5a6c8e2f19b4d7a0c3e5f6b8d9e1a2c4b6d8f0e1a3c5b7d9f2e";
constexpr const char* kVendor = "广州华安智能科技有限公司";
constexpr const char* kLastCase = "考勤记录批量上传第六十四项";

json FullReport() {
  json cases = json::array();
  const char* statuses[] = {"pass", "fail", "pending"};
  for (int i = 1; i <= 64; ++i) {
    cases.push_back({{"id", "case_" + std::to_string(i)},
                     {"title", i == 64 ? std::string(kLastCase)
                                       : "班组上传受理并取得异步处理结果（第 " + std::to_string(i) + " 项）"},
                     {"required", i % 4 != 0},
                     {"status", statuses[i % 3]},
                     {"clause", "数据接口标准 Team.Add"},
                     {"evidence_ids", {100 + i, 200 + i}}});
  }
  return {
      {"title", "联调测试报告"},
      {"application",
       {{"id", 12},
        {"state", "joint_testing"},
        {"path", "first"},
        {"city_code", "440100"},
        {"city_name", "广州市"},
        {"submitted_at", "2026-11-02T10:00:00+08:00"}}},
      {"vendor", {{"name", kVendor}, {"credit_code", "91440101MA5CJQ4N59"}}},
      {"products",
       {{{"name", "人脸识别闸机"},
         {"model", "HA-F100"},
         {"kind", "attendance_terminal"},
         {"kind_name", "考勤终端"},
         {"version", "2.1"}}}},
      {"profile", {{"name", "gd-v1.3"}, {"title", "广东省建筑工人管理服务信息平台数据接口标准"}, {"version", "1.3"}}},
      {"key",
       {{"app_id", "lt4401a9f3"},
        {"issued_at", "2026-11-03T09:00:00+08:00"},
        {"expires_at", "2026-12-03T09:00:00+08:00"},
        {"revoked_at", nullptr}}},
      {"cases", cases},
      {"failures",
       {{{"case_id", "case_2"},
         {"rule", "worker_registered"},
         {"path", "[payMonth]"},
         {"clause", "数据接口标准 Payroll.Add"},
         {"message", "工资发放记录中的工人未在项目登记"},
         {"evidence_id", 130}}}},
      {"summary",
       {{"total", 64},
        {"required", 48},
        {"passed", 21},
        {"failed", 22},
        {"pending", 21},
        {"required_passed", 16},
        {"all_required_passed", false},
        {"requests", 57}}},
      {"generated_at", "2026-11-24T15:00:00+08:00"},
      {"evidence_digest", kDigest},
      {"evidence_covered", {{"rows", 57}, {"last_id", 130}}},
      {"source", {{"city_code", "440300"}, {"note", "已在深圳市通过联调"}, {"frozen_at", "2026-11-20T16:30:00+08:00"}}},
  };
}

// Writes the PDF to a temporary file and answers what `pdftotext -layout` reads from it.
// pdftotext (poppler-utils, installed by scripts/bootstrap) is required: without it the
// test fails, because a report whose text cannot be checked is not known to be right.
std::string PdfText(const std::string& pdf) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("liantiao-report-" + std::to_string(::getpid()) + "-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pdf");
  {
    std::ofstream f(path, std::ios::binary);
    f.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
  }
  const std::string command = "pdftotext -layout '" + path.string() + "' - 2>&1";
  std::string text;
  FILE* pipe = ::popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr) << "popen failed";
  if (pipe != nullptr) {
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
    const int status = ::pclose(pipe);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "pdftotext failed (install poppler-utils: scripts/bootstrap): " << text;
  }
  std::filesystem::remove(path);
  return text;
}

// pdftotext drops the narrow spaces pango sets between Chinese and digits ("第 1 页" reads
// back as "第1页"), so text is compared with ASCII spaces removed from both sides.
std::string Squeezed(std::string s) {
  std::erase(s, ' ');
  return s;
}

bool Contains(const std::string& text, const std::string& want, std::size_t from = 0) {
  return Squeezed(text).find(Squeezed(want), from) != std::string::npos;
}

TEST(RenderReportPdf, FullReportSpansPagesWithChineseText) {
  const auto pdf = RenderReportPdf(FullReport());
  ASSERT_TRUE(pdf.ok()) << pdf.error().message << " " << pdf.error().details.dump();
  ASSERT_GE(pdf->size(), 5u);
  EXPECT_EQ(pdf->substr(0, 5), "%PDF-");

  const std::string text = PdfText(*pdf);
  for (const char* want :
       {"联调测试报告", kVendor, "91440101MA5CJQ4N59", "通过", "未通过", "待测", "未通过的规则", "[payMonth]",
        "第 1 页", "第 2 页", kDigest, "广州市", "首次对接", "申请编号", "测试密钥有效期", "必测用例 16/48 通过",
        // Times and kinds as a Chinese document writes them.
        "2026年11月2日 10:00", "2026年11月3日 09:00 至 2026年12月3日 09:00", "2026年11月24日 15:00", "类型 考勤终端",
        // City B's report, kept with its decision.
        "该市记录联调结果时留存的报告（2026年11月20日 16:30）",
        // What the footer's digest covers.
        "该测试密钥的 57 条证据（至证据编号 130）"}) {
    EXPECT_TRUE(Contains(text, want)) << "missing: " << want << "\n" << text;
  }
  // Machine words stay in the JSON: no rule key, no case id.
  EXPECT_FALSE(Contains(text, "worker_registered")) << text;
  EXPECT_FALSE(Contains(text, "case_2")) << text;
  // pdftotext ends each page with a form feed: the last case is on the last page, which
  // is not the first, and every page names the same total.
  const std::string squeezed = Squeezed(text);
  ASSERT_FALSE(squeezed.empty());
  const std::string body = squeezed.back() == '\f' ? squeezed.substr(0, squeezed.size() - 1) : squeezed;
  const auto last_break = body.rfind('\f');
  ASSERT_NE(last_break, std::string::npos) << "the report fits on one page: the table did not paginate";
  EXPECT_TRUE(Contains(body, kLastCase, last_break));
  const auto pages = std::count(text.begin(), text.end(), '\f');
  const std::string of_total = "共" + std::to_string(pages) + "页";
  std::ptrdiff_t seen = 0;
  for (auto at = squeezed.find(of_total); at != std::string::npos; at = squeezed.find(of_total, at + 1)) ++seen;
  EXPECT_EQ(seen, pages) << of_total;
}

// The report a decision was taken on says so, and when.
TEST(RenderReportPdf, ADecidedReportSaysItWasKeptWithTheDecision) {
  json report = FullReport();
  EXPECT_FALSE(Contains(PdfText(RenderReportPdf(report).value()), "联调结果记录时留存的报告"));
  report["frozen_at"] = "2026-11-25T09:30:00+08:00";
  const std::string text = PdfText(RenderReportPdf(report).value());
  EXPECT_TRUE(Contains(text, "联调结果记录时留存的报告（2026年11月25日 09:30）")) << text;
  EXPECT_FALSE(Contains(text, "报告内容摘要"));
  // With the digest its decision recorded, which a reader can quote.
  const std::string digest = "sha256:" + std::string(64, 'c');
  const std::string with = PdfText(RenderReportPdf(report, digest).value());
  EXPECT_TRUE(Contains(with, "报告内容摘要")) << with;
  EXPECT_TRUE(Contains(with, std::string(64, 'c').substr(0, 32))) << with;
  report["frozen_at"] = nullptr;
  EXPECT_FALSE(Contains(PdfText(RenderReportPdf(report, digest).value()), "报告内容摘要")) << "not a kept report";
}

// A path-2 report showing the application's own joint test names city B as where it was
// connected, with city B's verdict, not as the report's source.
TEST(RenderReportPdf, APathTwoReportOfItsOwnJointTestNamesCityBsVerdictBesideIt) {
  json report = FullReport();
  report["source"] = {{"city_code", "440100"},
                      {"city_name", "广州市"},
                      {"application_id", 7},
                      {"note", "已在广州市联调成功；以下为本申请在本市的联调测试报告"},
                      {"summary", {{"required", 5}, {"required_passed", 5}}},
                      {"evidence_digest", "sha256:" + std::string(64, 'b')},
                      {"own_test", true}};
  const std::string text = PdfText(RenderReportPdf(report).value());
  EXPECT_TRUE(Contains(text, "已联调城市")) << text;
  EXPECT_FALSE(Contains(text, "报告来源城市")) << text;
  EXPECT_TRUE(Contains(text, "必测用例 5/5 通过")) << text;
  report["source"]["own_test"] = false;
  EXPECT_TRUE(Contains(PdfText(RenderReportPdf(report).value()), "报告来源城市"));
}

// A report made before its key received anything says so of its digest.
TEST(RenderReportPdf, ADigestOfNoEvidenceSaysSo) {
  json report = FullReport();
  report["evidence_covered"] = {{"rows", 0}, {"last_id", nullptr}};
  const std::string text = PdfText(RenderReportPdf(report).value());
  EXPECT_TRUE(Contains(text, "报告生成时该测试密钥尚无证据")) << text;
  report.erase("evidence_covered");
  EXPECT_FALSE(Contains(PdfText(RenderReportPdf(report).value()), "证据摘要范围")) << "reports kept before it said";
}

TEST(RenderReportPdf, TableHeaderRepeatsOnEveryPage) {
  const auto pdf = RenderReportPdf(FullReport());
  ASSERT_TRUE(pdf.ok());
  const std::string text = PdfText(*pdf);
  std::size_t start = 0;
  int page = 0;
  for (auto ff = text.find('\f'); ff != std::string::npos; ff = text.find('\f', start)) {
    const std::string p = text.substr(start, ff - start);
    ++page;
    // Pages holding case rows carry the header; the last may hold only the failures.
    if (p.find("班组上传") != std::string::npos) {
      EXPECT_NE(p.find("标准条款"), std::string::npos) << "page " << page;
      EXPECT_NE(p.find("证据编号"), std::string::npos) << "page " << page;
    }
    start = ff + 1;
  }
  EXPECT_GE(page, 2);
}

TEST(RenderReportPdf, MissingFieldsShowDash) {
  const auto pdf = RenderReportPdf(json{{"cases", {json::object()}}, {"failures", {json::object()}}});
  ASSERT_TRUE(pdf.ok()) << pdf.error().details.dump();
  const std::string text = PdfText(*pdf);
  EXPECT_TRUE(Contains(text, "联调测试报告")) << text;  // the default title
  EXPECT_TRUE(Contains(text, "企业名称 —")) << text;
  EXPECT_TRUE(Contains(text, "第 1 页 共 1 页")) << text;

  // Wrongly typed parts read as missing too.
  const auto odd = RenderReportPdf(json{{"application", "x"}, {"cases", 3}, {"summary", {1, 2}}});
  ASSERT_TRUE(odd.ok()) << odd.error().details.dump();
  EXPECT_EQ(odd->substr(0, 5), "%PDF-");
}

TEST(RenderReportPdf, NonObjectIsAnError) {
  for (const json& bad : {json(nullptr), json::array(), json("联调测试报告"), json(42)}) {
    const auto pdf = RenderReportPdf(bad);
    ASSERT_FALSE(pdf.ok()) << bad.dump();
    EXPECT_EQ(pdf.error().code, ErrorCode::kReportRenderFailed);
    EXPECT_EQ(pdf.error().Category(), ErrorCategory::kInternal);
  }
}

}  // namespace
}  // namespace liantiao::report
