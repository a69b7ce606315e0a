#include "jobs/sweeper.h"

#include <gtest/gtest.h>

#include "testing/app/test_platform.h"

namespace liantiao::jobs {
namespace {

using domain::AppAction;
using domain::Role;

TEST(Sweeper, ATickRaisesWhatIsOverdueOnTheClockItIsGiven) {
  auto tp = testing::TestPlatform::Create("sqlite", *ParseInstant("2026-09-30T10:00:00+08:00"), false);
  ASSERT_NE(tp, nullptr);
  auto& pf = tp->platform();
  auto vendor = tp->AddVendor("sweep_vendor");
  auto province = tp->AddUser(Role::kProvince, "sweep_prov");
  long long product = (*pf.applications.CreateProduct(vendor, {"闸机", "G", "face_gate", "1"}))["id"];
  long long app = (*pf.applications.Create(vendor, {"440100", {product}, "first", std::nullopt, ""}))["id"];
  ASSERT_TRUE(pf.applications.UploadMaterial(vendor, app, "other", "a.pdf", "%PDF-1.4").ok());
  ASSERT_TRUE(pf.applications.Act(vendor, app, AppAction::kSubmit, {}).ok());

  Sweeper sweeper(pf, tp->clock(), std::chrono::seconds{60});
  tp->clock().Set(*ParseInstant("2026-10-10T23:59:59+08:00"));  // the due second: not yet
  sweeper.RunOnce();
  EXPECT_EQ(pf.alerts.List(province, {})->items.size(), 0u);
  tp->clock().Advance(std::chrono::seconds{1});
  sweeper.RunOnce();
  sweeper.RunOnce();  // a second tick raises nothing new
  auto alerts = pf.alerts.List(province, {});
  ASSERT_EQ(alerts->items.size(), 1u);
  EXPECT_EQ(alerts->total, 1);
  EXPECT_EQ(alerts->items[0]["kind"], "review_overdue");
}

}  // namespace
}  // namespace liantiao::jobs
