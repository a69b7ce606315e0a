#include "standard/conformance.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

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

const CaseResult& ResultOf(const std::vector<CaseResult>& results, std::string_view id) {
  for (const auto& r : results) {
    if (r.spec->id == id) return r;
  }
  throw std::out_of_range(std::string(id));
}

// A failed case names its first few reasons and says how many there are in all.
TEST(JudgeCases, AFailureNamesAFewReasonsAndCountsThemAll) {
  std::vector<RequestFacts> r;
  for (long long id = 1; id <= 7; ++id) r.push_back(Req(id, "Team.Add", "accepted", {"signed", "duplicate"}));
  DeriveSequenceTags(r);
  const auto results = JudgeCases(*ShippedProfiles().Find("national-1.0"), r, {});
  const CaseResult& dup = ResultOf(results, "no_duplicates");
  EXPECT_EQ(dup.status, "fail");
  EXPECT_EQ(dup.reasons, (std::vector<long long>{1, 2, 3, 4, 5}));
  EXPECT_EQ(dup.reason_count, 7u);
}

// A failed case always cites the requests behind it. One started but not finished with
// no request to blame (a result answered pending and not fetched again yet) is still in
// progress: pending, citing what met its conditions so far.
TEST(JudgeCases, AFailedCaseCitesTheRequestsBehindIt) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  std::vector<RequestFacts> refused = {Req(1, "Team.Add", "refused", {"signed"}, "-1")};
  DeriveSequenceTags(refused);
  const auto team = JudgeCases(p, refused, {});
  EXPECT_EQ(ResultOf(team, "team_add_async").status, "fail");
  EXPECT_EQ(ResultOf(team, "team_add_async").evidence_ids, (std::vector<long long>{1}));
  std::vector<RequestFacts> delayed = {
      Req(1, "Team.Add", "accepted", {"signed"}),
      Req(2, "AsyncHandleResult.Query", "accepted", {"signed", "pending", "pending:Team.Add"})};
  DeriveSequenceTags(delayed);
  const auto delay = JudgeCases(p, delayed, {"delay_async"});
  EXPECT_EQ(ResultOf(delay, "async_delay").status, "pending");
  EXPECT_TRUE(ResultOf(delay, "async_delay").reasons.empty());
  EXPECT_EQ(ResultOf(delay, "team_add_async").status, "pending") << "accepted, its result not fetched yet";
  EXPECT_EQ(ResultOf(delay, "team_add_async").evidence_ids, (std::vector<long long>{1}));
}

// Switching delayed results on fails nothing by itself: the case waits until a result
// was answered pending, then asks for it to be fetched after that.
TEST(JudgeCases, TheDelayCaseWaitsUntilAResultWasAnsweredPending) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  const std::set<std::string> on = {"delay_async"};
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "accepted", {"signed"}),
                                 Req(2, "AsyncHandleResult.Query", "accepted", {"signed", "fetched:Team.Add"})};
  EXPECT_EQ(StatusOf(JudgeCases(p, r, on), "async_delay"), "pending") << "earlier traffic, no delayed result yet";
  r.push_back(Req(3, "AsyncHandleResult.Query", "accepted", {"signed", "pending", "pending:Team.Add"}));
  EXPECT_EQ(StatusOf(JudgeCases(p, r, on), "async_delay"), "pending") << "answered pending, not fetched since yet";
  r.push_back(Req(4, "AsyncHandleResult.Query", "accepted", {"signed", "fetched:Team.Add", "fetched_after_pending"}));
  EXPECT_EQ(StatusOf(JudgeCases(p, r, on), "async_delay"), "pass");
}

