#include "services/sandbox_checklist.h"

#include <gtest/gtest.h>

namespace liantiao::services::sandbox {
namespace {

// The cache proper is core's RecentlyUsed (tests/core/recent_test.cc): here, that a kept
// checklist comes back whole, as a copy the caller may change.
TEST(ChecklistCacheTest, AKeptChecklistComesBackAsACopy) {
  ChecklistCache cache(2);
  EXPECT_FALSE(cache.Find("a").has_value());
  Checklist c;
  c.requests = 7;
  c.chain.rows = 3;
  cache.Keep("a", c);
  auto found = cache.Find("a");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->requests, 7);
  EXPECT_EQ(found->chain.rows, 3);
  found->requests = 0;
  EXPECT_EQ(cache.Find("a")->requests, 7);
}

}  // namespace
}  // namespace liantiao::services::sandbox
