#include "standard/tokens.h"

#include <gtest/gtest.h>

namespace liantiao::standard {
namespace {

using nlohmann::json;

TEST(FillTokensTest, ReplacesTokensInsideStringsAndKeepsAWholeTokensType) {
  const std::map<std::string, json> values = {{"projectCode", "44040020260001"}, {"teamSysNo", 17}};
  const json filled = FillTokens(json::parse(R"({
      "projectCode": "${projectCode}",
      "teamSysNo": "${teamSysNo}",
      "teamName": "班组${teamSysNo}-${projectCode}",
      "list": [{"n": "${teamSysNo}"}, 3, true, null]})"),
                                 values);
  EXPECT_EQ(filled["projectCode"], "44040020260001");
  EXPECT_EQ(filled["teamSysNo"], 17);  // a number, not "17"
  EXPECT_EQ(filled["teamName"], "班组17-44040020260001");
  EXPECT_EQ(filled["list"], json::parse(R"([{"n": 17}, 3, true, null])"));
}

TEST(FillTokensTest, LeavesATokenWithoutAValueAndFirstTokenNamesIt) {
  const json filled =
      FillTokens(json::parse(R"({"a": "${today}", "b": ["x", "at ${nope} and ${nope2}"]})"), {{"today", "2026-12-07"}});
  EXPECT_EQ(filled["a"], "2026-12-07");
  EXPECT_EQ(FirstToken(filled), "${nope}");
  EXPECT_EQ(FirstToken(json::parse(R"({"a": "${unclosed"})")), "${");
  EXPECT_EQ(FirstToken(json::parse(R"({"a": "$ {x} {y}", "b": 1})")), "");
}

TEST(FillTokensTest, AValueContainingItsOwnTokenIsFilledOnce) {
  EXPECT_EQ(FillTokens(json("${a}${a}"), {{"a", "${a}"}}), "${a}${a}");
}

TEST(MonthAfterTest, RollsOverTheYearAndRefusesOtherForms) {
  EXPECT_EQ(MonthAfter("2026-11"), "2026-12");
  EXPECT_EQ(MonthAfter("2026-12"), "2027-01");
  EXPECT_EQ(MonthAfter("2026-13"), "");
  EXPECT_EQ(MonthAfter("2026-1"), "");
  EXPECT_EQ(MonthAfter("2026/12"), "");
  EXPECT_EQ(MonthAfter("20x6-12"), "");
}

}  // namespace
}  // namespace liantiao::standard
