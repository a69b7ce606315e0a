#include "jobs/prober.h"

#include <gtest/gtest.h>

#include "storage/row.h"
#include "testing/app/sandbox_driver.h"
#include "testing/app/test_platform.h"

namespace liantiao::jobs {
namespace {

using domain::Role;

long long ProbeRows(testing::TestPlatform& tp, long long application_id) {
  auto n = tp.db().Read<long long>([&](soci::session& sql) -> Result<long long> {
    long long count = 0;
    sql << "SELECT COUNT(*) FROM sandbox_evidence WHERE application_id = :a AND source = 'probe' "
           "AND error = 'probe_failed'",
        soci::use(application_id), soci::into(count);
    return count;
  });
  return n.ok() ? *n : -1;
}

TEST(Prober, ATickProbesTheDueKeysOnTheClockItIsGiven) {
  auto tp = testing::TestPlatform::Create("sqlite", *ParseInstant("2026-10-12T10:00:00+08:00"), false);
  ASSERT_NE(tp, nullptr);
  auto& pf = tp->platform();
  auto vendor = tp->AddVendor("probe_job_vendor");
  auto reviewer = tp->AddUser(Role::kCityReviewer, "probe_job_rev", "440100");
  auto admin = tp->AddUser(Role::kAdmin, "probe_job_admin");
  auto key = testing::StartJointTest(*tp, vendor, reviewer, "440100", "gd-v1.3");
  // Nothing listens on port 1: the city's test environment refuses connections.
  ASSERT_TRUE(pf.SetCityProfile(admin, "440100", "gd-v1.3", "http://127.0.0.1:1/open.api", std::nullopt).ok());

  Prober prober(pf, tp->clock(), std::chrono::seconds{300});
  prober.RunOnce();
  EXPECT_EQ(ProbeRows(*tp, key.application_id), 1);
  prober.RunOnce();  // within the key's probe interval: not again
  EXPECT_EQ(ProbeRows(*tp, key.application_id), 1);
  tp->clock().Advance(pf.deps.config.probe_interval);
  prober.RunOnce();
  EXPECT_EQ(ProbeRows(*tp, key.application_id), 2);
}

}  // namespace
}  // namespace liantiao::jobs
