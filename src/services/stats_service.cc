#include "services/stats_service.h"

#include <algorithm>
#include <map>

#include "services/csv.h"
#include "services/scope.h"
#include "storage/row.h"

namespace liantiao::services {

using domain::Role;
using storage::GetInt;
using storage::GetOptInt;
using storage::GetText;

namespace {

struct CityFigures {
  std::string name;
  long long received = 0, reviews_done = 0, reviews_on_time = 0;
  std::vector<int> review_days;
  long long succeeded = 0, succeeded_on_time = 0, delayed = 0;
  long long complaints_filed = 0, complaints_founded = 0;
  long long alerts_raised = 0, alerts_answered = 0, alerts_open = 0;
  double answer_hours_total = 0;
};

json Pct(long long part, long long whole) {
  if (whole == 0) return nullptr;
  return std::round(1000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 10.0;
}

// Adds `c` into `total`: the counts summed, the review times pooled (a median of all
// cities is not a figure of their medians).
void AddInto(CityFigures& total, const CityFigures& c) {
  total.received += c.received;
  total.reviews_done += c.reviews_done;
  total.reviews_on_time += c.reviews_on_time;
  total.review_days.insert(total.review_days.end(), c.review_days.begin(), c.review_days.end());
  total.succeeded += c.succeeded;
  total.succeeded_on_time += c.succeeded_on_time;
  total.delayed += c.delayed;
  total.complaints_filed += c.complaints_filed;
  total.complaints_founded += c.complaints_founded;
  total.alerts_raised += c.alerts_raised;
  total.alerts_answered += c.alerts_answered;
  total.alerts_open += c.alerts_open;
  total.answer_hours_total += c.answer_hours_total;
}

json FiguresJson(const std::string& code, CityFigures& c) {
  json median = nullptr;
  if (!c.review_days.empty()) {
    std::sort(c.review_days.begin(), c.review_days.end());
    const std::size_t n = c.review_days.size();
    median =
        n % 2 ? static_cast<double>(c.review_days[n / 2]) : (c.review_days[n / 2 - 1] + c.review_days[n / 2]) / 2.0;
  }
  return {{"city_code", code},
          {"city_name", c.name},
          {"applications_received", c.received},
          {"reviews_done", c.reviews_done},
          {"reviews_on_time", c.reviews_on_time},
          {"reviews_on_time_pct", Pct(c.reviews_on_time, c.reviews_done)},
          {"median_review_working_days", median},
          {"joint_tests_succeeded", c.succeeded},
          {"joint_tests_succeeded_on_time", c.succeeded_on_time},
          // Of the joint tests concluded (succeeded or delayed), the share that succeeded
          // within the window: a city whose tests end in delay is not at 100 %.
          {"joint_tests_on_time_pct", Pct(c.succeeded_on_time, c.succeeded + c.delayed)},
          {"joint_tests_delayed", c.delayed},
          {"complaints_filed", c.complaints_filed},
          {"complaints_founded", c.complaints_founded},
          {"alerts_raised", c.alerts_raised},
          {"alerts_answered", c.alerts_answered},
          {"alerts_open", c.alerts_open},
          {"mean_hours_to_answer",
           c.alerts_answered ? json(std::round(10 * c.answer_hours_total / c.alerts_answered) / 10) : json(nullptr)}};
}

}  // namespace

Result<json> StatsService::CityStats(const Principal& p, std::optional<std::string> from_text,
                                     std::optional<std::string> to_text) {
  if (p.role == Role::kVendor) return MakeError(ErrorCode::kForbidden);
  const Instant now = deps_.clock.Now();
  Instant from = FromUnix(0), to = now + std::chrono::seconds{1};
  if (from_text) {
    LT_ASSIGN_OR_RETURN(from, InField(ParseInstant(*from_text), "from"));
  }
  if (to_text) {
    LT_ASSIGN_OR_RETURN(to, InField(ParsePeriodEnd(*to_text), "to"));
  }
  if (to <= from) return MakeError(ErrorCode::kInvalidField, "统计区间无效：结束须晚于开始", {{"field", "to"}});
  auto calendar = deps_.calendar.Get();
  const long long f = ToUnix(from), t = ToUnix(to);
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    std::map<std::string, CityFigures> cities;
    {
      soci::rowset<soci::row> rows = (sql.prepare << "SELECT code, name FROM cities ORDER BY code");
      for (const soci::row& r : rows) {
        const std::string code = GetText(r, 0);
        if (InScope(p, code, -1)) cities[code].name = GetText(r, 1);
      }
    }
    auto each = [&](const std::string& q, auto&& fn) {
      soci::rowset<soci::row> rows = (sql.prepare << q, soci::use(f), soci::use(t));
      for (const soci::row& r : rows) {
        auto it = cities.find(GetText(r, 0));
        if (it != cities.end()) fn(it->second, r);
      }
    };
    // Counted per city by the database, from index history_action in its order, so
    // without a sort. "+at" keeps the period a filter on the index entries: SQLite's
    // planner, given ANALYZE statistics, would otherwise read the range on `at` by
    // skip-scanning every action and sort the result (4× slower, measured).
    auto history_count = [](std::string_view entity, std::string_view action) {
      return "SELECT city_code, COUNT(*) FROM history WHERE action = '" + std::string(action) + "' AND entity = '" +
             std::string(entity) + "' AND +at >= :f AND +at < :t GROUP BY city_code";
    };
    // Received: submissions in the period.
    each(history_count("application", "submit"),
         [](CityFigures& c, const soci::row& r) { c.received += GetInt(r, 1); });
    // The working days between two days, for each pair once: reviews of a city end on
    // a few days each, and the count walks the calendar day by day.
    std::map<std::pair<CivilDay, CivilDay>, int> working_days;
    auto days_between = [&](CivilDay start, CivilDay end) {
      auto [it, added] = working_days.try_emplace({start, end}, 0);
      if (added) it->second = domain::WorkingDaysBetween(start, end, *calendar);
      return it->second;
    };
    // Reviews done: review deadlines a decision ended. A withdrawal ends one too, but
    // nobody reviewed anything: it is neither done nor late.
    each(
        "SELECT city_code, started_at, due_at, done_at FROM deadlines WHERE kind = 'review' "
        "AND done_at IS NOT NULL AND done_at >= :f AND done_at < :t "
        "AND (closed_by IS NULL OR closed_by <> 'withdraw')",
        [&](CityFigures& c, const soci::row& r) {
          ++c.reviews_done;
          const long long due = GetInt(r, 2), done = GetInt(r, 3);
          if (done <= due) ++c.reviews_on_time;
          c.review_days.push_back(days_between(ShanghaiDay(FromUnix(GetInt(r, 1))), ShanghaiDay(FromUnix(done))));
        });
    each(
        "SELECT city_code, state, late FROM applications WHERE state IN ('succeeded', 'delayed') "
        "AND decided_at >= :f AND decided_at < :t",
        [](CityFigures& c, const soci::row& r) {
          if (GetText(r, 1) == "succeeded") {
            ++c.succeeded;
            if (GetInt(r, 2) == 0) ++c.succeeded_on_time;
          } else {
            ++c.delayed;
          }
        });
    each("SELECT city_code, COUNT(*) FROM complaints WHERE created_at >= :f AND created_at < :t GROUP BY city_code",
         [](CityFigures& c, const soci::row& r) { c.complaints_filed += GetInt(r, 1); });
    each(history_count("complaint", "verify_founded"),
         [](CityFigures& c, const soci::row& r) { c.complaints_founded += GetInt(r, 1); });
    each("SELECT city_code, raised_at, answered_at, status FROM alerts WHERE raised_at >= :f AND raised_at < :t",
         [](CityFigures& c, const soci::row& r) {
           ++c.alerts_raised;
           if (auto answered = GetOptInt(r, 2)) {
             ++c.alerts_answered;
             c.answer_hours_total += static_cast<double>(*answered - GetInt(r, 1)) / 3600.0;
           } else {
             ++c.alerts_open;
           }
         });
    json out = json::array();
    CityFigures total;
    total.name = "合计";
    for (auto& [code, c] : cities) {
      AddInto(total, c);
      out.push_back(FiguresJson(code, c));
    }
    return json{
        {"from", FormatInstant(from)}, {"to", FormatInstant(to)}, {"cities", out}, {"total", FiguresJson("", total)}};
  });
}

