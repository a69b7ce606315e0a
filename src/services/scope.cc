#include "services/scope.h"

namespace liantiao::services {

using domain::Role;

bool InScope(const Principal& p, const std::string& city_code, long long vendor_id) {
  switch (p.role) {
    case Role::kVendor:
      return p.vendor_id && *p.vendor_id == vendor_id;
    case Role::kCityReviewer:
    case Role::kTechSupport:
      return p.city_code && *p.city_code == city_code;
    case Role::kProvince:
    case Role::kAdmin:
    case Role::kSystem:
      return true;
  }
  return false;
}

Status RequireInScope(const Principal& p, const std::string& city_code, long long vendor_id, const char* what) {
  if (InScope(p, city_code, vendor_id)) return OkStatus();
  return MakeError(ErrorCode::kNotFound, std::string(what) + "不存在");
}

namespace {
std::string RectificationOrdered(const std::string& alias) {
  return " AND EXISTS (SELECT 1 FROM deadlines dr WHERE dr.application_id = " + alias +
         ".id AND dr.kind = 'rectification')";
}
}  // namespace

Status RequireApplicationInScope(soci::session& sql, const Principal& p, long long application_id,
                                 const std::string& city_code, long long vendor_id) {
  LT_RETURN_IF_ERROR(RequireInScope(p, city_code, vendor_id, "申请"));
  if (p.role != Role::kTechSupport) return OkStatus();
  int ordered = 0;
  sql << "SELECT COUNT(*) FROM applications a WHERE a.id = :id" + RectificationOrdered("a"), soci::use(application_id),
      soci::into(ordered);
  if (ordered == 0) return MakeError(ErrorCode::kNotFound, "申请不存在");
  return OkStatus();
}

std::string ApplicationScopeSql(const Principal& p, const std::string& alias) {
  return p.role == Role::kTechSupport ? RectificationOrdered(alias) : std::string();
}

long long CountRows(soci::session& sql, const std::string& from_where,
                    const std::function<void(soci::statement&)>& bind) {
  long long total = 0;
  soci::statement count = (sql.prepare << "SELECT COUNT(*)" + from_where);
  bind(count);
  count.exchange(soci::into(total));
  count.define_and_bind();
  count.execute(true);
  return total;
}

void EachRowOfPage(soci::session& sql, const std::string& select, const std::function<void(soci::statement&)>& bind,
                   int limit, int offset, const std::function<void(const soci::row&)>& each) {
  soci::row r;
  soci::statement st = (sql.prepare << select);
  bind(st);
  st.exchange(soci::use(limit));
  st.exchange(soci::use(offset));
  st.exchange(soci::into(r));
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) each(r);
}

Status RequireKnownCity(soci::session& sql, const std::string& city_code) {
  int n = 0;
  sql << "SELECT COUNT(*) FROM cities WHERE code = :c", soci::use(city_code), soci::into(n);
  if (n == 0) return MakeError(ErrorCode::kUnknownCity, "", {{"city_code", city_code}});
  return OkStatus();
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
