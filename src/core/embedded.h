#pragma once

#include <string_view>

// Data files compiled into the binary by liantiao_embed() (src/CMakeLists.txt).
// Each symbol is defined in the library that embeds it.
namespace liantiao::embedded {
extern const std::string_view kGuangdongCities;   // data/guangdong-cities.json (lt_services)
extern const std::string_view kOfficialCalendar;  // data/calendar/official.json (lt_domain)
}  // namespace liantiao::embedded
