#pragma once

#include "services/deps.h"

namespace liantiao::services {

// Cities with their own test environment (`cities.test_env` an http URL instead of
// "sandbox"): the platform sends each application in joint testing a signed request
// with its current key (CheckSign.Query, or the async query with an empty serial) and
// records whether the city's system accepted it. The record is a `sandbox_evidence`
// row with source 'probe'; a failure (error 'probe_failed') appears among a
// complaint's key refusals.
class ProbeService {
 public:
  explicit ProbeService(Deps& deps) : deps_(deps) {}

  // Probes every current key not probed within `config.probe_interval` before `now`.
  // Reads in one short transaction, then calls the cities without holding any, then
  // writes each result in its own. Answers {probed, working, failed}.
  Result<json> ProbeDue(Instant now);

 private:
  Deps& deps_;
};

}  // namespace liantiao::services
