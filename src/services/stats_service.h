#pragma once

#include <optional>
#include <string>

#include "services/deps.h"

namespace liantiao::services {

// Per-city figures of process.md for a period [from, to): applications received,
// reviews on time, median review time in working days, joint tests succeeded on time,
// delayed, complaints filed / founded, alerts raised / answered and time to answer.
class StatsService {
 public:
  explicit StatsService(Deps& deps) : deps_(deps) {}
  Result<json> CityStats(const Principal& p, std::optional<std::string> from, std::optional<std::string> to);
  // The same figures as CSV with Chinese headers and a UTF-8 byte-order mark, which is
  // what Excel needs to open Chinese text correctly.
  Result<std::string> CityStatsCsv(const Principal& p, std::optional<std::string> from, std::optional<std::string> to);

 private:
  Deps& deps_;
};

}  // namespace liantiao::services
