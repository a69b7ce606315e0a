#pragma once

// The sandbox benchmarks' workload (sandbox_bench over HTTP, sandbox_inprocess without):
// one team of 50 workers, all entered 29 days before now, then WorkerAttendance.Add
// records for them that are all valid and all distinct.
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/device.h"
#include "core/time.h"

namespace liantiao::bench {

inline constexpr int kWorkers = 50;

struct Workforce {
  long long team = 0;
  std::vector<std::string> ids;
  Instant entered;
};

// `write(method, data)` sends one write and returns its async result (the JSON of
// AsyncHandleResult.Query's `result`), throwing when it was not accepted.
template <typename Write>
Workforce PrepareWorkforce(Write write, const std::string& project_code, const std::string& corp_code,
                           const std::string& corp_name, Instant now) {
  using nlohmann::json;
  Workforce w;
  w.team = write("Team.Add", json{{"projectCode", project_code},
                                  {"corpCode", corp_code},
                                  {"corpName", corp_name},
                                  {"teamName", "压测班组"}})["teamSysNo"];
  for (int i = 0; i < kWorkers; ++i) {
    w.ids.push_back(app::FictitiousIdNumber(1000 + static_cast<unsigned>(i) * 7919));
  }
  w.entered = now - std::chrono::days(29);
  json entries = json::array();
  for (int batch = 0; batch < kWorkers / 5; ++batch) {
    json list = json::array();
    for (int i = batch * 5; i < batch * 5 + 5; ++i) {
      list.push_back(app::SampleWorker("工人" + std::to_string(i), w.ids[i]));
      entries.push_back({{"idCardType", "01"},
                         {"idCardNumber", w.ids[i]},
                         {"date", FormatInstant(w.entered).substr(0, 10)},
                         {"type", "1"}});
    }
    write("ProjectWorker.Add", json{{"projectCode", project_code},
                                    {"corpCode", corp_code},
                                    {"corpName", corp_name},
                                    {"teamSysNo", w.team},
                                    {"teamName", "压测班组"},
                                    {"workerList", list}});
  }
  write("WorkerEntryExit.Add", json{{"projectCode", project_code},
                                    {"corpCode", corp_code},
                                    {"corpName", corp_name},
                                    {"teamSysNo", w.team},
                                    {"workerList", entries}});
  return w;
}

// The k-th attendance record: worker k mod 50, one second later every 50 records, from
// noon of the day the workers entered, so that no two are alike.
inline nlohmann::json AttendanceData(const Workforce& w, const std::string& project_code, long long k) {
  const std::string iso = FormatInstant(w.entered + std::chrono::hours(12) + std::chrono::seconds(k / kWorkers));
  return {{"projectCode", project_code},
          {"teamSysNo", w.team},
          {"dataList",
           {{{"idCardType", "01"},
             {"idCardNumber", w.ids[static_cast<std::size_t>(k % kWorkers)]},
             {"date", iso.substr(0, 10) + " " + iso.substr(11, 8)},
             {"direction", "01"},
             {"attendType", "001"}}}}};
}

}  // namespace liantiao::bench
