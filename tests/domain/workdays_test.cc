#include "domain/workdays.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace liantiao::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

CivilDay D(std::string_view text) {
  auto d = ParseDay(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : CivilDay{};
}

Instant At(std::string_view text) {
  auto t = ParseInstant(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : Instant{};
}

// The calendar exactly as a fresh installation has it: the embedded data only.
WorkCalendar Shipped() {
  auto years = ShippedCalendar();
  EXPECT_TRUE(years.ok()) << (years.ok() ? "" : years.error().message);
  WorkCalendar calendar;
  if (years.ok()) {
    for (auto& y : *years) calendar.SetYear(std::move(y));
  }
  return calendar;
}

std::string ReadTestdata(const std::string& name) {
  // ctest passes the source tree; run by hand, the binary falls back to this file's own
  // location, which CMake gives as an absolute path.
  const char* env = std::getenv("LIANTIAO_SOURCE_DIR");
  std::filesystem::path dir = env != nullptr ? std::filesystem::path(env) / "tests" / "domain" / "testdata"
                                             : std::filesystem::path(__FILE__).parent_path() / "testdata";
  std::ifstream in(dir / name, std::ios::binary);
  EXPECT_TRUE(in.good()) << (dir / name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---- Shipped data -----------------------------------------------------------------

TEST(ShippedCalendarTest, CoversEveryPublishedYearFromTheNamedSource) {
  auto years = ShippedCalendar();
  ASSERT_TRUE(years.ok()) << years.error().message;
  ASSERT_EQ(years->size(), 23u);
  EXPECT_EQ(years->front().year, 2004);
  EXPECT_EQ(years->back().year, 2026);
  for (const auto& y : *years) {
    EXPECT_TRUE(y.official);
    EXPECT_EQ(y.source, "chinese-days@1.5.7");
    EXPECT_FALSE(y.holidays.empty()) << y.year;
  }
}

TEST(ShippedCalendarTest, KnownFactsOf2026) {
  const WorkCalendar c = Shipped();
  ASSERT_TRUE(c.HasYear(2026));
  EXPECT_FALSE(c.HasYear(2027));
  // Adjusted working weekend days.
  EXPECT_TRUE(IsWeekend(D("2026-10-10")));
  EXPECT_TRUE(c.IsWorkingDay(D("2026-10-10")));
  EXPECT_TRUE(IsWeekend(D("2026-09-20")));
  EXPECT_TRUE(c.IsWorkingDay(D("2026-09-20")));
  EXPECT_TRUE(c.Year(2026)->workdays.contains(D("2026-10-10")));
  EXPECT_TRUE(c.Year(2026)->workdays.contains(D("2026-09-20")));
  // National Day and Spring Festival holidays.
  for (CivilDay d = D("2026-10-01"); d <= D("2026-10-07"); d = AddDays(d, 1)) {
    EXPECT_TRUE(c.Year(2026)->holidays.contains(d)) << FormatDay(d);
    EXPECT_FALSE(c.IsWorkingDay(d)) << FormatDay(d);
  }
  for (CivilDay d = D("2026-02-15"); d <= D("2026-02-23"); d = AddDays(d, 1)) {
    EXPECT_TRUE(c.Year(2026)->holidays.contains(d)) << FormatDay(d);
    EXPECT_FALSE(c.IsWorkingDay(d)) << FormatDay(d);
  }
  // Ordinary days on either side.
  EXPECT_TRUE(c.IsWorkingDay(D("2026-10-08")));
  EXPECT_FALSE(c.IsWorkingDay(D("2026-10-11")));  // Sunday
  EXPECT_TRUE(c.IsWorkingDay(D("2026-02-24")));
}

// ---- Counting -----------------------------------------------------------------------

TEST(ComputeDeadlineTest, NationalDayExampleOfTheSpec) {
  const WorkCalendar c = Shipped();
  const DeadlineDue due = ComputeDeadline(At("2026-09-30T10:00:00+08:00"), 3, c);
  EXPECT_EQ(due.day, D("2026-10-10"));
  EXPECT_EQ(FormatInstant(due.due_at), "2026-10-10T23:59:59+08:00");
  EXPECT_FALSE(due.provisional);
}

TEST(ComputeDeadlineTest, StartDayIsTakenInShanghaiTime) {
  const WorkCalendar c = Shipped();
  // 2026-09-29 17:00 UTC is already 2026-09-30 01:00 in Shanghai.
  const DeadlineDue due = ComputeDeadline(At("2026-09-29T17:00:00Z"), 3, c);
  EXPECT_EQ(due.day, D("2026-10-10"));
}

TEST(AddWorkingDaysTest, AcrossSpringFestival2026) {
  const WorkCalendar c = Shipped();
  // Fri 02-13 → Sat 02-14 worked in lieu (1), 02-15..23 off, Tue 02-24 (2), Wed 02-25 (3).
  const DeadlineDue due = ComputeDeadline(At("2026-02-13T16:30:00+08:00"), 3, c);
  EXPECT_EQ(due.day, D("2026-02-25"));
  EXPECT_FALSE(due.provisional);
}

TEST(AddWorkingDaysTest, SundayWorkedInLieuIsCounted) {
  const WorkCalendar c = Shipped();
  // Fri 09-18 → Sat 09-19 off, Sun 09-20 worked in lieu: the first working day.
  EXPECT_EQ(AddWorkingDays(D("2026-09-18"), 1, c).day, D("2026-09-20"));
  // Without the adjustment it would be Monday.
  WorkCalendar plain;
  plain.SetYear(CalendarYear{.year = 2026});
  EXPECT_EQ(AddWorkingDays(D("2026-09-18"), 1, plain).day, D("2026-09-21"));
}

TEST(AddWorkingDaysTest, SaturdayWorkedInLieuIsCounted) {
  const WorkCalendar c = Shipped();
  // Fri 10-09 → Sat 10-10 worked in lieu.
  EXPECT_EQ(AddWorkingDays(D("2026-10-09"), 1, c).day, D("2026-10-10"));
  EXPECT_EQ(AddWorkingDays(D("2026-10-09"), 2, c).day, D("2026-10-12"));
}

TEST(AddWorkingDaysTest, YearWithoutDataIsProvisionalUntilLoaded) {
  WorkCalendar c = Shipped();
  // Wed 2026-12-30 + 5, 2027 unknown: Mon–Fri only → 12-31, 01-01, 01-04, 01-05, 01-06.
  const DeadlineDue provisional = ComputeDeadline(At("2026-12-30T09:00:00+08:00"), 5, c);
  EXPECT_EQ(provisional.day, D("2027-01-06"));
  EXPECT_TRUE(provisional.provisional);

  c.SetYear(CalendarYear{.year = 2027, .holidays = {D("2027-01-01")}, .source = "test"});
  const DeadlineDue official = ComputeDeadline(At("2026-12-30T09:00:00+08:00"), 5, c);
  EXPECT_EQ(official.day, D("2027-01-07"));
  EXPECT_FALSE(official.provisional);
  EXPECT_GT(official.due_at, provisional.due_at);
}

TEST(AddWorkingDaysTest, AdminsOwnYearIsCountedButStaysProvisional) {
  WorkCalendar c = Shipped();
  c.SetYear(CalendarYear{.year = 2027, .holidays = {D("2027-01-01")}, .official = false, .source = "test"});
  // The admin's holiday is honoured (01-07, not 01-06), but nothing is published yet.
  const DeadlineDue due = ComputeDeadline(At("2026-12-30T09:00:00+08:00"), 5, c);
  EXPECT_EQ(due.day, D("2027-01-07"));
  EXPECT_TRUE(due.provisional);

  c.SetYear(CalendarYear{.year = 2027, .holidays = {D("2027-01-01")}, .official = true, .source = "test"});
  EXPECT_FALSE(ComputeDeadline(At("2026-12-30T09:00:00+08:00"), 5, c).provisional);
}

TEST(AddWorkingDaysTest, ProvisionalEvenWhenOnlyASkippedDayIsUnknown) {
  WorkCalendar c;
  c.SetYear(CalendarYear{.year = 2027});
  // Fri 2026-12-25 + 1 lands on Mon 2026-12-28 but steps over a weekend in an
  // unknown year (2026 is not loaded here), which could have held an adjustment.
  const DueDay due = AddWorkingDays(D("2026-12-25"), 1, c);
  EXPECT_EQ(due.day, D("2026-12-28"));
  EXPECT_TRUE(due.provisional);
}

TEST(AddWorkingDaysTest, NotProvisionalWhenOnlyTheStartDayIsUnknown) {
  WorkCalendar c;
  c.SetYear(CalendarYear{.year = 2027});
  // The start day is not counted, so its year does not matter.
  const DueDay due = AddWorkingDays(D("2026-12-31"), 1, c);
  EXPECT_EQ(due.day, D("2027-01-01"));
  EXPECT_FALSE(due.provisional);
}

TEST(AddWorkingDaysTest, SetYearReplacesThatYear) {
  WorkCalendar c;
  c.SetYear(CalendarYear{.year = 2027, .holidays = {D("2027-01-04")}});
  EXPECT_FALSE(c.IsWorkingDay(D("2027-01-04")));
  c.SetYear(CalendarYear{.year = 2027, .holidays = {D("2027-01-05")}});
  EXPECT_TRUE(c.IsWorkingDay(D("2027-01-04")));
  EXPECT_FALSE(c.IsWorkingDay(D("2027-01-05")));
  EXPECT_THAT(c.Years(), ElementsAre(2027));
  EXPECT_EQ(c.Year(2028), nullptr);
}

// ---- Overdue ------------------------------------------------------------------------

TEST(OverdueTest, BoundaryIsTheLastSecondOfTheDueDay) {
  const WorkCalendar c = Shipped();
  const Instant due_at = ComputeDeadline(At("2026-09-30T10:00:00+08:00"), 3, c).due_at;
  EXPECT_FALSE(IsOverdue(due_at, due_at - 1s));
  EXPECT_FALSE(IsOverdue(due_at, due_at));
  EXPECT_TRUE(IsOverdue(due_at, due_at + 1s));
  EXPECT_EQ(OverdueWorkingDays(due_at, due_at, c), 0);
}

TEST(OverdueTest, CountsOnlyWorkingDaysAcrossAWeekend) {
  const WorkCalendar c = Shipped();
  const Instant due_at = EndOfDay(D("2026-10-16"));  // Friday
  // Overdue from Saturday 00:00, but no working day has passed yet.
  EXPECT_TRUE(IsOverdue(due_at, At("2026-10-17T00:00:00+08:00")));
  EXPECT_EQ(OverdueWorkingDays(due_at, At("2026-10-17T00:00:00+08:00"), c), 0);
  EXPECT_EQ(OverdueWorkingDays(due_at, At("2026-10-18T12:00:00+08:00"), c), 0);
  EXPECT_EQ(OverdueWorkingDays(due_at, At("2026-10-19T09:00:00+08:00"), c), 1);
  EXPECT_EQ(OverdueWorkingDays(due_at, At("2026-10-20T23:59:59+08:00"), c), 2);
  // Before the deadline: never negative.
  EXPECT_EQ(OverdueWorkingDays(due_at, At("2026-10-12T09:00:00+08:00"), c), 0);
}

TEST(OverdueTest, WeekendWorkedInLieuCountsAsOverdue) {
  const WorkCalendar c = Shipped();
  const Instant due_at = EndOfDay(D("2026-10-09"));  // Friday; Sat 10-10 is worked
  EXPECT_EQ(OverdueWorkingDays(due_at, At("2026-10-11T10:00:00+08:00"), c), 1);
  EXPECT_EQ(OverdueWorkingDays(due_at, At("2026-10-12T10:00:00+08:00"), c), 2);
}

TEST(WorkingDaysBetweenTest, HalfOpenInterval) {
  const WorkCalendar c = Shipped();
  EXPECT_EQ(WorkingDaysBetween(D("2026-09-30"), D("2026-10-10"), c), 3);
  EXPECT_EQ(WorkingDaysBetween(D("2026-10-08"), D("2026-10-08"), c), 0);
  EXPECT_EQ(WorkingDaysBetween(D("2026-10-10"), D("2026-09-30"), c), 0);
}

// ---- JSON import --------------------------------------------------------------------

TEST(ParseCalendarJsonTest, OneYear) {
  auto r = ParseCalendarJson(R"({"year":2027,"holidays":["2027-01-01","2027-02-06"],"workdays":["2027-02-20"]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const CalendarYear& y = r->front();
  EXPECT_EQ(y.year, 2027);
  EXPECT_EQ(y.holidays, (std::set<CivilDay>{D("2027-01-01"), D("2027-02-06")}));
  EXPECT_EQ(y.workdays, (std::set<CivilDay>{D("2027-02-20")}));
  EXPECT_TRUE(y.official);
  EXPECT_EQ(y.source, "admin import");
}

TEST(ParseCalendarJsonTest, ListOfYearsSortedByYear) {
  auto r = ParseCalendarJson(R"([{"year":2028,"holidays":["2028-01-03"]},{"year":2027,"holidays":[],"workdays":[]}])");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].year, 2027);
  EXPECT_EQ((*r)[1].year, 2028);
}

// A year the file marks unofficial (an operator's own estimate) stays provisional.
TEST(ParseCalendarJsonTest, KeepsAYearMarkedUnofficial) {
  auto r =
      ParseCalendarJson(R"([{"year":2028,"official":false,"holidays":["2028-01-03"]},{"year":2027,"official":true}])");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE((*r)[0].official);
  EXPECT_FALSE((*r)[1].official);
}

TEST(ParseCalendarJsonTest, AcceptsTheShippedFileShape) {
  auto r = ParseCalendarJson(R"({"source":"x","years":[{"year":2027,"holidays":["2027-01-01"]}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->front().year, 2027);
}

struct BadJson {
  const char* name;
  const char* text;
  const char* value;  // the bad value the error must name, or "" for none
};

class ParseCalendarJsonBadTest : public ::testing::TestWithParam<BadJson> {};

TEST_P(ParseCalendarJsonBadTest, RefusedWithInvalidCalendar) {
  auto r = ParseCalendarJson(GetParam().text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidCalendar);
  EXPECT_FALSE(r.error().message.empty());
  if (std::string_view(GetParam().value).empty()) return;
  ASSERT_TRUE(r.error().details.contains("value")) << r.error().details.dump();
  EXPECT_EQ(r.error().details["value"], GetParam().value);
  EXPECT_THAT(r.error().message, HasSubstr(GetParam().value));
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, ParseCalendarJsonBadTest,
    ::testing::Values(BadJson{"Malformed", R"({"year":2027,"holidays":["2027-01-01")", ""},
                      BadJson{"NotAnObject", R"("2027")", ""}, BadJson{"Empty", R"([])", ""},
                      BadJson{"MissingYear", R"({"holidays":["2027-01-01"]})", ""},
                      BadJson{"BadDate", R"({"year":2027,"holidays":["2027-02-30"]})", "2027-02-30"},
                      BadJson{"NotADate", R"({"year":2027,"holidays":["1 Jan"]})", "1 Jan"},
                      BadJson{"DateOutsideYear", R"({"year":2027,"holidays":["2026-12-31"]})", "2026-12-31"},
                      BadJson{"WorkdayOnAWeekday", R"({"year":2027,"workdays":["2027-01-04"]})", "2027-01-04"},
                      BadJson{"BothHolidayAndWorkday",
                              R"({"year":2027,"holidays":["2027-01-09"],"workdays":["2027-01-09"]})", "2027-01-09"},
                      BadJson{"DuplicateYear", R"([{"year":2027},{"year":2027}])", ""},
                      BadJson{"HolidaysNotAList", R"({"year":2027,"holidays":"2027-01-01"})", ""},
                      BadJson{"OfficialNotABool", R"({"year":2027,"official":"no"})", ""}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// ---- .ics import --------------------------------------------------------------------

TEST(ParseCalendarIcsTest, RealChineseDaysFeedMatchesTheShippedData) {
  // tests/domain/testdata/chinese-days-2026.ics is dist/years/2026.ics of
  // chinese-days 1.5.7, unchanged: CRLF lines, folded X-APPLE-UNIVERSAL-ID lines,
  // all-day events with an exclusive DTEND.
  const std::string text = ReadTestdata("chinese-days-2026.ics");
  ASSERT_FALSE(text.empty());
  auto r = ParseCalendarIcs(text);
  ASSERT_TRUE(r.ok()) << r.error().message << " " << r.error().details.dump();
  ASSERT_EQ(r->size(), 1u);
  const CalendarYear& y = r->front();
  EXPECT_EQ(y.year, 2026);
  EXPECT_TRUE(y.official);
  EXPECT_EQ(y.holidays.size(), 33u);
  EXPECT_EQ(y.workdays.size(), 6u);
  EXPECT_TRUE(y.holidays.contains(D("2026-10-07")));   // last day of a 7-day event
  EXPECT_FALSE(y.holidays.contains(D("2026-10-08")));  // its DTEND, exclusive
  EXPECT_TRUE(y.workdays.contains(D("2026-10-10")));

  const WorkCalendar shipped = Shipped();
  EXPECT_EQ(y.holidays, shipped.Year(2026)->holidays);
  EXPECT_EQ(y.workdays, shipped.Year(2026)->workdays);
}

TEST(ParseCalendarIcsTest, UnfoldsLinesSpansYearsAndToleratesBareLf) {
  // Folded SUMMARY (休 split across lines), an event crossing New Year, a one-day
  // event without DTEND, LF line ends, and the English feed's markers.
  const std::string text =
      "BEGIN:VCALENDAR\n"
      "VERSION:2.0\n"
      "BEGIN:VEVENT\n"
      "DTSTART;VALUE=DATE:20221231\n"
      "DTEND;VALUE=DATE:20230103\n"
      "SUMMARY:元旦(\n"
      " 休)\n"
      "END:VEVENT\n"
      "BEGIN:VEVENT\n"
      "DTSTART;VALUE=DATE:20230128\n"
      "SUMMARY:Spring Festival(Workday)\n"
      "END:VEVENT\n"
      "BEGIN:VEVENT\n"
      "DTSTART;VALUE=DATE:20230301\n"
      "SUMMARY:Meeting\n"
      "END:VEVENT\n"
      "END:VCALENDAR\n";
  auto r = ParseCalendarIcs(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].year, 2022);
  EXPECT_EQ((*r)[0].holidays, (std::set<CivilDay>{D("2022-12-31")}));
  EXPECT_EQ((*r)[1].year, 2023);
  EXPECT_EQ((*r)[1].holidays, (std::set<CivilDay>{D("2023-01-01"), D("2023-01-02")}));
  EXPECT_EQ((*r)[1].workdays, (std::set<CivilDay>{D("2023-01-28")}));
  // 2022 only has the next year's New Year reaching into it: a fragment, not its data.
  EXPECT_FALSE((*r)[0].official);
  EXPECT_TRUE((*r)[1].official);
}

CalendarYear Year(int y, bool official, std::set<CivilDay> holidays, std::set<CivilDay> workdays = {}) {
  return CalendarYear{y, std::move(holidays), std::move(workdays), official, "test"};
}

// A fragment joins the stored year and keeps its flag; alone, it is unofficial.
TEST(MergeImportedIcsYearTest, AFragmentJoinsTheStoredYear) {
  const CalendarYear fragment = Year(2030, false, {D("2030-12-30"), D("2030-12-31")});
  const CalendarYear official = Year(2030, true, {D("2030-10-01")}, {D("2030-10-12")});
  CalendarYear merged = MergeImportedIcsYear(fragment, &official);
  EXPECT_TRUE(merged.official);
  EXPECT_EQ(merged.holidays, (std::set<CivilDay>{D("2030-10-01"), D("2030-12-30"), D("2030-12-31")}));
  EXPECT_EQ(merged.workdays, (std::set<CivilDay>{D("2030-10-12")}));
  const CalendarYear guess = Year(2030, false, {D("2030-06-03")});
  EXPECT_FALSE(MergeImportedIcsYear(fragment, &guess).official);
  EXPECT_FALSE(MergeImportedIcsYear(fragment, nullptr).official);
}

// A covered year replaces the stored one: an admin's guess whole, an official year but
// for another arrangement's days near New Year that the feed does not mention.
TEST(MergeImportedIcsYearTest, ACoveredYearReplacesTheStoredOne) {
  const CalendarYear feed = Year(2029, true, {D("2029-01-01"), D("2029-10-01")});
  const CalendarYear guess = Year(2029, false, {D("2029-01-04"), D("2029-05-02")});
  CalendarYear replaced = MergeImportedIcsYear(feed, &guess);
  EXPECT_TRUE(replaced.official);
  EXPECT_EQ(replaced.holidays, feed.holidays);
  // An official correction removes a day; 12-31, from the next year's feed, stays; a
  // day the feed names a working day is one.
  const CalendarYear stored =
      Year(2029, true, {D("2029-01-01"), D("2029-05-02"), D("2029-12-31"), D("2029-12-29")}, {});
  CalendarYear corrected = MergeImportedIcsYear(Year(2029, true, {D("2029-01-01")}, {D("2029-12-29")}), &stored);
  EXPECT_EQ(corrected.holidays, (std::set<CivilDay>{D("2029-01-01"), D("2029-12-31")}));
  EXPECT_EQ(corrected.workdays, (std::set<CivilDay>{D("2029-12-29")}));
}

TEST(ParseCalendarIcsTest, RefusesBrokenFeeds) {
  auto expect_bad = [](const std::string& text) {
    auto r = ParseCalendarIcs(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidCalendar);
  };
  expect_bad("not a calendar");
  expect_bad("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");  // nothing in it
  expect_bad(
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270231\r\nSUMMARY:春节(休)\r\n"
      "END:VEVENT\r\nEND:VCALENDAR\r\n");  // no such date
  expect_bad(
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270104\r\nSUMMARY:春节(班)\r\n"
      "END:VEVENT\r\nEND:VCALENDAR\r\n");  // a Monday cannot be worked in lieu
  expect_bad(
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270210\r\n"
      "DTEND;VALUE=DATE:20270209\r\nSUMMARY:春节(休)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");  // ends first
  expect_bad("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270210\r\nSUMMARY:春节(休)\r\n");
}

}  // namespace
}  // namespace liantiao::domain
