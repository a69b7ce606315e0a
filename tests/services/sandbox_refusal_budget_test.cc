#include "services/sandbox_refusal_budget.h"

#include <gtest/gtest.h>

namespace liantiao::services::sandbox {
namespace {

using Verdict = UnsignedRefusalBudget::Verdict;
constexpr long long kNoon = 1'800'000'000 / 3600 * 3600 + 12 * 3600;

TEST(UnsignedRefusalBudgetTest, AKeyIsRecordedUpToItsNumberAnHourTheLastTagged) {
  UnsignedRefusalBudget budget(3);
  EXPECT_EQ(budget.Take(7, kNoon), Verdict::kRecord);
  EXPECT_EQ(budget.Take(7, kNoon + 1), Verdict::kRecord);
  EXPECT_EQ(budget.Take(7, kNoon + 2), Verdict::kRecordLast);
  EXPECT_EQ(budget.Take(7, kNoon + 3), Verdict::kSkip);
  EXPECT_EQ(budget.Take(7, kNoon + 3599), Verdict::kSkip);
  EXPECT_EQ(budget.Skipped(7, kNoon), 2);
  // Another key has a number of its own.
  EXPECT_EQ(budget.Take(8, kNoon + 10), Verdict::kRecord);
  EXPECT_EQ(budget.Skipped(8, kNoon), 0);
  // The next clock hour starts again.
  EXPECT_EQ(budget.Take(7, kNoon + 3600), Verdict::kRecord);
  EXPECT_EQ(budget.Skipped(7, kNoon + 3600), 0);
}

TEST(UnsignedRefusalBudgetTest, ANumberOfNoneRecordsNone) {
  UnsignedRefusalBudget none(0);
  EXPECT_EQ(none.Take(1, kNoon), Verdict::kSkip);
  UnsignedRefusalBudget one(1);
  EXPECT_EQ(one.Take(1, kNoon), Verdict::kRecordLast);
  EXPECT_EQ(one.Take(1, kNoon), Verdict::kSkip);
}

TEST(UnsignedRefusalBudgetTest, ItsMemoryIsBoundedKeysOfPastHoursGoFirst) {
  UnsignedRefusalBudget budget(2);
  const auto n = static_cast<long long>(UnsignedRefusalBudget::kMaxKeys);
  for (long long key = 1; key < n; ++key) budget.Take(key, kNoon - 3600);
  EXPECT_EQ(budget.Take(n, kNoon), Verdict::kRecord);
  EXPECT_EQ(budget.Take(n, kNoon), Verdict::kRecordLast);
  EXPECT_EQ(budget.size(), UnsignedRefusalBudget::kMaxKeys);
  // Full: the past hour's keys are dropped, this hour's kept with their count.
  EXPECT_EQ(budget.Take(n + 1, kNoon), Verdict::kRecord);
  EXPECT_EQ(budget.size(), 2u);
  EXPECT_EQ(budget.Take(n, kNoon), Verdict::kSkip);
  // Full of this hour's keys: it starts over rather than grow.
  for (long long key = n + 2; budget.size() < UnsignedRefusalBudget::kMaxKeys; ++key) budget.Take(key, kNoon);
  EXPECT_EQ(budget.Take(-1, kNoon), Verdict::kRecord);
  EXPECT_EQ(budget.size(), 1u);
}

}  // namespace
}  // namespace liantiao::services::sandbox
