#pragma once

#include <set>
#include <string>
#include <vector>

#include "standard/profile.h"

namespace liantiao::standard {

// What the conformance suite needs to know about one recorded request.
struct RequestFacts {
  long long id = 0;
  std::string method;
  std::string outcome;  // accepted, refused, fault
  std::vector<std::string> tags;
  std::string error;   // catalogue key of the failure, if any
  std::string digest;  // of the method and decrypted data: equal digests, equal requests
};

struct CaseResult {
  const ConformanceCase* spec = nullptr;
  std::string status;  // pass, fail, pending
  std::vector<long long> evidence_ids;
  // Of a failed case, the requests that explain it: those that broke a `none`
  // condition; else, for a case about an injected fault, the faults never retried;
  // else the refusals still standing (no accepted request of the same
  // method came after them) of the methods its unmet conditions name, of any method
  // when an unmet condition names none. Oldest first, at most a few.
  std::vector<long long> reasons;
  // How many requests explain the failure in all; `reasons` holds the first few.
  std::size_t reason_count = 0;
};

// Adds the tags that follow from the order of the requests rather than from one of
// them: `corrected` (accepted after a refusal of the same method),
// `retried_after_fault` and `retried_after:<error>` (accepted with the data of a
// request that an injected fault with that error refused), `duplicate_after:<error>`
// (that data sent again once it was stored: a retry that duplicated it),
// `duplicate_after:pending` (a duplicate of a method whose result was answered pending,
// `pending:<method>`, and not answered since, `resolved:<method>`), and `not_retried`
// on a fault whose data was never accepted later.
void DeriveSequenceTags(std::vector<RequestFacts>& requests);

// Judges the profile's case catalogue against the requests of one key, oldest first.
// `scenarios` are the fault scenarios that are or were switched on for the
// application. Pure: the same requests always give the same checklist.
std::vector<CaseResult> JudgeCases(const Profile& profile, const std::vector<RequestFacts>& requests,
                                   const std::set<std::string>& scenarios);

bool HasTag(const RequestFacts& r, std::string_view tag);

}  // namespace liantiao::standard
