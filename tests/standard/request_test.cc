#include "standard/request.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace liantiao::standard {
namespace {

TEST(ParseTimestamp, ReadsTheShippedPatternsInBeijingTime) {
  const auto at = ParseInstant("2026-12-01T12:34:56+08:00");
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(ParseTimestamp("20261201123456", "%Y%m%d%H%M%S"), *at);
  EXPECT_EQ(ParseTimestamp("2026-12-01 12:34:56", "%Y-%m-%d %H:%M:%S"), *at);
  EXPECT_EQ(FormatTimestamp(*at, "%Y%m%d%H%M%S"), "20261201123456");
  EXPECT_EQ(ParseTimestamp(FormatTimestamp(*at, "%Y-%m-%d %H:%M:%S"), "%Y-%m-%d %H:%M:%S"), *at);
}

TEST(ParseTimestamp, RefusesWhatIsNotADateAndTime) {
  for (const char* bad : {"", "2026120112345x", "202612011234567", "20261301123456", "20260230123456", "20261201243456",
                          "20261201126056", "2026-12-01 12:34:56"}) {
    EXPECT_EQ(ParseTimestamp(bad, "%Y%m%d%H%M%S"), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseTimestamp("2026-12-01T12:34:56", "%Y-%m-%d %H:%M:%S"), std::nullopt);
  // A text that ends early is not read as if the rest were zero.
  EXPECT_EQ(ParseTimestamp("2026-12-01 12:34", "%Y-%m-%d %H:%M:%S"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2026-12-01 12:3", "%Y-%m-%d %H:%M:%S"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("202612011234", "%Y%m%d%H%M%S"), std::nullopt);
  EXPECT_EQ(ParseTimestampWithGetTime("202612011234", "%Y%m%d%H%M%S"), std::nullopt);
  // What std::get_time takes besides: one digit, a space before a day or at the start.
  const auto at = ParseInstant("2026-01-05T08:00:00+08:00");
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(ParseTimestamp("2026-1-5 8:0:0", "%Y-%m-%d %H:%M:%S"), *at);
  EXPECT_EQ(ParseTimestamp(" 2026-01- 5  08:00:00", "%Y-%m-%d %H:%M:%S"), *at);
}

// On the wire the timestamp is the profile's pattern exactly: what std::get_time would
// also take (a field cut short, second 60, spaces) is refused.
TEST(ParseWireTimestamp, TakesThePatternExactly) {
  const auto at = ParseInstant("2026-12-05T07:46:01+08:00");
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(ParseWireTimestamp("20261205074601", "%Y%m%d%H%M%S"), *at);
  EXPECT_EQ(ParseWireTimestamp("2026-12-05 07:46:01", "%Y-%m-%d %H:%M:%S"), *at);
  for (const char* loose : {"2026120507461", "20261205074660", " 20261205074601"}) {
    EXPECT_TRUE(ParseTimestamp(loose, "%Y%m%d%H%M%S").has_value()) << loose << ": std::get_time takes it";
    EXPECT_EQ(ParseWireTimestamp(loose, "%Y%m%d%H%M%S"), std::nullopt) << loose;
  }
  EXPECT_EQ(ParseWireTimestamp("2026-12-5 7:46:01", "%Y-%m-%d %H:%M:%S"), std::nullopt);
  EXPECT_EQ(ParseWireTimestamp("2026-12-05  07:46:01", "%Y-%m-%d %H:%M:%S"), std::nullopt);
  // A pattern with another directive is read by std::get_time and must be written back.
  EXPECT_EQ(ParseWireTimestamp("20261205074601%", "%Y%m%d%H%M%S%%"), *at);
  EXPECT_EQ(ParseWireTimestamp("2026120507461%", "%Y%m%d%H%M%S%%"), std::nullopt);
  // Whatever FormatTimestamp writes is read back.
  for (const char* format : {"%Y%m%d%H%M%S", "%Y-%m-%d %H:%M:%S", "%Y%m%d%H%M%S%%"}) {
    EXPECT_EQ(ParseWireTimestamp(FormatTimestamp(*at, format), format), *at) << format;
  }
}

// Every text one edit away from a valid timestamp (a character deleted, replaced or
// added), and many two edits away, is read as std::get_time reads it, for both patterns.
TEST(ParseTimestamp, ReadsAsStdGetTimeDoes) {
  const std::string alphabet = "0123456789-: T\ta";
  int compared = 0, accepted = 0;
  for (const auto& [base, format] :
       std::vector<std::pair<std::string, std::string>>{{"20261201123456", "%Y%m%d%H%M%S"},
                                                        {"20240229235960", "%Y%m%d%H%M%S"},
                                                        {"2026-12-01 12:34:56", "%Y-%m-%d %H:%M:%S"},
                                                        {"2026-01-05 08:00:00", "%Y-%m-%d %H:%M:%S"}}) {
    std::set<std::string> texts{base};
    // Two edits: each pair of positions given a digit of the other timestamps.
    for (std::size_t i = 0; i < base.size(); ++i) {
      for (std::size_t j = i + 1; j < base.size(); ++j) {
        std::string t = base;
        t[i] = alphabet[(i * 7 + j) % 10];
        t[j] = alphabet[(i + j * 3) % alphabet.size()];
        texts.insert(t);
      }
    }
    for (std::size_t i = 0; i <= base.size(); ++i) {
      if (i < base.size()) texts.insert(base.substr(0, i) + base.substr(i + 1));
      for (char c : alphabet) {
        if (i < base.size()) texts.insert(base.substr(0, i) + c + base.substr(i + 1));
        texts.insert(base.substr(0, i) + c + base.substr(i));
      }
    }
    for (const std::string& text : texts) {
      const auto expected = ParseTimestampWithGetTime(text, format);
      EXPECT_EQ(ParseTimestamp(text, format), expected) << text << " with " << format;
      // The exact reading takes of these what is written back unchanged, and only that
      // (of a four-digit year: strftime writes one before 1000 without its zeros).
      const bool four_digit_year =
          text.size() >= 4 && text[0] >= '1' && text[0] <= '9' &&
          std::all_of(text.begin(), text.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
      const auto written_back =
          expected && four_digit_year && FormatTimestamp(*expected, format) == text ? expected : std::nullopt;
      EXPECT_EQ(ParseWireTimestamp(text, format), written_back) << text << " with " << format << " (exact)";
      ++compared;
      accepted += expected.has_value();
    }
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(accepted, 50);  // the comparison covers accepted texts, not only refusals
}

TEST(ParseTimestamp, OtherDirectivesAreReadByStdGetTime) {
  const auto at = ParseInstant("2026-12-01T12:34:56+08:00");
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(ParseTimestamp("2026-12-01 12:34:56", "%Y-%m-%d %T"), *at);
  EXPECT_EQ(ParseTimestamp("2026-12-01 12:34", "%Y-%m-%d %T"), std::nullopt);
}

}  // namespace
}  // namespace liantiao::standard
