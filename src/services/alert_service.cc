#include "services/alert_service.h"

#include <algorithm>
#include <limits>
#include <string_view>
#include <utility>

#include "services/auth_service.h"
#include "services/history.h"
#include "services/notifications.h"
#include "services/scope.h"
#include "storage/row.h"

namespace liantiao::services {

using domain::Role;
using storage::GetInt;
using storage::GetOptInt;
using storage::GetText;

namespace {

// An alert for each deadline `d` that `selection` (a WHERE clause, and a LIMIT) picks,
// raised at :now; its kind from the deadline's ("review" → "review_overdue"). ON
// CONFLICT makes a deadline another sweeper alerted first a no-op, and RETURNING tells
// which alerts this statement raised.
std::string RaiseSql(const std::string& selection) {
  return "INSERT INTO alerts (deadline_id, kind, application_id, complaint_id, city_code, due_at, raised_at, "
         "status) SELECT d.id, CASE d.kind WHEN 'complaint_verification' THEN 'complaint_overdue' "
         "ELSE d.kind || '_overdue' END, d.application_id, d.complaint_id, d.city_code, d.due_at, :now, 'open' "
         "FROM deadlines d WHERE " +
         selection +
         " ON CONFLICT (deadline_id) DO NOTHING RETURNING id, application_id, complaint_id, kind, city_code";
}

// Alerts just inserted (the RETURNING columns of RaiseSql).
struct Raised {
  long long id, application_id;
  std::optional<long long> complaint_id;
  std::string kind, city;
};

std::vector<Raised> ReadRaised(soci::rowset<soci::row>& rows) {
  std::vector<Raised> raised;
  for (const soci::row& r : rows) {
    raised.push_back({GetInt(r, 0), GetInt(r, 1), GetOptInt(r, 2), GetText(r, 3), GetText(r, 4)});
  }
  return raised;
}

// The kinds of alert (one per kind of deadline, as RaiseSql names them) and the title
// of each one's notice.
constexpr std::pair<std::string_view, const char*> kAlertKinds[] = {
    {"review_overdue", "审核逾期预警：请核实并反馈情况"},
    {"joint_test_overdue", "联调逾期预警：请核实情况"},
    {"rectification_overdue", "整改逾期预警"},
    {"complaint_overdue", "投诉核实逾期预警"},
};

const std::pair<std::string_view, const char*>* FindAlertKind(std::string_view kind) {
  for (const auto& k : kAlertKinds) {
    if (k.first == kind) return &k;
  }
  return nullptr;
}

const char* AlertTitle(const std::string& kind) {
  const auto* k = FindAlertKind(kind);
  return k ? k->second : kAlertKinds[3].second;
}

// What raising alerts writes besides the alert rows: a history entry each, the city's
// notices (and the support unit's, for a rectification), and one notice to the province.
Status RecordRaised(soci::session& sql, const std::vector<Raised>& raised, Instant now) {
  std::vector<HistoryEntry> entries;
  std::vector<std::pair<Audience, Notice>> notices;
  entries.reserve(raised.size());
  for (const Raised& a : raised) {
    entries.push_back(HistoryEntry{.entity = "alert",
                                   .entity_id = a.id,
                                   .application_id = a.application_id,
                                   .city_code = a.city,
                                   .actor = Actor::System(),
                                   .action = "raise",
                                   .before = "",
                                   .after = "open",
                                   .reason = a.kind,
                                   .at = now});
    Notice n{"alert_raised",   AlertTitle(a.kind), "申请编号 " + std::to_string(a.application_id),
             a.application_id, a.complaint_id,     a.id};
    notices.emplace_back(Audience{Role::kCityReviewer, a.city, std::nullopt}, n);
    if (a.kind == "rectification_overdue") {
      notices.emplace_back(Audience{Role::kTechSupport, a.city, std::nullopt}, n);
    }
  }
  LT_RETURN_IF_ERROR(AppendHistoryBatch(sql, entries));
  NotifyMany(sql, notices, now);
  return OkStatus();
}

void NotifyProvince(soci::session& sql, long long total, Instant now) {
  if (total <= 0) return;
  Notify(sql, Audience{Role::kProvince, std::nullopt, std::nullopt},
         Notice{"alerts_raised", "平台自动预警：新增逾期事项 " + std::to_string(total) + " 项", "", std::nullopt,
                std::nullopt, std::nullopt},
         now);
}

// An alert as the API shows it; to a vendor without the province's urging note, which
// is addressed to the city.
json AlertJson(const soci::row& r, bool for_vendor = false) {
  auto answered = GetOptInt(r, 9);
  auto urged = GetOptInt(r, 11);
  return {{"id", GetInt(r, 0)},
          {"kind", GetText(r, 1)},
          {"application_id", GetInt(r, 2)},
          {"complaint_id", GetOptInt(r, 3) ? json(*GetOptInt(r, 3)) : json(nullptr)},
          {"city_code", GetText(r, 4)},
          {"due_at", FormatInstant(FromUnix(GetInt(r, 5)))},
          {"raised_at", FormatInstant(FromUnix(GetInt(r, 6)))},
          {"status", GetText(r, 7)},
          {"feedback", GetText(r, 8)},
          {"answered_at", answered ? json(FormatInstant(FromUnix(*answered))) : json(nullptr)},
          {"urge_count", GetInt(r, 10)},
          {"last_urged_at", urged ? json(FormatInstant(FromUnix(*urged))) : json(nullptr)},
          {"urge_note", for_vendor ? "" : GetText(r, 12)},
          {"city_name", GetText(r, 13)}};
}

constexpr const char* kAlertColumns =
    "a.id, a.kind, a.application_id, a.complaint_id, a.city_code, a.due_at, a.raised_at, a.status, "
    "a.feedback, a.answered_at, a.urge_count, a.last_urged_at, a.urge_note, c.name";

}  // namespace

json ApplicationAlerts(soci::session& sql, long long application_id, bool for_vendor) {
  json out = json::array();
  soci::rowset<soci::row> rows = (sql.prepare << std::string("SELECT ") + kAlertColumns +
                                                     " FROM alerts a JOIN cities c ON c.code = a.city_code "
                                                     "WHERE a.application_id = :id ORDER BY a.id",
                                  soci::use(application_id));
  for (const soci::row& r : rows) out.push_back(AlertJson(r, for_vendor));
  return out;
}

Result<ListPage> AlertService::List(const Principal& p, const AlertFilter& filter, PageRequest page) {
  const auto& [status, city_code, kind] = filter;
  if (status && !domain::ParseAlertState(*status)) {
    return MakeError(ErrorCode::kInvalidField, "状态值无效", {{"field", "status"}});
  }
  if (kind && !FindAlertKind(*kind)) {
    return MakeError(ErrorCode::kInvalidField, "预警类型无效", {{"field", "kind"}});
  }
  const int limit = std::clamp(page.limit, 1, kMaxPage), offset = std::max(page.offset, 0);
  return deps_.db.Read<ListPage>([&](soci::session& sql) -> Result<ListPage> {
    if (city_code) LT_RETURN_IF_ERROR(RequireKnownCity(sql, *city_code));
    // Alerts carry their city but not their enterprise: a vendor's are those of its own
    // applications, the ones GET /applications/{id} shows it.
    const bool vendor = p.role == Role::kVendor;
    ScopePredicate scope = ScopeSql(p, vendor ? "ap" : "a");
    std::string from = std::string(" FROM alerts a JOIN cities c ON c.code = a.city_code") +
                       (vendor ? " JOIN applications ap ON ap.id = a.application_id" : "") + " WHERE 1 = 1" + scope.sql;
    if (p.role == Role::kTechSupport) from += " AND a.kind = 'rectification_overdue'";
    if (status) from += " AND a.status = :status";
    if (city_code) from += " AND a.city_code = :filter_city";
    if (kind) from += " AND a.kind = :kind";
    auto bind = [&](soci::statement& st) {
      if (scope.binds_city) st.exchange(soci::use(scope.city_code));
      if (scope.binds_vendor) st.exchange(soci::use(scope.vendor_id));
      if (status) st.exchange(soci::use(*status));
      if (city_code) st.exchange(soci::use(*city_code));
      if (kind) st.exchange(soci::use(*kind));
    };
    ListPage out;
    out.total = CountRows(sql, from, bind);
    EachRowOfPage(sql, std::string("SELECT ") + kAlertColumns + from + " ORDER BY a.due_at, a.id" + kPageLimit, bind,
                  limit, offset, [&](const soci::row& r) { out.items.push_back(AlertJson(r, vendor)); });
    return out;
  });
}

namespace {
// Alerts are the authorities' business: a vendor sees none, a city role its city's.
// One outside that is not found, as scope.h has it.
Status RequireAlertVisible(const Principal& p, const std::string& city) {
  if (p.role == Role::kVendor || !InScope(p, city, -1)) return MakeError(ErrorCode::kNotFound, "预警不存在");
  return OkStatus();
}
}  // namespace

Result<json> AlertService::Act(const Principal& p, long long id, domain::AlertAction action, const std::string& text) {
  const Instant now = deps_.clock.Now();
  return deps_.db.Transact<json>([&](soci::session& sql) -> Result<json> {
    sql << "UPDATE alerts SET urge_count = urge_count WHERE id = :id", soci::use(id);
    std::string q = std::string("SELECT ") + kAlertColumns +
                    " FROM alerts a JOIN cities c ON c.code = a.city_code WHERE a.id = :id";
    soci::rowset<soci::row> rows = (sql.prepare << q, soci::use(id));
    std::optional<json> alert;
    for (const soci::row& r : rows) alert = AlertJson(r);
    if (!alert) return MakeError(ErrorCode::kNotFound, "预警不存在");
    const std::string city = (*alert)["city_code"];
    long long app_id = (*alert)["application_id"];
    LT_RETURN_IF_ERROR(RequireAlertVisible(p, city));
    auto state = domain::ParseAlertState((*alert)["status"].get<std::string>());
    if (!state) return MakeError(ErrorCode::kInternal, "预警状态数据无效");
    LT_ASSIGN_OR_RETURN(domain::AlertState next, domain::ApplyAlertAction(*state, action, p.role));
    const long long at = ToUnix(now);
    std::string next_word{domain::ToString(next)};
    if (action == domain::AlertAction::kRespond) {
      sql << "UPDATE alerts SET status = :s, feedback = :f, answered_at = :at, answered_by = :u WHERE id = :id",
          soci::use(next_word), soci::use(text), soci::use(at), soci::use(p.user_id), soci::use(id);
      Notify(sql, Audience{Role::kProvince, std::nullopt, std::nullopt},
             Notice{"alert_answered", "城市已反馈预警核实情况", text, app_id, std::nullopt, id}, now);
    } else {
      // An urging without a note repeats the last one: the note given before stays
      // what the alert shows (each urging, with its note, is in the history).
      sql << "UPDATE alerts SET urge_count = urge_count + 1, last_urged_at = :at, "
             "urge_note = COALESCE(NULLIF(:n, ''), urge_note) WHERE id = :id",
          soci::use(at), soci::use(text), soci::use(id);
      Notify(sql, Audience{Role::kCityReviewer, city, std::nullopt},
             Notice{"alert_urged", "省级主管部门督办：请尽快处理逾期事项", text, app_id, std::nullopt, id}, now);
    }
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "alert",
                                                       .entity_id = id,
                                                       .application_id = app_id,
                                                       .city_code = city,
                                                       .actor = Actor::Of(p),
                                                       .action = std::string(domain::ToString(action)),
                                                       .before = (*alert)["status"].get<std::string>(),
                                                       .after = next_word,
                                                       .reason = text,
                                                       .at = now}));
    soci::rowset<soci::row> again = (sql.prepare << q, soci::use(id));
    for (const soci::row& r : again) return AlertJson(r);
    return MakeError(ErrorCode::kInternal);
  });
}

