#pragma once

#include <optional>
#include <string>

#include <soci/soci.h>

#include "services/deps.h"
#include "services/scope.h"

namespace liantiao::services {

struct SweepResult {
  long long raised = 0;
};

// What GET /alerts narrows the caller's alerts to; each unset one narrows nothing.
struct AlertFilter {
  std::optional<std::string> status;     // open, answered
  std::optional<std::string> city_code;  // a city's code (an unknown one matches nothing)
  std::optional<std::string> kind;       // review_overdue, joint_test_overdue, ...
};

class AlertService {
 public:
  explicit AlertService(Deps& deps) : deps_(deps) {}

  // Ordered by due time; a page of them (scope.h: PageRequest).
  Result<ListPage> List(const Principal& p, const AlertFilter& filter, PageRequest page = {});
  Result<json> Respond(const Principal& p, long long id, const std::string& feedback);
  Result<json> Urge(const Principal& p, long long id, const std::string& note);
  // Whether alert `id` exists for `p` (not_found otherwise, as Respond and Urge answer it).
  Status Locate(const Principal& p, long long id);

  // Raises one alert for every open deadline past due that has none. Idempotent:
  // the unique deadline_id of alerts makes a rerun or a second process a no-op.
  Result<SweepResult> Sweep(Instant now);

 private:
  Result<json> Act(const Principal& p, long long id, domain::AlertAction action, const std::string& text);
  Deps& deps_;
};

// An application's alerts as GET /alerts shows each (for its detail), oldest first; a
// vendor's without the province's urging note, which is for the city.
json ApplicationAlerts(soci::session& sql, long long application_id, bool for_vendor);

// The alerts a sweep would have raised for deadlines of the application that were
// closed after their due time before any sweep saw them overdue: the step was done
// late, so the deadline passed with it not done. Called where deadlines are closed.
Status RaiseAlertsClosedLate(soci::session& sql, long long application_id, Instant now);

}  // namespace liantiao::services
