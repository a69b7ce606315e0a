#include "domain/workdays.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/embedded.h"

namespace liantiao::domain {

using nlohmann::json;

// ---------------------------------------------------------------------------------
// WorkCalendar

void WorkCalendar::SetYear(CalendarYear year) {
  const int y = year.year;
  years_[y] = std::move(year);
}

bool WorkCalendar::HasYear(int year) const { return years_.contains(year); }

const CalendarYear* WorkCalendar::Year(int year) const {
  auto it = years_.find(year);
  return it == years_.end() ? nullptr : &it->second;
}

std::vector<int> WorkCalendar::Years() const {
  std::vector<int> out;
  out.reserve(years_.size());
  for (const auto& [y, unused] : years_) out.push_back(y);
  return out;
}

bool WorkCalendar::IsWorkingDay(CivilDay day) const {
  if (const CalendarYear* y = Year(static_cast<int>(day.year()))) {
    if (y->holidays.contains(day)) return false;
    if (y->workdays.contains(day)) return true;
  }
  // A year without data falls back to Monday–Friday; callers learn about it through
  // DueDay::provisional, never from this function.
  return !IsWeekend(day);
}

// ---------------------------------------------------------------------------------
// Counting

DueDay AddWorkingDays(CivilDay start, int n, const WorkCalendar& calendar) {
  DueDay due{start, false};
  // Every day stepped over matters, not only the working ones: a year without the
  // published schedule (no data, or an admin's own entry) could hold a holiday on any of
  // them, so any such day makes the result provisional.
  for (int counted = 0; counted < n;) {
    due.day = AddDays(due.day, 1);
    const CalendarYear* year = calendar.Year(static_cast<int>(due.day.year()));
    if (year == nullptr || !year->official) due.provisional = true;
    if (calendar.IsWorkingDay(due.day)) ++counted;
  }
  return due;
}

DeadlineDue ComputeDeadline(Instant started_at, int working_days, const WorkCalendar& calendar) {
  DueDay due = AddWorkingDays(ShanghaiDay(started_at), working_days, calendar);
  return DeadlineDue{EndOfDay(due.day), due.day, due.provisional};
}

bool IsOverdue(Instant due_at, Instant now) { return now > due_at; }

int OverdueWorkingDays(Instant due_at, Instant now, const WorkCalendar& calendar) {
  if (!IsOverdue(due_at, now)) return 0;
  return WorkingDaysBetween(ShanghaiDay(due_at), ShanghaiDay(now), calendar);
}

int WorkingDaysBetween(CivilDay from, CivilDay to, const WorkCalendar& calendar) {
  int count = 0;
  for (CivilDay d = AddDays(from, 1); d <= to; d = AddDays(d, 1)) {
    if (calendar.IsWorkingDay(d)) ++count;
  }
  return count;
}

// ---------------------------------------------------------------------------------
// Parsing and validation

namespace {

constexpr int kMinYear = kMinCalendarYear;
constexpr int kMaxYear = kMaxCalendarYear;
// Longest span one .ics event may cover; the longest real one is 9 days (Spring
// Festival). A bound keeps a corrupt DTEND from producing years of holidays.
constexpr int kMaxEventDays = 31;

Error CalendarError(std::string message, json details = json::object()) {
  return MakeError(ErrorCode::kInvalidCalendar, std::move(message), std::move(details));
}

// The rules every year must meet, whatever format it came in.
Status ValidateYear(const CalendarYear& y) {
  for (const auto& [days, field] : {std::pair{&y.holidays, "holidays"}, std::pair{&y.workdays, "workdays"}}) {
    for (const CivilDay& d : *days) {
      if (static_cast<int>(d.year()) != y.year) {
        return CalendarError("日期 " + FormatDay(d) + " 不在所述年份 " + std::to_string(y.year) + " 内",
                             {{"year", y.year}, {"field", field}, {"value", FormatDay(d)}});
      }
    }
  }
  for (const CivilDay& d : y.workdays) {
    if (y.holidays.contains(d)) {
      return CalendarError("日期 " + FormatDay(d) + " 不能同时是节假日和调休上班日",
                           {{"year", y.year}, {"field", "workdays"}, {"value", FormatDay(d)}});
    }
    if (!IsWeekend(d)) {
      return CalendarError("调休上班日 " + FormatDay(d) + " 不是周六或周日",
                           {{"year", y.year}, {"field", "workdays"}, {"value", FormatDay(d)}});
    }
  }
  return OkStatus();
}

Result<std::set<CivilDay>> ParseDayList(const json& object, const char* field, int year) {
  std::set<CivilDay> out;
  if (!object.contains(field)) return out;
  const json& list = object.at(field);
  if (!list.is_array()) {
    return CalendarError(std::string("字段 ") + field + " 应为日期数组",
                         {{"year", year}, {"field", field}, {"value", list.dump()}});
  }
  for (const json& v : list) {
    if (!v.is_string()) {
      return CalendarError("日期应为 YYYY-MM-DD 字符串：" + v.dump(),
                           {{"year", year}, {"field", field}, {"value", v.dump()}});
    }
    const std::string& text = v.get_ref<const std::string&>();
    auto day = ParseDay(text);
    if (!day.ok()) {
      return CalendarError("日期无效：" + text, {{"year", year}, {"field", field}, {"value", text}});
    }
    out.insert(*day);
  }
  return out;
}

Result<CalendarYear> ParseJsonYear(const json& object, const std::string& source) {
  if (!object.is_object()) {
    return CalendarError("每一年的数据应为对象", {{"value", object.dump()}});
  }
  if (!object.contains("year") || !object.at("year").is_number_integer()) {
    return CalendarError("缺少年份（year）或年份不是整数",
                         {{"field", "year"}, {"value", object.contains("year") ? object.at("year").dump() : ""}});
  }
  const long long year = object.at("year").get<long long>();
  if (year < kMinYear || year > kMaxYear) {
    return CalendarError("年份超出范围：" + std::to_string(year), {{"field", "year"}, {"value", year}});
  }
  CalendarYear out;
  out.year = static_cast<int>(year);
  // Imports are the State Council's notices unless the file says otherwise: a year
  // marked "official": false keeps the deadlines in it provisional.
  out.official = true;
  if (object.contains("official")) {
    if (!object.at("official").is_boolean()) {
      return CalendarError("字段 official 应为 true 或 false",
                           {{"year", year}, {"field", "official"}, {"value", object.at("official").dump()}});
    }
    out.official = object.at("official").get<bool>();
  }
  out.source = source;
  LT_ASSIGN_OR_RETURN(out.holidays, ParseDayList(object, "holidays", out.year));
  LT_ASSIGN_OR_RETURN(out.workdays, ParseDayList(object, "workdays", out.year));
  LT_RETURN_IF_ERROR(ValidateYear(out));
  return out;
}

Result<std::vector<CalendarYear>> ParseJsonYears(const json& list, const std::string& source) {
  std::vector<CalendarYear> out;
  std::set<int> seen;
  for (const json& item : list) {
    LT_ASSIGN_OR_RETURN(CalendarYear y, ParseJsonYear(item, source));
    if (!seen.insert(y.year).second) {
      return CalendarError("年份重复：" + std::to_string(y.year), {{"field", "year"}, {"value", y.year}});
    }
    out.push_back(std::move(y));
  }
  if (out.empty()) return CalendarError("日历数据中没有任何年份");
  std::sort(out.begin(), out.end(), [](const CalendarYear& a, const CalendarYear& b) { return a.year < b.year; });
  return out;
}

// ---- .ics (RFC 5545) ----

// Lines end in CRLF (LF tolerated); a line starting with a space or tab continues the
// previous one, minus that one character.
std::vector<std::string> UnfoldLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !lines.empty()) {
      lines.back().append(line.substr(1));
    } else {
      lines.emplace_back(line);
    }
  }
  return lines;
}

