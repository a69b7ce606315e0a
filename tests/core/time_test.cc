#include "core/time.h"

#include <gtest/gtest.h>

namespace liantiao {
namespace {

using namespace std::chrono;

TEST(Time, FormatsInShanghai) {
  auto t = ParseInstant("2026-10-10T15:59:59Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatInstant(*t), "2026-10-10T23:59:59+08:00");
}

TEST(Time, ParsesOffsetsAndFractions) {
  auto a = ParseInstant("2026-10-10T23:59:59+08:00");
  auto b = ParseInstant("2026-10-10T15:59:59.123Z");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto c = ParseInstant("2026-10-10");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(FormatInstant(*c), "2026-10-10T00:00:00+08:00");
}

TEST(Time, APeriodEndingOnADateIncludesThatDay) {
  auto day = ParsePeriodEnd("2026-09-30");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(FormatInstant(*day), "2026-10-01T00:00:00+08:00");
  auto year_end = ParsePeriodEnd("2026-12-31");
  ASSERT_TRUE(year_end.ok());
  EXPECT_EQ(FormatInstant(*year_end), "2027-01-01T00:00:00+08:00");
  auto exact = ParsePeriodEnd("2026-09-30T12:00:00+08:00");  // a time is taken as given
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(FormatInstant(*exact), "2026-09-30T12:00:00+08:00");
  EXPECT_FALSE(ParsePeriodEnd("2026-09-31").ok());
}

TEST(Time, RejectsGarbage) {
  for (const char* s : {"", "2026-13-01", "2026-02-30T00:00:00Z", "2026-10-10T25:00:00Z", "2026-10-10T10:00:00",
                        "2026-10-10T10:00:00+8", "yesterday"}) {
    auto r = ParseInstant(s);
    EXPECT_FALSE(r.ok()) << s;
    if (!r.ok()) {
      EXPECT_EQ(r.error().CodeWord(), "invalid_field");
    }
  }
}

TEST(Time, DayBoundariesAreShanghai) {
  CivilDay d = 2026y / October / 10d;
  EXPECT_EQ(FormatInstant(StartOfDay(d)), "2026-10-10T00:00:00+08:00");
  EXPECT_EQ(FormatInstant(EndOfDay(d)), "2026-10-10T23:59:59+08:00");
  EXPECT_EQ(ShanghaiDay(EndOfDay(d)), d);
  EXPECT_EQ(ShanghaiDay(EndOfDay(d) + seconds{1}), AddDays(d, 1));
  EXPECT_TRUE(IsWeekend(d));
  EXPECT_FALSE(IsWeekend(AddDays(d, 2)));
}

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock{FromUnix(1000)};
  EXPECT_EQ(ToUnix(clock.Now()), 1000);
  clock.Advance(seconds{5});
  EXPECT_EQ(ToUnix(clock.Now()), 1005);
  clock.Set(FromUnix(7));
  EXPECT_EQ(ToUnix(clock.Now()), 7);
}

}  // namespace
}  // namespace liantiao
