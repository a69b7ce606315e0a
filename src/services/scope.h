#pragma once

#include <functional>
#include <optional>
#include <string>

#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "core/result.h"
#include "services/principal.h"

namespace liantiao::services {

// Tenant scope, decided here and nowhere else: a vendor sees its own enterprise's
// records, city roles their own city's, province and admin everything. A record
// outside the caller's scope is reported as not found, never as forbidden, so its
// existence does not leak.
bool InScope(const Principal& p, const std::string& city_code, long long vendor_id);
Status RequireInScope(const Principal& p, const std::string& city_code, long long vendor_id, const char* what = "记录");

// The same rule as a SQL predicate over `<alias>.city_code` / `<alias>.vendor_id`, for
// list queries: " AND c.city_code = :scope_city" etc., with the value to bind.
struct ScopePredicate {
  std::string sql;  // empty when everything is visible
  std::string city_code;
  long long vendor_id = 0;
  bool binds_city = false;
  bool binds_vendor = false;
};
ScopePredicate ScopeSql(const Principal& p, const std::string& alias);

// Applications have one rule more: a technical support unit reads only those of its
// city with a rectification order (process.md: "its own city's rectification orders");
// the others' materials and joint tests are between the vendor and the city, and the
// unit is often a competitor of the vendor.
Status RequireApplicationInScope(soci::session& sql, const Principal& p, long long application_id,
                                 const std::string& city_code, long long vendor_id);
// The same as SQL over the applications alias, added to ScopeSql's for lists.
std::string ApplicationScopeSql(const Principal& p, const std::string& alias);

// A page of a list that is answered as a JSON array (GET /applications, /alerts, /complaints, as
// the contract shapes them): the rows from `offset`, at most `limit` (clamped to
// 1–kMaxPage), and how many the whole list has, which the API answers as X-Total-Count
// so that no row goes unseen.
constexpr int kMaxPage = 1000;
struct PageRequest {
  int limit = kMaxPage;
  int offset = 0;
};
struct ListPage {
  nlohmann::json items = nlohmann::json::array();
  long long total = 0;
};
// How many rows a list's FROM and WHERE clauses select (`from_where`, e.g.
// " FROM alerts a WHERE a.status = :status"), its placeholders bound by `bind` as the
// page's own statement binds them: a ListPage's total.
long long CountRows(soci::session& sql, const std::string& from_where,
                    const std::function<void(soci::statement&)>& bind);

// The close of a page's SELECT, for EachRowOfPage.
inline constexpr const char* kPageLimit = " LIMIT :limit OFFSET :offset";

// A ListPage's items: runs `select`, whose last two placeholders are `:limit` and
// `:offset` (usually its closing "LIMIT :limit OFFSET :offset"; the inbox's are inside
// a WITH), with the ones before them bound by `bind` as CountRows binds them, and calls
// `each` with every row.
void EachRowOfPage(soci::session& sql, const std::string& select, const std::function<void(soci::statement&)>& bind,
                   int limit, int offset, const std::function<void(const soci::row&)>& each);

// A city code a request names, as a field or a list's filter, must be one of the
// platform's cities: unknown_city (422) otherwise. A known city outside the caller's
// scope is not refused here: a list filtered by it is empty, as scope decides.
Status RequireKnownCity(soci::session& sql, const std::string& city_code);

}  // namespace liantiao::services