struct ContentLine {
  std::string name;    // upper-cased property name, parameters dropped
  std::string params;  // ";VALUE=DATE" etc., as written
  std::string value;
};

// NAME *(";" param) ":" value; a ':' inside a quoted parameter value does not end the
// name part.
bool SplitContentLine(const std::string& line, ContentLine& out) {
  bool quoted = false;
  size_t colon = std::string::npos;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == ':' && !quoted) {
      colon = i;
      break;
    }
  }
  if (colon == std::string::npos) return false;
  std::string head = line.substr(0, colon);
  size_t semi = head.find(';');
  out.name = head.substr(0, semi);
  out.params = semi == std::string::npos ? "" : head.substr(semi);
  std::transform(out.name.begin(), out.name.end(), out.name.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); });
  out.value = line.substr(colon + 1);
  return true;
}

// DATE values are YYYYMMDD; a DATE-TIME (YYYYMMDDTHHMMSS[Z]) is taken by its date,
// which is what an all-day marker written by another tool would mean.
Result<CivilDay> ParseIcsDate(const std::string& value) {
  auto bad = [&] { return CalendarError("日历事件日期无效：" + value, {{"value", value}}); };
  if (value.size() < 8 || (value.size() > 8 && value[8] != 'T')) return bad();
  auto day = ParseDay(value.substr(0, 4) + "-" + value.substr(4, 2) + "-" + value.substr(6, 2));
  if (!day.ok()) return bad();
  return *day;
}