// Writing the data again while its result is pending is the duplicate the delay case
// is about: the client must keep asking for the result instead.
TEST(JudgeCases, TheDelayCaseFailsAClientThatWritesAgainWhileItsResultIsPending) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  const std::set<std::string> on = {"delay_async"};
  std::vector<RequestFacts> r = {
      Req(1, "Team.Add", "accepted", {"signed"}, "", "t"),
      Req(2, "AsyncHandleResult.Query", "accepted", {"signed", "pending", "pending:Team.Add"}),
      Req(3, "Team.Add", "accepted", {"signed", "duplicate", "async_failed"}, "", "t"),
      Req(4, "AsyncHandleResult.Query", "accepted", {"signed", "fetched:Team.Add", "fetched_after_pending"})};
  DeriveSequenceTags(r);
  EXPECT_TRUE(HasTag(r[2], "duplicate_after:pending"));
  const auto results = JudgeCases(p, r, on);
  const CaseResult& delay = ResultOf(results, "async_delay");
  EXPECT_EQ(delay.status, "fail");
  EXPECT_EQ(delay.reasons, (std::vector<long long>{3}));
  // A duplicate before any result was answered pending is not this case's concern.
  std::vector<RequestFacts> before = {
      Req(1, "Team.Add", "accepted", {"signed"}, "", "t"),
      Req(2, "Team.Add", "accepted", {"signed", "duplicate", "async_failed"}, "", "t"),
      Req(3, "AsyncHandleResult.Query", "accepted", {"signed", "pending", "pending:Team.Add"}),
      Req(4, "AsyncHandleResult.Query", "accepted", {"signed", "fetched:Team.Add", "fetched_after_pending"})};
  DeriveSequenceTags(before);
  EXPECT_EQ(StatusOf(JudgeCases(p, before, on), "async_delay"), "pass");
}

// A write whose asynchronous result failed (a duplicate found in processing) stored
// nothing: it passes no case as an accepted request.
TEST(JudgeCases, AWriteWhoseResultFailedIsNoAcceptedRequest) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  std::vector<RequestFacts> r = {Req(1, "WorkerContract.Add", "accepted", {"signed", "duplicate", "async_failed"})};
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {}), "contract"), "fail");
  r.push_back(Req(2, "WorkerContract.Add", "accepted", {"signed"}));
  const auto results = JudgeCases(p, r, {});
  const CaseResult& contract = ResultOf(results, "contract");
  EXPECT_EQ(contract.status, "pass");
  EXPECT_EQ(contract.evidence_ids, (std::vector<long long>{2}));
}

// Asking for the results of other writes touches no case of a write never sent.
TEST(JudgeCases, TheAsyncQueryAloneLeavesAnotherWritesCasePending) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "accepted", {"signed"}),
                                 Req(2, "AsyncHandleResult.Query", "accepted", {"signed", "fetched:Team.Add"})};
  const auto results = JudgeCases(p, r, {});
  EXPECT_EQ(StatusOf(results, "team_add_async"), "pass");
  EXPECT_EQ(StatusOf(results, "worker_add"), "pending");
  EXPECT_EQ(StatusOf(results, "payroll"), "pending");
  r.push_back(Req(3, "Payroll.Add", "refused", {"signed"}, "not_registered"));
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {}), "payroll"), "fail");
}

// A client that was never refused has nothing to correct.
TEST(JudgeCases, CorrectedWaitsForARefusal) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "accepted", {"signed"})};
  DeriveSequenceTags(r);
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {}), "corrected"), "pending");
  r.push_back(Req(2, "Team.Add", "refused", {"signed"}, "required"));
  DeriveSequenceTags(r);
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {}), "corrected"), "fail");
  r.push_back(Req(3, "Team.Add", "accepted", {"signed"}));
  DeriveSequenceTags(r);
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {}), "corrected"), "pass");
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

TEST(DeriveSequenceTags, ARetryIsTaggedWithTheFaultItFollowed) {
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "fault", {}, "rate_limited", "d1"),
                                 Req(2, "Team.Add", "accepted", {}, "", "d1"),
                                 Req(3, "Team.Add", "fault", {}, "server_error", "d3")};
  DeriveSequenceTags(r);
  EXPECT_TRUE(HasTag(r[1], "retried_after:rate_limited"));
  EXPECT_FALSE(HasTag(r[1], "retried_after:server_error")) << "a retry after -5 is no retry after 9999";
  EXPECT_FALSE(HasTag(r[0], "not_retried"));
  EXPECT_TRUE(HasTag(r[2], "not_retried"));
}

