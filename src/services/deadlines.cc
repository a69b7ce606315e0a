#include "services/deadlines.h"

#include "services/alert_service.h"
#include "storage/row.h"

namespace liantiao::services {

using storage::GetInt;
using storage::GetOptInt;
using storage::GetText;

long long StartDeadline(soci::session& sql, const domain::WorkCalendar& calendar, domain::DeadlineKind kind,
                        long long application_id, std::optional<long long> complaint_id, const std::string& city_code,
                        int working_days, Instant now) {
  const domain::DeadlineDue due = domain::ComputeDeadline(now, working_days, calendar);
  std::string kind_word{domain::ToString(kind)};
  storage::OptionalInt complaint(complaint_id);
  long long started = ToUnix(now), due_at = ToUnix(due.due_at);
  int provisional = due.provisional ? 1 : 0;
  long long id = 0;
  sql << "INSERT INTO deadlines (application_id, complaint_id, city_code, kind, working_days, "
         "started_at, due_at, provisional) VALUES (:a, :c, :city, :k, :n, :s, :d, :p) RETURNING id",
      soci::use(application_id), soci::use(complaint.value, complaint.ind), soci::use(city_code), soci::use(kind_word),
      soci::use(working_days), soci::use(started), soci::use(due_at), soci::use(provisional), soci::into(id);
  return id;
}

Status CloseDeadlines(soci::session& sql, long long application_id, const std::vector<domain::DeadlineKind>& kinds,
                      Instant now, std::string_view closed_by, std::optional<long long> complaint_id) {
  long long done = ToUnix(now);
  const std::string by(closed_by);
  for (domain::DeadlineKind kind : kinds) {
    std::string word{domain::ToString(kind)};
    if (complaint_id) {
      sql << "UPDATE deadlines SET done_at = :n, closed_by = :b WHERE application_id = :a AND kind = :k "
             "AND complaint_id = :c AND done_at IS NULL",
          soci::use(done), soci::use(by), soci::use(application_id), soci::use(word), soci::use(*complaint_id);
    } else {
      sql << "UPDATE deadlines SET done_at = :n, closed_by = :b WHERE application_id = :a AND kind = :k "
             "AND done_at IS NULL",
          soci::use(done), soci::use(by), soci::use(application_id), soci::use(word);
    }
  }
  return RaiseAlertsClosedLate(sql, application_id, now);
}

std::optional<OpenDeadline> FindOpenDeadline(soci::session& sql, long long application_id, domain::DeadlineKind kind,
                                             std::optional<long long> complaint_id) {
  // Two statements rather than ":c IS NULL OR …": PostgreSQL cannot type a parameter
  // that is only compared with NULL.
  std::string word{domain::ToString(kind)};
  long long cid = complaint_id.value_or(0);
  std::string q = "SELECT id, due_at FROM deadlines WHERE application_id = :a AND kind = :k AND done_at IS NULL";
  q += complaint_id ? " AND complaint_id = :c ORDER BY id DESC" : " ORDER BY id DESC";
  soci::rowset<soci::row> rows = complaint_id
                                     ? (sql.prepare << q, soci::use(application_id), soci::use(word), soci::use(cid))
                                     : (sql.prepare << q, soci::use(application_id), soci::use(word));
  for (const soci::row& r : rows) return OpenDeadline{GetInt(r, 0), FromUnix(GetInt(r, 1))};
  return std::nullopt;
}

json DeadlineJson(const soci::row& r, std::size_t c, Instant now, const domain::WorkCalendar& calendar) {
  const Instant due = FromUnix(GetInt(r, c + 2));
  const auto done = GetOptInt(r, c + 3);
  // A done deadline is judged at the moment it was done.
  const Instant judged_at = done ? FromUnix(*done) : now;
  const bool overdue = domain::IsOverdue(due, judged_at);
  json j = {{"kind", GetText(r, c)},
            {"started_at", FormatInstant(FromUnix(GetInt(r, c + 1)))},
            {"due_at", FormatInstant(due)},
            {"done_at", done ? json(FormatInstant(FromUnix(*done))) : json(nullptr)},
            {"overdue", overdue},
            {"overdue_working_days", domain::OverdueWorkingDays(due, judged_at, calendar)},
            {"provisional", GetInt(r, c + 4) != 0},
            {"working_days", GetInt(r, c + 5)}};
  // What ended it: a decision, or a withdrawal, a new key or the application's end,
  // which end a deadline without its step being done.
  const auto closed_by = storage::GetOptText(r, c + 6);
  j["closed_by"] = closed_by ? json(*closed_by) : json(nullptr);
  if (!done && !overdue) {
    j["working_days_left"] = domain::WorkingDaysBetween(ShanghaiDay(now), ShanghaiDay(due), calendar);
  }
  return j;
}

json DeadlinesJson(soci::session& sql, long long application_id, Instant now, const domain::WorkCalendar& calendar,
                   std::optional<long long> complaint_id) {
  json out = json::array();
  long long cid = complaint_id.value_or(0);
  std::string q =
      std::string("SELECT ") + kDeadlineColumns + ", d.complaint_id FROM deadlines d WHERE d.application_id = :a";
  q += complaint_id ? " AND d.complaint_id = :c ORDER BY d.id" : " ORDER BY d.id";
  soci::rowset<soci::row> rows = complaint_id ? (sql.prepare << q, soci::use(application_id), soci::use(cid))
                                              : (sql.prepare << q, soci::use(application_id));
  for (const soci::row& r : rows) {
    json j = DeadlineJson(r, 0, now, calendar);
    auto c = GetOptInt(r, 7);
    j["complaint_id"] = c ? json(*c) : json(nullptr);
    out.push_back(std::move(j));
  }
  return out;
}

long long RecomputeDeadlines(soci::session& sql, const domain::WorkCalendar& calendar) {
  struct Row {
    long long id, started, due, application_id;
    int days, provisional;
    std::string kind;
    bool open;
  };
  std::vector<Row> due_rows;
  // A closed deadline still provisional was counted on a guess of the calendar: its due
  // date (which the statistics' on-time count reads) is made the official one's too.
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, started_at, working_days, due_at, provisional, application_id, kind, "
                      "CASE WHEN done_at IS NULL THEN 1 ELSE 0 END FROM deadlines "
                      "WHERE done_at IS NULL OR provisional = 1");
  for (const soci::row& r : rows) {
    due_rows.push_back({GetInt(r, 0), GetInt(r, 1), GetInt(r, 3), GetInt(r, 5), static_cast<int>(GetInt(r, 2)),
                        static_cast<int>(GetInt(r, 4)), GetText(r, 6), GetInt(r, 7) != 0});
  }
  long long changed = 0;
  for (const Row& row : due_rows) {
    auto due = domain::ComputeDeadline(FromUnix(row.started), row.days, calendar);
    long long due_at = ToUnix(due.due_at);
    int provisional = due.provisional ? 1 : 0;
    if (due_at == row.due && provisional == row.provisional) continue;
    // A deadline that moves later may not have been alerted rightly; one already
    // alerted keeps its alert (the alert records the due date it was raised for).
    sql << "UPDATE deadlines SET due_at = :d, provisional = :p WHERE id = :id", soci::use(due_at),
        soci::use(provisional), soci::use(row.id);
    // The test key lives as long as the joint-test window plus its grace: it moves with
    // the window, or a key could expire while the window is still open.
    if (row.open && row.kind == "joint_test" && due_at != row.due) {
      const long long shift = due_at - row.due;
      sql << "UPDATE test_keys SET expires_at = expires_at + :s WHERE application_id = :a AND revoked_at IS NULL",
          soci::use(shift), soci::use(row.application_id);
    }
    ++changed;
  }
  return changed;
}

}  // namespace liantiao::services
