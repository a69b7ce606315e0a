#include "services/scope.h"

namespace liantiao::services {

using domain::Role;

bool InScope(const Principal& p, const std::string& city_code, long long vendor_id) {
  switch (p.role) {
    case Role::kVendor: return p.vendor_id && *p.vendor_id == vendor_id;
    case Role::kCityReviewer:
    case Role::kTechSupport: return p.city_code && *p.city_code == city_code;
    case Role::kProvince:
    case Role::kAdmin:
    case Role::kSystem: return true;
  }
  return false;
}

Status RequireInScope(const Principal& p, const std::string& city_code, long long vendor_id,
                      const char* what) {
  if (InScope(p, city_code, vendor_id)) return OkStatus();
  return MakeError(ErrorCode::kNotFound, std::string(what) + "不存在");
}

ScopePredicate ScopeSql(const Principal& p, const std::string& alias) {
  ScopePredicate s;
  switch (p.role) {
    case Role::kVendor:
      s.sql = " AND " + alias + ".vendor_id = :scope_vendor";
      s.vendor_id = p.vendor_id.value_or(-1);
      s.binds_vendor = true;
      break;
    case Role::kCityReviewer:
    case Role::kTechSupport:
      s.sql = " AND " + alias + ".city_code = :scope_city";
      s.city_code = p.city_code.value_or("");
      s.binds_city = true;
      break;
    case Role::kProvince:
    case Role::kAdmin:
    case Role::kSystem:
      break;
  }
  return s;
}

}  // namespace liantiao::services
