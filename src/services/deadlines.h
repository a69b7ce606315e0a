#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <soci/soci.h>

#include "services/deps.h"

namespace liantiao::services {

// Starts a deadline of `working_days` from `now` and returns its id.
long long StartDeadline(soci::session& sql, const domain::WorkCalendar& calendar, domain::DeadlineKind kind,
                        long long application_id, std::optional<long long> complaint_id, const std::string& city_code,
                        int working_days, Instant now);

// Marks the open deadlines of these kinds done (for a complaint's, pass its id).
// `closed_by` is the action that ended them (an AppAction's or ComplaintAction's word):
// the statistics tell a decided review from a withdrawn submission by it. One closed
// after its due time that no sweep had alerted yet gets its alert now.
Status CloseDeadlines(soci::session& sql, long long application_id, const std::vector<domain::DeadlineKind>& kinds,
                      Instant now, std::string_view closed_by, std::optional<long long> complaint_id = std::nullopt);

// The open deadline of a kind, if any.
struct OpenDeadline {
  long long id;
  Instant due_at;
};
std::optional<OpenDeadline> FindOpenDeadline(soci::session& sql, long long application_id, domain::DeadlineKind kind,
                                             std::optional<long long> complaint_id = std::nullopt);

// Deadline objects of api.md for an application (and its complaints when asked).
json DeadlinesJson(soci::session& sql, long long application_id, Instant now, const domain::WorkCalendar& calendar,
                   std::optional<long long> complaint_id = std::nullopt);
json DeadlineJson(const soci::row& row, std::size_t first_column, Instant now, const domain::WorkCalendar& calendar);
// The columns DeadlineJson reads, in order, for SELECTs that embed it.
inline constexpr const char* kDeadlineColumns =
    "d.kind, d.started_at, d.due_at, d.done_at, d.provisional, d.working_days, d.closed_by";

// Recomputes every open deadline from its start and length (after a calendar change),
// and every closed one still provisional; a joint-test window's open key moves with it.
// What was recorded when a deadline closed (a decision's `late`, an alert) stands.
// Returns how many changed.
long long RecomputeDeadlines(soci::session& sql, const domain::WorkCalendar& calendar);

}  // namespace liantiao::services