Result<json> AlertService::Respond(const Principal& p, long long id, const std::string& feedback) {
  LT_RETURN_IF_ERROR(RequireText(feedback, "feedback", 8000));
  return Act(p, id, domain::AlertAction::kRespond, feedback);
}

Result<json> AlertService::Urge(const Principal& p, long long id, const std::string& note) {
  LT_RETURN_IF_ERROR(OptionalText(note, "note", 2000));
  return Act(p, id, domain::AlertAction::kUrge, note);
}

Status AlertService::Locate(const Principal& p, long long id) {
  return deps_.db.Read<Ok>([&](soci::session& sql) -> Status {
    std::string city;
    sql << "SELECT city_code FROM alerts WHERE id = :id", soci::use(id), soci::into(city);
    if (!sql.got_data()) return MakeError(ErrorCode::kNotFound, "预警不存在");
    return RequireAlertVisible(p, city);
  });
}

Result<SweepResult> AlertService::Sweep(Instant now) {
  const long long at = ToUnix(now);
  // Batches bound the memory a sweep needs (100,000 overdue deadlines would otherwise
  // be held at once); all batches share one transaction, so a sweep raises all or none.
  constexpr long long kBatch = 5000;
  return deps_.db.Transact<SweepResult>([&](soci::session& sql) -> Result<SweepResult> {
    long long total = 0;
    for (;;) {
      // One statement raises a batch.
      soci::rowset<soci::row> rows =
          (sql.prepare << RaiseSql("d.done_at IS NULL AND d.alert_raised = 0 AND d.due_at < :now2 LIMIT :batch"),
           soci::use(at), soci::use(at), soci::use(kBatch));
      const std::vector<Raised> raised = ReadRaised(rows);
      if (raised.empty()) {
        // Rows another sweeper raised first still need their flag, or the next batch
        // would select them again forever.
        long long pending = 0;
        sql << "UPDATE deadlines SET alert_raised = 1 WHERE alert_raised = 0 AND done_at IS NULL "
               "AND due_at < :now AND id IN (SELECT deadline_id FROM alerts)",
            soci::use(at);
        sql << "SELECT COUNT(*) FROM deadlines WHERE alert_raised = 0 AND done_at IS NULL AND due_at < :now",
            soci::use(at), soci::into(pending);
        if (pending == 0) break;
        continue;
      }
      long long lo = std::numeric_limits<long long>::max(), hi = 0;
      for (const Raised& a : raised) {
        lo = std::min(lo, a.id);
        hi = std::max(hi, a.id);
      }
      // Every alert in [lo, hi] has a deadline that is now raised, whoever raised it.
      sql << "UPDATE deadlines SET alert_raised = 1 WHERE alert_raised = 0 AND id IN "
             "(SELECT deadline_id FROM alerts WHERE id BETWEEN :lo AND :hi)",
          soci::use(lo), soci::use(hi);
      LT_RETURN_IF_ERROR(RecordRaised(sql, raised, now));
      total += static_cast<long long>(raised.size());
    }
    NotifyProvince(sql, total, now);
    return SweepResult{total};
  });
}

Status RaiseAlertsClosedLate(soci::session& sql, long long application_id, Instant now) {
  // Only the deadlines closed at this instant: a deadline closed on time earlier whose due
  // date a calendar loaded since moved before its close was met as it was known then, and
  // no later action on the application raises an alert for it.
  const long long at = ToUnix(now);
  soci::rowset<soci::row> rows =
      (sql.prepare << RaiseSql("d.application_id = :a AND d.alert_raised = 0 AND d.done_at = :done "
                               "AND d.done_at > d.due_at"),
       soci::use(at), soci::use(application_id), soci::use(at));
  const std::vector<Raised> raised = ReadRaised(rows);
  sql << "UPDATE deadlines SET alert_raised = 1 WHERE application_id = :a AND alert_raised = 0 "
         "AND done_at = :done AND done_at > due_at",
      soci::use(application_id), soci::use(at);
  if (raised.empty()) return OkStatus();
  LT_RETURN_IF_ERROR(RecordRaised(sql, raised, now));
  NotifyProvince(sql, static_cast<long long>(raised.size()), now);
  return OkStatus();
}

}  // namespace liantiao::services
