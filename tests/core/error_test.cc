#include "core/error.h"

#include <set>

#include <gtest/gtest.h>

namespace liantiao {
namespace {

TEST(ErrorCatalogue, CodeWordsAreUniqueAndMessagesChinese) {
  std::set<std::string_view> words;
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    auto code = static_cast<ErrorCode>(i);
    EXPECT_TRUE(words.insert(CodeWordOf(code)).second) << CodeWordOf(code);
    std::string_view msg = DefaultMessageOf(code);
    // Every default message has at least one non-ASCII (Chinese) byte.
    bool non_ascii = false;
    for (unsigned char c : msg) non_ascii |= c >= 0x80;
    EXPECT_TRUE(non_ascii) << CodeWordOf(code);
  }
}

TEST(ErrorCatalogue, MakeErrorUsesDefaultMessage) {
  Error e = MakeError(ErrorCode::kInvalidTransition);
  EXPECT_EQ(e.CodeWord(), "invalid_transition");
  EXPECT_EQ(e.Category(), ErrorCategory::kConflict);
  EXPECT_EQ(e.message, "当前状态不允许此操作");
  Error f = MakeError(ErrorCode::kNotFound, "申请不存在", {{"id", 3}});
  EXPECT_EQ(f.message, "申请不存在");
  EXPECT_EQ(f.details["id"], 3);
}

TEST(ErrorCatalogue, ReportRenderFailedIsInternal) {
  Error e = MakeError(ErrorCode::kReportRenderFailed);
  EXPECT_EQ(e.CodeWord(), "report_render_failed");
  EXPECT_EQ(e.Category(), ErrorCategory::kInternal);
  EXPECT_EQ(e.message, "联调测试报告生成失败");
}

}  // namespace
}  // namespace liantiao