Result<std::string> StatsService::CityStatsCsv(const Principal& p, std::optional<std::string> from,
                                               std::optional<std::string> to) {
  LT_ASSIGN_OR_RETURN(json stats, CityStats(p, std::move(from), std::move(to)));
  static const std::pair<const char*, const char*> kColumns[] = {
      {"city_code", "城市代码"},
      {"city_name", "城市"},
      {"applications_received", "收到申请"},
      {"reviews_done", "完成审核"},
      {"reviews_on_time_pct", "按时审核率(%)"},
      {"median_review_working_days", "审核用时中位数(工作日)"},
      {"joint_tests_succeeded", "联调成功"},
      {"joint_tests_on_time_pct", "按期联调成功率(%)"},
      {"joint_tests_delayed", "联调延期"},
      {"complaints_filed", "投诉数"},
      {"complaints_founded", "投诉属实数"},
      {"alerts_raised", "预警数"},
      {"alerts_answered", "已反馈预警"},
      {"alerts_open", "未反馈预警"},
      {"mean_hours_to_answer", "平均反馈用时(小时)"},
  };
  std::string csv(kCsvBom);
  std::vector<std::string> cells;
  for (const auto& [key, header] : kColumns) cells.emplace_back(header);
  AppendCsvRow(csv, cells);
  for (const json& city : stats["cities"]) {
    cells.clear();
    for (const auto& [key, header] : kColumns) {
      const json& v = city[key];
      cells.push_back(v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump());
    }
    AppendCsvRow(csv, cells);
  }
  return csv;
}

}  // namespace liantiao::services