enum class EventKind { kUnknown, kHoliday, kWorkday };

// The chinese-days feed marks each event three ways: X-APPLE-SPECIAL-DAY
// (WORK-HOLIDAY / ALTERNATE-WORKDAY), DESCRIPTION (休 / 班, or Holiday / Workday in
// the English feed) and SUMMARY ("国庆节(休)"). Any one of them decides.
EventKind KindOf(std::string_view text) {
  const bool off = text.find("休") != std::string_view::npos || text.find("Holiday") != std::string_view::npos ||
                   text == "WORK-HOLIDAY";
  const bool on = text.find("班") != std::string_view::npos || text.find("Workday") != std::string_view::npos ||
                  text == "ALTERNATE-WORKDAY";
  if (off == on) return EventKind::kUnknown;
  return off ? EventKind::kHoliday : EventKind::kWorkday;
}

struct IcsEvent {
  std::string dtstart, dtend;
  EventKind apple = EventKind::kUnknown, description = EventKind::kUnknown, summary = EventKind::kUnknown;
  std::string summary_text;
};

// Whether `day` lies within a week of New Year (12-25 to 01-07), where one year's
// arrangement may reach into the next or the one before.
bool NearNewYear(CivilDay day) {
  const unsigned month = static_cast<unsigned>(day.month()), d = static_cast<unsigned>(day.day());
  return (month == 1 && d <= 7) || (month == 12 && d >= 25);
}

}  // namespace

Result<std::vector<CalendarYear>> ParseCalendarJson(std::string_view text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return CalendarError("日历文件不是有效的 JSON");
  const std::string source = "admin import";
  if (doc.is_array()) return ParseJsonYears(doc, source);
  if (doc.is_object() && doc.contains("years") && !doc.contains("year")) {
    // The shipped file's own shape, so that it can be re-imported as is.
    if (!doc.at("years").is_array()) return CalendarError("字段 years 应为数组");
    return ParseJsonYears(doc.at("years"), source);
  }
  if (doc.is_object()) return ParseJsonYears(json::array({doc}), source);
  return CalendarError("日历数据应为一个年份对象或其数组", {{"value", doc.dump()}});
}

