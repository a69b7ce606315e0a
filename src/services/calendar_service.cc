#include "services/calendar_service.h"

#include <spdlog/spdlog.h>

#include "services/deadlines.h"
#include "services/history.h"
#include "storage/row.h"

namespace liantiao::services {

using storage::GetInt;
using storage::GetText;

namespace {

json Days(const std::set<CivilDay>& days) {
  json out = json::array();
  for (CivilDay d : days) out.push_back(FormatDay(d));
  return out;
}

std::set<CivilDay> ParseDays(const std::string& text) {
  std::set<CivilDay> out;
  for (const auto& v : json::parse(text)) {
    auto d = ParseDay(v.get<std::string>());
    if (d.ok()) out.insert(*d);
  }
  return out;
}

void UpsertYear(soci::session& sql, const domain::CalendarYear& y, Instant now) {
  std::string holidays = Days(y.holidays).dump(), workdays = Days(y.workdays).dump();
  int official = y.official ? 1 : 0;
  long long at = ToUnix(now);
  sql << "INSERT INTO calendar_years (year, official, source, holidays, workdays, updated_at) "
         "VALUES (:y, :o, :s, :h, :w, :at) ON CONFLICT (year) DO UPDATE SET official = excluded.official, "
         "source = excluded.source, holidays = excluded.holidays, workdays = excluded.workdays, "
         "updated_at = excluded.updated_at",
      soci::use(y.year), soci::use(official), soci::use(y.source), soci::use(holidays), soci::use(workdays),
      soci::use(at);
}

domain::WorkCalendar LoadCalendar(soci::session& sql) {
  domain::WorkCalendar cal;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT year, official, source, holidays, workdays FROM calendar_years");
  for (const soci::row& r : rows) {
    domain::CalendarYear y;
    y.year = static_cast<int>(GetInt(r, 0));
    y.official = GetInt(r, 1) != 0;
    y.source = GetText(r, 2);
    y.holidays = ParseDays(GetText(r, 3));
    y.workdays = ParseDays(GetText(r, 4));
    cal.SetYear(std::move(y));
  }
  return cal;
}

}  // namespace

json CalendarYearJson(const domain::CalendarYear& y) {
  return {{"year", y.year},
          {"official", y.official},
          {"source", y.source},
          {"holidays", Days(y.holidays)},
          {"workdays", Days(y.workdays)}};
}

Status CalendarService::SeedAndLoad() {
  LT_ASSIGN_OR_RETURN(auto shipped, domain::ShippedCalendar());
  const Instant now = deps_.clock.Now();
  auto cal = deps_.db.Transact<domain::WorkCalendar>([&](soci::session& sql) -> Result<domain::WorkCalendar> {
    domain::WorkCalendar stored = LoadCalendar(sql);
    for (const auto& y : shipped) {
      if (!stored.HasYear(y.year)) UpsertYear(sql, y, now);
    }
    return LoadCalendar(sql);
  });
  if (!cal.ok()) return cal.take_error();
  deps_.calendar.Set(std::move(cal).value());
  return OkStatus();
}

Status CalendarService::Reload() {
  auto stored = deps_.db.Read<domain::WorkCalendar>(
      [](soci::session& sql) -> Result<domain::WorkCalendar> { return LoadCalendar(sql); });
  if (!stored.ok()) return stored.take_error();
  if (*stored == *deps_.calendar.Get()) return OkStatus();  // the usual case: no write
  // Another process changed it (`liantiao calendar import`, or another server): the
  // deadlines this server counted since on the calendar it had are counted again.
  auto cal = deps_.db.Transact<domain::WorkCalendar>([&](soci::session& sql) -> Result<domain::WorkCalendar> {
    domain::WorkCalendar now_stored = LoadCalendar(sql);
    const long long changed = RecomputeDeadlines(sql, now_stored);
    spdlog::info("calendar changed in the database; deadlines recomputed: {}", changed);
    return now_stored;
  });
  if (!cal.ok()) return cal.take_error();
  deps_.calendar.Set(std::move(cal).value());
  return OkStatus();
}

Result<json> CalendarService::GetYear(int year) {
  if (year < 1949 || year > 2200) return MakeError(ErrorCode::kInvalidField, "年份无效");
  auto cal = deps_.calendar.Get();
  if (const domain::CalendarYear* y = cal->Year(year)) return CalendarYearJson(*y);
  // No data: the API still answers, saying it is not official (weekends only).
  return json{
      {"year", year}, {"official", false}, {"source", ""}, {"holidays", json::array()}, {"workdays", json::array()}};
}

Result<json> CalendarService::PutYears(const Principal& p, const std::vector<domain::CalendarYear>& years) {
  if (p.role != domain::Role::kAdmin) return MakeError(ErrorCode::kForbidden);
  if (years.empty()) return MakeError(ErrorCode::kInvalidCalendar, "没有可导入的年份");
  const Instant now = deps_.clock.Now();
  auto result = deps_.db.Transact<std::pair<domain::WorkCalendar, long long>>(
      [&](soci::session& sql) -> Result<std::pair<domain::WorkCalendar, long long>> {
        for (const auto& y : years) {
          UpsertYear(sql, y, now);
          LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "calendar",
                                                             .entity_id = y.year,
                                                             .actor = Actor::Of(p),
                                                             .action = "calendar_import",
                                                             .before = "",
                                                             .after = "loaded",
                                                             .reason = y.source,
                                                             .at = now}));
        }
        domain::WorkCalendar cal = LoadCalendar(sql);
        long long changed = RecomputeDeadlines(sql, cal);
        return std::make_pair(std::move(cal), changed);
      });
  if (!result.ok()) return result.take_error();
  auto [cal, changed] = std::move(result).value();
  deps_.calendar.Set(std::move(cal));
  json out = {{"years", json::array()}, {"deadlines_recomputed", changed}};
  for (const auto& y : years) out["years"].push_back(y.year);
  return out;
}

Result<json> CalendarService::Deadline(std::string_view from, int days) {
  auto start = InField(ParseInstant(from), "from");
  if (!start.ok()) return start.take_error();
  // A year later than the last the calendar may hold would give a due date past it.
  const int year = static_cast<int>(ShanghaiDay(*start).year());
  if (year < domain::kMinCalendarYear || year >= domain::kMaxCalendarYear) {
    return MakeError(ErrorCode::kInvalidField,
                     "起算时间的年份须在 " + std::to_string(domain::kMinCalendarYear) + " 到 " +
                         std::to_string(domain::kMaxCalendarYear - 1) + " 之间",
                     {{"field", "from"}, {"value", std::string(from)}});
  }
  if (days < 1 || days > 365) {
    return MakeError(ErrorCode::kInvalidField, "工作日天数须在 1 到 365 之间", {{"field", "days"}});
  }
  auto due = domain::ComputeDeadline(*start, days, *deps_.calendar.Get());
  return json{
      {"due_at", FormatInstant(due.due_at)}, {"due_date", FormatDay(due.day)}, {"provisional", due.provisional}};
}

}  // namespace liantiao::services
