#pragma once

#include "services/deps.h"

namespace liantiao::services {

class CalendarService {
 public:
  explicit CalendarService(Deps& deps) : deps_(deps) {}

  // Stores the shipped official years that the database lacks (first start), then
  // loads every stored year into the cache.
  Status SeedAndLoad();
  // Reloads the cache from the database (another process may have imported a year).
  Status Reload();

  Result<json> GetYear(int year);
  // Replaces the listed years and recomputes every open deadline. Admin only.
  Result<json> PutYears(const Principal& p, const std::vector<domain::CalendarYear>& years);
  Result<json> Deadline(std::string_view from, int days);

 private:
  Deps& deps_;
};

json CalendarYearJson(const domain::CalendarYear& y);

}  // namespace liantiao::services