TEST(DeriveSequenceTags, OnlyDuplicatesAfterAFaultCountAgainstItsRetry) {
  std::vector<RequestFacts> r = {
      Req(1, "Team.Add", "accepted", {"duplicate"}, "", "d0"), Req(2, "Team.Add", "fault", {}, "rate_limited", "d1"),
      Req(3, "Team.Add", "accepted", {}, "", "d1"), Req(4, "Team.Add", "accepted", {"duplicate"}, "", "d1")};
  DeriveSequenceTags(r);
  EXPECT_FALSE(HasTag(r[0], "duplicate_after:rate_limited"));
  EXPECT_TRUE(HasTag(r[3], "duplicate_after:rate_limited"));
  EXPECT_FALSE(HasTag(r[3], "duplicate_after:server_error"));
}

// Only the faulted data sent again counts against the retry: other data repeated after
// the fault (another method's, sent twice) is a duplicate, not a retry that duplicated.
TEST(DeriveSequenceTags, OtherDataRepeatedAfterAFaultIsNoDuplicatedRetry) {
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "fault", {}, "rate_limited", "t"),
                                 Req(2, "Team.Add", "accepted", {}, "", "t"),
                                 Req(3, "ProjectWorker.Add", "accepted", {}, "", "w"),
                                 Req(4, "ProjectWorker.Add", "accepted", {"duplicate"}, "", "w")};
  DeriveSequenceTags(r);
  EXPECT_TRUE(HasTag(r[1], "retried_after:rate_limited"));
  EXPECT_FALSE(HasTag(r[3], "duplicate_after:rate_limited"));
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {"rate_limit_once"}), "retry_rate_limit"), "pass");
}

// The write sent again once its result was answered, after the delay, is no longer the
// write resent instead of its result asked for: it fails the duplicates case only.
TEST(DeriveSequenceTags, AWriteResentAfterItsResultWasAnsweredIsNoResendWhilePending) {
  std::vector<RequestFacts> r = {
      Req(1, "Team.Add", "accepted", {"signed"}, "", "t"),
      Req(2, "AsyncHandleResult.Query", "accepted", {"signed", "pending", "pending:Team.Add"}),
      Req(3, "AsyncHandleResult.Query", "accepted",
          {"signed", "fetched:Team.Add", "fetched_after_pending", "resolved:Team.Add"}),
      Req(4, "Team.Add", "accepted", {"signed", "duplicate", "async_failed"}, "", "t")};
  DeriveSequenceTags(r);
  EXPECT_FALSE(HasTag(r[3], "duplicate_after:pending"));
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {"delay_async"}), "async_delay"), "pass");
  // Sent again while pending, it is.
  std::vector<RequestFacts> during = {
      Req(1, "Team.Add", "accepted", {"signed"}, "", "t"),
      Req(2, "AsyncHandleResult.Query", "accepted", {"signed", "pending", "pending:Team.Add"}),
      Req(3, "Team.Add", "accepted", {"signed", "duplicate", "async_failed"}, "", "t")};
  DeriveSequenceTags(during);
  EXPECT_TRUE(HasTag(during[2], "duplicate_after:pending"));
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
  auto judged = [&p](std::vector<RequestFacts> r, const std::set<std::string>& scenarios) {
    DeriveSequenceTags(r);
    return JudgeCases(p, r, scenarios);
  };
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "fault", {}, "rate_limited", "d"),
                                 Req(2, "Team.Add", "accepted", {}, "", "d")};
  EXPECT_EQ(StatusOf(judged(r, {}), "retry_rate_limit"), "pending");
  EXPECT_EQ(StatusOf(judged(r, {"rate_limit_once"}), "retry_rate_limit"), "pass");
  // A server error is not the -5 the case is about: until a -5 refused something, the
  // case waits for it.
  r[0].error = "server_error";
  EXPECT_EQ(StatusOf(judged(r, {"rate_limit_once"}), "retry_rate_limit"), "pending");
  r[0].error = "rate_limited";
  r.push_back(Req(3, "Team.Add", "accepted", {"duplicate"}, "", "d"));
  EXPECT_EQ(StatusOf(judged(r, {"rate_limit_once"}), "retry_rate_limit"), "fail");
}

