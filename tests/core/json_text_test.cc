#include "core/json_text.h"

#include <string>

#include <gtest/gtest.h>

namespace liantiao {
namespace {

std::string Nested(int levels, const std::string& open, const std::string& inner, const std::string& close) {
  std::string text;
  for (int i = 0; i < levels; ++i) text += open;
  text += inner;
  for (int i = 0; i < levels; ++i) text += close;
  return text;
}

TEST(JsonText, CountsNestingOutsideStrings) {
  EXPECT_EQ(JsonNestingDepth("1"), 0);
  EXPECT_EQ(JsonNestingDepth(R"({"a": [1, {"b": []}]})"), 4);
  EXPECT_EQ(JsonNestingDepth(R"({"a": "[[[{{{"})"), 1);
  EXPECT_EQ(JsonNestingDepth(R"({"a": "\"[[[", "b": [1]})"), 2);  // an escaped quote stays in the string
  EXPECT_EQ(JsonNestingDepth(R"([[]], [[[]]])"), 3);
}

TEST(JsonText, ParsesUpToTheBoundAndDiscardsBeyond) {
  const std::string at_bound = Nested(kMaxJsonDepth, "[", "1", "]");
  EXPECT_FALSE(ParseJsonBounded(at_bound).is_discarded());
  const std::string beyond = Nested(kMaxJsonDepth + 1, "[", "1", "]");
  EXPECT_TRUE(ParseJsonBounded(beyond).is_discarded());
  EXPECT_FALSE(ParseJsonBounded(beyond, kMaxJsonDepth + 1).is_discarded());
  EXPECT_TRUE(ParseJsonBounded("{nope").is_discarded());
  EXPECT_EQ(ParseJsonBounded(R"({"a": "[[["})")["a"], "[[[");
}

TEST(JsonText, AMegabyteOfBracketsIsDiscardedWithoutRecursing) {
  // Parsed unbounded and then copied, this value would recurse 300,000 levels deep.
  EXPECT_TRUE(ParseJsonBounded(Nested(300000, R"({"a":)", "1", "}")).is_discarded());
}

}  // namespace
}  // namespace liantiao
