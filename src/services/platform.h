#pragma once

#include "services/alert_service.h"
#include "services/application_service.h"
#include "services/auth_service.h"
#include "services/calendar_service.h"
#include "services/complaint_service.h"
#include "services/deps.h"
#include "services/notifications.h"
#include "services/probe_service.h"
#include "services/sandbox_service.h"
#include "services/stats_service.h"

namespace liantiao::services {

// Every use case, over one set of dependencies. Built once in app/.
struct Platform {
  explicit Platform(Deps& d)
      : deps(d),
        auth(d),
        calendar(d),
        applications(d),
        complaints(d),
        alerts(d),
        notifications(d),
        stats(d),
        sandbox(d),
        probes(d) {}

  // Reference data after the first start: the 21 cities and the shipped calendar.
  Status Seed();
  Result<json> Cities();
  Status SetCityProfile(const Principal& p, const std::string& code, const std::string& profile,
                        const std::string& test_env, std::optional<int> complaint_days);
  // One deadline sweep, scheduled or on demand (POST /test/sweep): it first reloads the
  // calendar, since another process (`liantiao calendar import`, a second server) may
  // have loaded a year, then raises the alerts due at `now`, then deletes the sandbox
  // nonces no window reaches. A failed reload or purge is logged and does not
  // stop the sweep: alerts depend on neither.
  Result<SweepResult> Sweep(Instant now);
  // Readiness (GET /ready): the database answers a read of its migration record, which
  // is never empty once migrated. kDatabaseError when it does not.
  Status CheckDatabase();

  Deps& deps;
  AuthService auth;
  CalendarService calendar;
  ApplicationService applications;
  ComplaintService complaints;
  AlertService alerts;
  NotificationService notifications;
  StatsService stats;
  SandboxService sandbox;
  ProbeService probes;
};

}  // namespace liantiao::services
