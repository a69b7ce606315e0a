#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace liantiao::domain {

// One year of the State Council's schedule: statutory holidays, and the weekend
// days that are worked in lieu (调休上班日).
struct CalendarYear {
  int year = 0;
  std::set<CivilDay> holidays;
  std::set<CivilDay> workdays;  // adjusted working weekend days
  // From the published schedule. An admin's own entry (false) is counted as entered,
  // but the deadlines it touches stay provisional until the official data is loaded.
  bool official = true;
  std::string source;  // e.g. "chinese-days@1.2.3" or "admin import 2026-11-24"

  friend bool operator==(const CalendarYear&, const CalendarYear&) = default;
};

// The working-day calendar: a value, built from stored years. A year with no data is
// counted Monday–Friday; every deadline touching a year without official data (none,
// or an admin's own entry) is provisional.
class WorkCalendar {
 public:
  void SetYear(CalendarYear year);  // replaces that year
  bool HasYear(int year) const;
  const CalendarYear* Year(int year) const;  // nullptr if none
  std::vector<int> Years() const;
  bool IsWorkingDay(CivilDay day) const;

  friend bool operator==(const WorkCalendar&, const WorkCalendar&) = default;

 private:
  std::map<int, CalendarYear> years_;
};

struct DueDay {
  CivilDay day;
  bool provisional = false;  // some day counted lies in a year without official data
};

// "N working days after T": the day of `start` is not counted; the deadline is the
// end (24:00) of the Nth working day after it. n >= 1 (n <= 0 yields `start` itself).
DueDay AddWorkingDays(CivilDay start, int n, const WorkCalendar& calendar);

// A deadline as the process counts it, from an instant.
struct DeadlineDue {
  Instant due_at;  // EndOfDay(day): 23:59:59 Shanghai
  CivilDay day;
  bool provisional = false;
};
DeadlineDue ComputeDeadline(Instant started_at, int working_days, const WorkCalendar& calendar);

// Overdue once `now` is past the last second of the due day.
bool IsOverdue(Instant due_at, Instant now);
// Working days in (due day, day of now]: 0 while not overdue.
int OverdueWorkingDays(Instant due_at, Instant now, const WorkCalendar& calendar);
// Working days in (day of `from`, day of `to`]; used for "days left" and review times.
int WorkingDaysBetween(CivilDay from, CivilDay to, const WorkCalendar& calendar);

// The years a calendar may hold and a deadline may start in: outside them a "year" is
// a typo, and CivilDay arithmetic stays well defined.
constexpr int kMinCalendarYear = 1949;
constexpr int kMaxCalendarYear = 2200;

// Parsers for admin imports. JSON: {"year": 2027, "official"?: bool (default true),
// "holidays": ["2027-01-01", ...], "workdays": [...]} or a list of such objects. `.ics`: the chinese-days feed
// (VEVENTs whose SUMMARY marks 休 / 班, DTSTART[/DTEND] dates).
Result<std::vector<CalendarYear>> ParseCalendarJson(std::string_view text);
// A feed groups events by their own dates, so the New Year holiday of one year's
// arrangement may put a day or two into the year before (2030-12-30 for 元旦 2031). A
// year of which the feed holds only such days, all within a week of New Year, is a
// fragment and comes back with `official` false: it says nothing of the rest of its year.
Result<std::vector<CalendarYear>> ParseCalendarIcs(std::string_view text);
// What an imported `.ics` year makes of the year stored (if any):
// - a fragment is merged into the stored year, which keeps its own `official` (no
//   stored year: an unofficial one of the fragment alone, so its deadlines stay
//   provisional);
// - a year the feed covers replaces the stored one, except that an official stored
//   year keeps its days near New Year that the feed does not mention (another year's
//   arrangement reaching into it). An admin's own, unofficial entry is replaced whole.
// A day in both keeps the imported meaning.
CalendarYear MergeImportedIcsYear(CalendarYear imported, const CalendarYear* stored);
// The calendar data shipped with liantiao (data/calendar/official.json, embedded).
Result<std::vector<CalendarYear>> ShippedCalendar();

}  // namespace liantiao::domain