Result<std::vector<CalendarYear>> ParseCalendarIcs(std::string_view text) {
  std::vector<std::string> lines = UnfoldLines(text);
  std::vector<IcsEvent> events;
  bool in_event = false, saw_calendar = false;
  IcsEvent current;
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    ContentLine cl;
    if (!SplitContentLine(line, cl)) continue;  // tolerate junk outside what we read
    if (cl.name == "BEGIN" && cl.value == "VCALENDAR") saw_calendar = true;
    if (cl.name == "BEGIN" && cl.value == "VEVENT") {
      in_event = true;
      current = IcsEvent{};
    } else if (cl.name == "END" && cl.value == "VEVENT") {
      if (!in_event) return CalendarError("日历文件结构无效：END:VEVENT 没有对应的 BEGIN");
      in_event = false;
      events.push_back(std::move(current));
    } else if (in_event) {
      if (cl.name == "DTSTART")
        current.dtstart = cl.value;
      else if (cl.name == "DTEND")
        current.dtend = cl.value;
      else if (cl.name == "X-APPLE-SPECIAL-DAY")
        current.apple = KindOf(cl.value);
      else if (cl.name == "DESCRIPTION")
        current.description = KindOf(cl.value);
      else if (cl.name == "SUMMARY") {
        current.summary = KindOf(cl.value);
        current.summary_text = cl.value;
      }
    }
  }
  if (!saw_calendar) return CalendarError("不是有效的 iCalendar（.ics）文件");
  if (in_event) return CalendarError("日历文件结构无效：VEVENT 未结束");

  std::map<int, CalendarYear> years;
  for (const IcsEvent& e : events) {
    EventKind kind = e.apple != EventKind::kUnknown         ? e.apple
                     : e.description != EventKind::kUnknown ? e.description
                                                            : e.summary;
    // Events that are neither a day off nor a day worked (a feed may carry others)
    // say nothing about working days.
    if (kind == EventKind::kUnknown) continue;
    if (e.dtstart.empty()) {
      return CalendarError("日历事件缺少开始日期（DTSTART）：" + e.summary_text, {{"value", e.summary_text}});
    }
    LT_ASSIGN_OR_RETURN(CivilDay first, ParseIcsDate(e.dtstart));
    // DTEND is exclusive; without it an all-day event lasts one day (RFC 5545 3.6.1).
    CivilDay end = AddDays(first, 1);
    if (!e.dtend.empty()) {
      LT_ASSIGN_OR_RETURN(end, ParseIcsDate(e.dtend));
    }
    const auto span = (std::chrono::sys_days{end} - std::chrono::sys_days{first}).count();
    if (span < 1 || span > kMaxEventDays) {
      return CalendarError("日历事件的起止日期无效：" + e.dtstart + " – " + e.dtend,
                           {{"value", e.dtstart + "/" + e.dtend}});
    }
    for (CivilDay d = first; d < end; d = AddDays(d, 1)) {
      const int y = static_cast<int>(d.year());
      if (y < kMinYear || y > kMaxYear) {
        return CalendarError("年份超出范围：" + FormatDay(d), {{"value", FormatDay(d)}});
      }
      CalendarYear& cy = years[y];
      cy.year = y;
      cy.official = false;  // until a day away from New Year shows the feed covers it
      cy.source = "admin import (ics)";
      (kind == EventKind::kHoliday ? cy.holidays : cy.workdays).insert(d);
      if (!NearNewYear(d)) cy.official = true;
    }
  }
  if (years.empty()) return CalendarError("日历文件中没有节假日或调休上班日");
  std::vector<CalendarYear> out;
  for (auto& [y, cy] : years) {
    LT_RETURN_IF_ERROR(ValidateYear(cy));
    out.push_back(std::move(cy));
  }
  return out;
}

CalendarYear MergeImportedIcsYear(CalendarYear imported, const CalendarYear* stored) {
  if (!stored) return imported;  // a fragment alone stays unofficial (ParseCalendarIcs)
  const bool fragment = !imported.official;
  if (!fragment && !stored->official) return imported;
  const auto keep = [&](CivilDay d) { return fragment || NearNewYear(d); };
  for (CivilDay d : stored->holidays) {
    if (keep(d) && !imported.workdays.count(d)) imported.holidays.insert(d);
  }
  for (CivilDay d : stored->workdays) {
    if (keep(d) && !imported.holidays.count(d)) imported.workdays.insert(d);
  }
  if (fragment) imported.official = stored->official;
  return imported;
}

Result<std::vector<CalendarYear>> ShippedCalendar() {
  const json doc = json::parse(embedded::kOfficialCalendar, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("years") || !doc.at("years").is_array()) {
    return CalendarError("内置工作日历数据损坏");
  }
  std::string source = doc.value("source", std::string("chinese-days"));
  if (doc.contains("version") && doc.at("version").is_string()) {
    source += "@" + doc.at("version").get<std::string>();
  }
  return ParseJsonYears(doc.at("years"), source);
}

}  // namespace liantiao::domain