TEST(JudgeCases, ARetryCountsOnlyForTheFaultItFollowed) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  // A -5 retried, then a 9999 never retried.
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "fault", {}, "rate_limited", "a"),
                                 Req(2, "Team.Add", "accepted", {}, "", "a"),
                                 Req(3, "Team.Add", "fault", {}, "server_error", "b"),
                                 Req(4, "Payroll.Add", "refused", {"signed"}, "worker_registered", "c")};
  DeriveSequenceTags(r);
  const auto results = JudgeCases(p, r, {"rate_limit_once", "server_error_once"});
  EXPECT_EQ(ResultOf(results, "retry_rate_limit").status, "pass");
  EXPECT_EQ(ResultOf(results, "retry_server_error").status, "fail");
  EXPECT_EQ(ResultOf(results, "retry_server_error").reasons, (std::vector<long long>{3}))
      << "explained by the fault never retried, not by another method's refusal";
}

TEST(JudgeCases, ARetryCaseWaitsForItsFaultAndIgnoresEarlierDuplicates) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  // Switched on for the application, but no fault has fired on this key yet.
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "accepted", {"signed"}, "", "a"),
                                 Req(2, "Team.Add", "accepted", {"signed", "duplicate"}, "", "a")};
  DeriveSequenceTags(r);
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {"rate_limit_once"}), "retry_rate_limit"), "pending");
  // The fault fires and is retried with the same data: the duplicate before it is no
  // failure of the retry.
  r.push_back(Req(3, "Team.Add", "fault", {}, "rate_limited", "b"));
  r.push_back(Req(4, "Team.Add", "accepted", {}, "", "b"));
  DeriveSequenceTags(r);
  EXPECT_EQ(StatusOf(JudgeCases(p, r, {"rate_limit_once"}), "retry_rate_limit"), "pass");
}

// A duplicate in a new request (rows already stored, or one row twice) is no retry: it
// fails the case about duplicates, not the retry cases a fault asked for, nor the delay
// case. Sending the same data again after the fault or a pending result does.
TEST(JudgeCases, OnlyDataSentAgainIsADuplicateAfterAFaultOrAPendingResult) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  const std::set<std::string> on = {"rate_limit_once", "delay_async"};
  std::vector<RequestFacts> r = {
      Req(1, "Team.Add", "fault", {"signed"}, "rate_limited", "a"),
      Req(2, "Team.Add", "accepted", {"signed"}, "", "a"),
      Req(3, "AsyncHandleResult.Query", "accepted", {"signed", "pending", "pending:Team.Add"}),
      Req(4, "AsyncHandleResult.Query", "accepted", {"signed", "fetched:Team.Add", "fetched_after_pending"}),
      Req(5, "WorkerAttendance.Add", "accepted", {"signed", "duplicate", "async_failed"}, "", "new"),
  };
  DeriveSequenceTags(r);
  EXPECT_FALSE(HasTag(r[4], "duplicate_after:rate_limited"));
  EXPECT_FALSE(HasTag(r[4], "duplicate_after:pending"));
  auto results = JudgeCases(p, r, on);
  EXPECT_EQ(StatusOf(results, "retry_rate_limit"), "pass");
  EXPECT_EQ(StatusOf(results, "async_delay"), "pass");
  EXPECT_EQ(ResultOf(results, "no_duplicates").reasons, (std::vector<long long>{5}));
  // The retried data sent once more: a duplicate after the fault and the pending result.
  r.push_back(Req(6, "Team.Add", "accepted", {"signed", "duplicate", "async_failed"}, "", "a"));
  DeriveSequenceTags(r);
  EXPECT_TRUE(HasTag(r[5], "duplicate_after:rate_limited"));
  EXPECT_TRUE(HasTag(r[5], "duplicate_after:pending"));
  results = JudgeCases(p, r, on);
  EXPECT_EQ(StatusOf(results, "retry_rate_limit"), "fail");
  EXPECT_EQ(ResultOf(results, "retry_rate_limit").reasons, (std::vector<long long>{6}));
  EXPECT_EQ(StatusOf(results, "async_delay"), "fail");
}

