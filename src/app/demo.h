#pragma once

#include <ostream>

#include "app/config.h"

namespace liantiao::app {

// Fills an empty database with a living system: the 21 cities, the calendar, users
// of every role, vendors, and applications in every state with their deadlines,
// alerts, complaints and history, replayed over the last 30 days so that some
// deadlines are overdue now. Prints the logins.
Status RunDemo(const AppConfig& config, std::ostream& out);

inline constexpr const char* kDemoPassword = "Liantiao@2026";

}  // namespace liantiao::app
