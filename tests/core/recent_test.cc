#include "core/recent.h"

#include <gtest/gtest.h>

namespace liantiao {
namespace {

TEST(RecentlyUsedTest, TheLeastRecentlyUsedLeavesFirst) {
  RecentlyUsed<int> kept(2);
  EXPECT_EQ(kept.Find("a"), nullptr);
  kept.Keep("a", 1);
  kept.Keep("b", 2);
  ASSERT_NE(kept.Find("a"), nullptr);  // now the most recently used
  kept.Keep("c", 3);                   // b leaves, not a
  EXPECT_EQ(kept.Find("b"), nullptr);
  EXPECT_EQ(*kept.Find("a"), 1);
  EXPECT_EQ(*kept.Find("c"), 3);
}

TEST(RecentlyUsedTest, KeepingAKeyAgainReplacesItsValue) {
  RecentlyUsed<int> kept(2);
  kept.Keep("a", 1);
  kept.Keep("a", 5);
  kept.Keep("b", 2);
  EXPECT_EQ(*kept.Find("a"), 5);
  EXPECT_EQ(*kept.Find("b"), 2);
}

TEST(RecentlyUsedTest, NoCapacityKeepsNothing) {
  RecentlyUsed<int> kept(0);
  kept.Keep("a", 1);
  EXPECT_EQ(kept.Find("a"), nullptr);
}

}  // namespace
}  // namespace liantiao
