#pragma once

#include <optional>
#include <string>

#include "domain/workflow.h"

namespace liantiao::services {

// Who is calling: the authenticated user with role and tenant scope.
struct Principal {
  long long user_id = 0;
  std::string username;
  domain::Role role = domain::Role::kVendor;
  std::optional<std::string> city_code;  // city_reviewer, tech_support
  std::optional<long long> vendor_id;    // vendor
};

}  // namespace liantiao::services
