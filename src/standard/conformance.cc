#include "standard/conformance.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_set>

namespace liantiao::standard {

namespace {

// A case names at most this many requests per condition, and as the reasons of its
// failure (CaseResult::reason_count says how many there are in all): enough to act on,
// the rest being in the evidence log.
constexpr std::size_t kMaxEvidencePerCondition = 5;

bool Matches(const Condition& c, const RequestFacts& r) {
  // A write answered as accepted whose asynchronous result failed stored nothing: it
  // meets no `outcome: accepted` condition (it still is the accepted request it was
  // for the order of requests: `corrected`, retries).
  const bool outcome =
      c.outcome.empty() || (c.outcome == r.outcome && !(c.outcome == "accepted" && HasTag(r, "async_failed")));
  return (c.method.empty() || c.method == r.method) && outcome && (c.tag.empty() || HasTag(r, c.tag)) &&
         (c.error.empty() || c.error == r.error);
}

// A case is "touched" once any request names one of its methods (or, for cases
// that name none, once there is any traffic at all): before that it is pending. The
// asynchronous query touches only a case about nothing else: asking for the results of
// other writes says nothing of a case whose write was never sent.
std::vector<std::string> TouchingMethods(const ConformanceCase& c, const std::string& query_method) {
  std::vector<std::string> methods;
  for (const auto& cond : c.all) {
    if (!cond.method.empty() && cond.method != query_method) methods.push_back(cond.method);
  }
  if (methods.empty()) {
    for (const auto& cond : c.all) {
      if (cond.method == query_method) methods.push_back(cond.method);
    }
  }
  return methods;
}

bool Touches(const std::vector<std::string>& methods, const RequestFacts& r) {
  return methods.empty() || std::find(methods.begin(), methods.end(), r.method) != methods.end();
}

bool Touched(const ConformanceCase& c, const std::vector<RequestFacts>& requests, const std::string& query_method) {
  const std::vector<std::string> methods = TouchingMethods(c, query_method);
  return std::any_of(requests.begin(), requests.end(), [&](const RequestFacts& r) { return Touches(methods, r); });
}

}  // namespace

bool HasTag(const RequestFacts& r, std::string_view tag) {
  return std::find(r.tags.begin(), r.tags.end(), tag) != r.tags.end();
}

namespace {

void AddTag(RequestFacts& r, std::string tag) {
  if (!HasTag(r, tag)) r.tags.push_back(std::move(tag));
}

}  // namespace

void DeriveSequenceTags(std::vector<RequestFacts>& requests) {
  std::map<std::string, std::string> last_outcome;       // method → outcome of its latest request
  std::map<std::string, std::set<std::string>> faulted;  // digest → errors of the faults that refused it
  std::set<std::string> awaited;  // methods with a result answered pending and not answered since
  // Digests of every request's data: a hash set, as a key's requests run to hundreds of
  // thousands and the tree's string comparisons were most of this function's time.
  std::unordered_set<std::string> sent;  // digests of the data sent so far
  for (auto& r : requests) {
    auto tag = [&r](std::string t) { AddTag(r, std::move(t)); };
    const auto f = r.digest.empty() ? faulted.end() : faulted.find(r.digest);
    if (r.outcome == "accepted") {
      auto last = last_outcome.find(r.method);
      if (last != last_outcome.end() && last->second == "refused") tag("corrected");
      if (f != faulted.end()) {
        tag("retried_after_fault");
        for (const auto& error : f->second) tag("retried_after:" + error);
      }
    }
    if (HasTag(r, "duplicate") && !r.digest.empty() && sent.contains(r.digest)) {
      // Data sent again and found stored: the data a fault refused, once its retry was
      // stored, is a retry that duplicated it; a write of a method whose result was
      // answered pending and not answered since is the write sent again rather than its
      // result asked for again. Other repeated data is not about a fault or a delay: it
      // fails only the case about duplicates.
      if (f != faulted.end()) {
        for (const auto& error : f->second) tag("duplicate_after:" + error);
      }
      if (awaited.contains(r.method)) tag("duplicate_after:pending");
    }
    if (!r.digest.empty()) sent.insert(r.digest);
    for (const auto& t : r.tags) {
      if (t.starts_with("pending:")) awaited.insert(t.substr(8));
      if (t.starts_with("resolved:")) awaited.erase(t.substr(9));
    }
    if (r.outcome == "fault" && !r.digest.empty()) faulted[r.digest].insert(r.error);
    last_outcome[r.method] = r.outcome;
  }
  // A fault whose data no later request got accepted with was never retried.
  std::unordered_set<std::string> accepted_later;
  for (std::size_t i = requests.size(); i-- > 0;) {
    RequestFacts& r = requests[i];
    if (r.outcome == "fault" && (r.digest.empty() || !accepted_later.contains(r.digest))) AddTag(r, "not_retried");
    if (r.outcome == "accepted" && !r.digest.empty()) accepted_later.insert(r.digest);
  }
}

std::vector<CaseResult> JudgeCases(const Profile& profile, const std::vector<RequestFacts>& requests,
                                   const std::set<std::string>& scenarios) {
  // standing[i]: request i was refused, or accepted with an asynchronous result that
  // failed (it stored nothing), and no request of its method was accepted, and stored,
  // later.
  std::vector<bool> standing(requests.size(), false);
  {
    std::set<std::string> accepted_later;
    for (std::size_t i = requests.size(); i-- > 0;) {
      const RequestFacts& r = requests[i];
      const bool stored = r.outcome == "accepted" && !HasTag(r, "async_failed");
      const bool failed = r.outcome == "refused" || (r.outcome == "accepted" && !stored);
      standing[i] = failed && !accepted_later.contains(r.method);
      if (stored) accepted_later.insert(r.method);
    }
  }
  std::vector<CaseResult> out;
  for (const auto& c : profile.cases) {
    CaseResult result{&c, "pending", {}};
    if (!c.scenario.empty() && !scenarios.contains(c.scenario)) {
      out.push_back(std::move(result));
      continue;
    }
    const auto shown = [&](const Condition& cond) {
      return std::any_of(requests.begin(), requests.end(), [&](const RequestFacts& r) { return Matches(cond, r); });
    };
    if (!c.until.empty() && std::none_of(c.until.begin(), c.until.end(), shown)) {
      out.push_back(std::move(result));
      continue;
    }
    bool all_met = !c.all.empty();
    std::vector<const Condition*> unmet;
    // A case about an injected fault waits for the fault: until one refused a request,
    // there is nothing for the client to have coped with.
    const Condition* fault = nullptr;
    std::size_t fault_found = 0;
    for (const auto& cond : c.all) {
      std::size_t found = 0;
      for (const auto& r : requests) {
        if (!Matches(cond, r)) continue;
        if (found++ < kMaxEvidencePerCondition) result.evidence_ids.push_back(r.id);
      }
      all_met = all_met && found > 0;
      if (found == 0) unmet.push_back(&cond);
      if (cond.outcome == "fault" && !fault) {
        fault = &cond;
        fault_found = found;
      }
    }
    bool violated = false;
    std::vector<long long> violations;
    for (const auto& cond : c.none) {
      for (const auto& r : requests) {
        if (Matches(cond, r)) {
          violated = true;
          result.evidence_ids.push_back(r.id);
          violations.push_back(r.id);
        }
      }
    }
    std::sort(result.evidence_ids.begin(), result.evidence_ids.end());
    result.evidence_ids.erase(std::unique(result.evidence_ids.begin(), result.evidence_ids.end()),
                              result.evidence_ids.end());
    if (all_met && !violated) {
      result.status = "pass";
    } else if (violated || (fault ? fault_found > 0 : Touched(c, requests, profile.async_query_method))) {
      if (violated) {
        std::sort(violations.begin(), violations.end());
        violations.erase(std::unique(violations.begin(), violations.end()), violations.end());
        result.reasons = std::move(violations);
      } else if (fault) {
        // The faults whose data was never sent again and accepted.
        for (const auto& r : requests) {
          if (Matches(*fault, r) && HasTag(r, "not_retried")) result.reasons.push_back(r.id);
        }
      } else {
        for (std::size_t i = 0; i < requests.size(); ++i) {
          const bool named = std::any_of(unmet.begin(), unmet.end(), [&](const Condition* cond) {
            return cond->method.empty() || cond->method == requests[i].method;
          });
          if (standing[i] && named) result.reasons.push_back(requests[i].id);
        }
      }
      // Started but not finished, with nothing against it (a write whose result was not
      // asked for yet, an entry without its attendance): still pending, as the device may
      // be in the middle of the sequence. It fails on a request that explains why.
      if (!result.reasons.empty()) {
        result.status = "fail";
        result.reason_count = result.reasons.size();
        if (result.reasons.size() > kMaxEvidencePerCondition) result.reasons.resize(kMaxEvidencePerCondition);
        // A failed case cites the requests behind its failure.
        result.evidence_ids.insert(result.evidence_ids.end(), result.reasons.begin(), result.reasons.end());
        std::sort(result.evidence_ids.begin(), result.evidence_ids.end());
        result.evidence_ids.erase(std::unique(result.evidence_ids.begin(), result.evidence_ids.end()),
                                  result.evidence_ids.end());
      }
    }
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace liantiao::standard