TEST(JudgeCases, AFailedCaseIsExplainedByItsOwnStandingRefusalsOnly) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  std::vector<RequestFacts> r = {
      Req(1, "Team.Add", "refused", {}, "bad_signature"),                 // corrected by 3
      Req(2, "Payroll.Add", "refused", {"signed"}, "worker_registered"),  // still standing
      Req(3, "Team.Add", "accepted", {"signed"}),
      Req(4, "ProjectWorker.Add", "refused", {"signed"}, "required"),
  };
  DeriveSequenceTags(r);
  const auto results = JudgeCases(p, r, {});
  // Team.Add was accepted but its result not fetched yet: its corrected refusal is no
  // reason, and the case is still in progress.
  EXPECT_EQ(ResultOf(results, "team_add_async").status, "pending");
  EXPECT_TRUE(ResultOf(results, "team_add_async").reasons.empty());
  EXPECT_EQ(ResultOf(results, "payroll").reasons, (std::vector<long long>{2}));
  EXPECT_EQ(ResultOf(results, "worker_add").reasons, (std::vector<long long>{4}));
  // Passed cases and cases that name no method but are met have no reasons.
  EXPECT_EQ(ResultOf(results, "signature").status, "pass");
  EXPECT_TRUE(ResultOf(results, "signature").reasons.empty());
}

TEST(JudgeCases, AViolatedCaseIsExplainedByTheViolatingRequests) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  std::vector<RequestFacts> r = {Req(1, "Payroll.Add", "refused", {"signed"}, "worker_registered"),
                                 Req(2, "Team.Add", "accepted", {"signed"}),
                                 Req(3, "Team.Add", "accepted", {"signed", "duplicate"})};
  const auto results = JudgeCases(p, r, {});
  EXPECT_EQ(ResultOf(results, "no_duplicates").status, "fail");
  EXPECT_EQ(ResultOf(results, "no_duplicates").reasons, (std::vector<long long>{3}));
}

TEST(JudgeCases, ACaseNamingNoMethodIsExplainedByAnyStandingRefusal) {
  // The shipped signature case waits for an accepted request (until); without that
  // wait it names no method, and any standing refusal explains it.
  Profile p = *ShippedProfiles().Find("national-1.0");
  for (auto& c : p.cases) c.until.clear();
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "refused", {}, "bad_signature"),
                                 Req(2, "Payroll.Add", "refused", {}, "bad_signature")};
  const auto results = JudgeCases(p, r, {});
  EXPECT_EQ(ResultOf(results, "signature").status, "fail");
  EXPECT_EQ(ResultOf(results, "signature").reasons, (std::vector<long long>{1, 2}));
}

// A signed request refused for its data says nothing of the signature, nor of
// duplicates: those cases wait for an accepted request rather than fail on the
// refusals of other cases (the 联调延期 list would cite the wrong clause).
TEST(JudgeCases, RefusalsOfTheDataFailNeitherTheSignatureNorTheDuplicatesCase) {
  const Profile& p = *ShippedProfiles().Find("national-1.0");
  std::vector<RequestFacts> r = {Req(1, "Team.Add", "refused", {"signed"}, "required"),
                                 Req(2, "Payroll.Add", "refused", {"signed"}, "min_items")};
  DeriveSequenceTags(r);
  auto results = JudgeCases(p, r, {});
  EXPECT_EQ(ResultOf(results, "signature").status, "pending");
  EXPECT_EQ(ResultOf(results, "no_duplicates").status, "pending");
  EXPECT_EQ(ResultOf(results, "team_add_async").status, "fail") << "the case of the method refused";
  r.push_back(Req(3, "Team.Add", "accepted", {"signed"}));
  DeriveSequenceTags(r);
  results = JudgeCases(p, r, {});
  EXPECT_EQ(ResultOf(results, "signature").status, "pass");
  EXPECT_EQ(ResultOf(results, "no_duplicates").status, "pass");
}

}  // namespace
}  // namespace liantiao::standard
