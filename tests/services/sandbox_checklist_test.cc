#include "services/sandbox_checklist.h"

#include <gtest/gtest.h>

namespace liantiao::services::sandbox {
namespace {

Checklist Of(long long requests) {
  Checklist c;
  c.requests = requests;
  return c;
}

TEST(ChecklistCacheTest, KeepsTheMostRecentlyUsedUpToItsCapacity) {
  ChecklistCache cache(2);
  EXPECT_FALSE(cache.Find("a").has_value());
  cache.Keep("a", Of(1));
  cache.Keep("b", Of(2));
  ASSERT_TRUE(cache.Find("a").has_value());  // now the most recently used
  cache.Keep("c", Of(3));                    // b leaves, not a
  EXPECT_FALSE(cache.Find("b").has_value());
  EXPECT_EQ(cache.Find("a")->requests, 1);
  EXPECT_EQ(cache.Find("c")->requests, 3);
}

TEST(ChecklistCacheTest, AStampKeptAgainHoldsTheNewChecklistOnce) {
  ChecklistCache cache(2);
  cache.Keep("a", Of(1));
  cache.Keep("a", Of(5));
  cache.Keep("b", Of(2));
  EXPECT_EQ(cache.Find("a")->requests, 5);
  EXPECT_EQ(cache.Find("b")->requests, 2);
}

TEST(ChecklistCacheTest, NoCapacityKeepsNothing) {
  ChecklistCache cache(0);
  cache.Keep("a", Of(1));
  EXPECT_FALSE(cache.Find("a").has_value());
}

}  // namespace
}  // namespace liantiao::services::sandbox
