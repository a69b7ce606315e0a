#include "standard/conformance.h"

#include <gtest/gtest.h>

#include "standard/shipped_profiles.h"

namespace liantiao::standard {
namespace {

RequestFacts Req(long long id, std::string method, std::string outcome, std::vector<std::string> tags = {},
                 std::string error = "", std::string digest = "") {
  return {id, std::move(method), std::move(outcome), std::move(tags), std::move(error), std::move(digest)};
}

std::string StatusOf(const std::vector<CaseResult>& results, std::string_view id) {
  for (const auto& r : results) {
    if (r.spec->id == id) return r.status;
  }
  return "missing";
}

TEST(DeriveSequenceTags, CorrectedFollowsARefusalOfTheSameMethod) {
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "refused"), Req(2, "Project.Query", "accepted"),
                                 Req(3, "Team.Add", "accepted"), Req(4, "Team.Add", "accepted")};
  DeriveSequenceTags(r);
  EXPECT_FALSE(HasTag(r[1], "corrected")) << "another method's refusal does not count";
  EXPECT_TRUE(HasTag(r[2], "corrected"));
  EXPECT_FALSE(HasTag(r[3], "corrected")) << "only the request right after the refusal";
}

TEST(DeriveSequenceTags, RetryNeedsTheSameDataAsTheFaultedRequest) {
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "fault", {}, "rate_limited", "d1"),
                                 Req(2, "Team.Add", "accepted", {}, "", "d2"),
                                 Req(3, "Team.Add", "accepted", {}, "", "d1")};
  DeriveSequenceTags(r);
  EXPECT_FALSE(HasTag(r[1], "retried_after_fault")) << "other data is not a retry";
  EXPECT_TRUE(HasTag(r[2], "retried_after_fault"));
}

TEST(JudgeCases, PendingUntilTouchedThenFailOrPass) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  EXPECT_EQ(StatusOf(JudgeCases(p, {}, {}), "team_add_async"), "pending");
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "refused", {"signed"}, "required")};
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {}), "team_add_async"), "fail");
  r.push_back(Req(2, "Team.Add", "accepted", {"signed"}));
  r.push_back(Req(3, "AsyncHandleResult.Query", "accepted", {"signed", "fetched:Team.Add"}));
  const auto results = JudgeCases(p, r, {});
  EXPECT_EQ(StatusOf(results, "team_add_async"), "pass");
  for (const auto& c : results) {
    if (c.spec->id == "team_add_async") {
      EXPECT_EQ(c.evidence_ids, (std::vector<long long>{2, 3}));
    }
  }
}

TEST(JudgeCases, ScenarioCasesApplyOnlyOnceSwitchedOnAndNoneConditionsFail) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "fault", {}, "rate_limited", "d"),
                                 Req(2, "Team.Add", "accepted", {"retried_after_fault"}, "", "d")};
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {}), "retry_rate_limit"), "pending");
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {"rate_limit_once"}), "retry_rate_limit"), "pass");
  // A server error is not the -5 the case is about.
  r[0].error = "server_error";
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {"rate_limit_once"}), "retry_rate_limit"), "fail");
  r[0].error = "rate_limited";
  r.push_back(Req(3, "Team.Add", "accepted", {"duplicate"}));
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {"rate_limit_once"}), "retry_rate_limit"), "fail");
}

}  // namespace
}  // namespace liantiao::standard
