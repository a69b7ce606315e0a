#include "services/notifications.h"

#include "storage/row.h"

namespace liantiao::services {

using storage::GetInt;
using storage::GetOptInt;
using storage::GetText;

void Notify(soci::session& sql, const Audience& a, const Notice& n, Instant now) {
  std::string role{domain::ToString(a.role)};
  std::string city = a.city_code.value_or("");
  long long vendor = a.vendor_id.value_or(0);
  int by_city = a.city_code ? 1 : 0, by_vendor = a.vendor_id ? 1 : 0;
  storage::OptionalInt app(n.application_id), complaint(n.complaint_id), alert(n.alert_id);
  long long at = ToUnix(now);
  // One INSERT … SELECT fans the notice out to the audience.
  sql << "INSERT INTO notifications (user_id, kind, title, body, application_id, complaint_id, "
         "alert_id, created_at) SELECT u.id, :kind, :title, :body, :app, :complaint, :alert, :at "
         "FROM users u WHERE u.active = 1 AND u.role = :role "
         "AND (:by_city = 0 OR u.city_code = :city) AND (:by_vendor = 0 OR u.vendor_id = :vendor)",
      soci::use(n.kind), soci::use(n.title), soci::use(n.body), soci::use(app.value, app.ind),
      soci::use(complaint.value, complaint.ind), soci::use(alert.value, alert.ind), soci::use(at),
      soci::use(role), soci::use(by_city), soci::use(city), soci::use(by_vendor),
      soci::use(vendor);
}

Result<json> NotificationService::List(const Principal& p, bool unread_only) {
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    json out = json::array();
    std::string q =
        "SELECT id, kind, title, body, application_id, complaint_id, alert_id, created_at, read_at "
        "FROM notifications WHERE user_id = :u";
    if (unread_only) q += " AND read_at IS NULL";
    q += " ORDER BY id DESC LIMIT 200";
    soci::rowset<soci::row> rows = (sql.prepare << q, soci::use(p.user_id));
    for (const soci::row& r : rows) {
      auto opt = [&](std::size_t i) {
        auto v = GetOptInt(r, i);
        return v ? json(*v) : json(nullptr);
      };
      auto read_at = GetOptInt(r, 8);
      out.push_back({{"id", GetInt(r, 0)},
                     {"kind", GetText(r, 1)},
                     {"title", GetText(r, 2)},
                     {"body", GetText(r, 3)},
                     {"application_id", opt(4)},
                     {"complaint_id", opt(5)},
                     {"alert_id", opt(6)},
                     {"created_at", FormatInstant(FromUnix(GetInt(r, 7)))},
                     {"read", read_at.has_value()}});
    }
    return out;
  });
}

Status NotificationService::MarkRead(const Principal& p, long long id) {
  const long long now = ToUnix(deps_.clock.Now());
  return deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    long long owner = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT user_id FROM notifications WHERE id = :id", soci::use(id), soci::into(owner, ind);
    if (!sql.got_data() || owner != p.user_id) return MakeError(ErrorCode::kNotFound, "通知不存在");
    sql << "UPDATE notifications SET read_at = :n WHERE id = :id AND read_at IS NULL", soci::use(now),
        soci::use(id);
    return Ok{};
  });
}

Status NotificationService::MarkAllRead(const Principal& p) {
  const long long now = ToUnix(deps_.clock.Now());
  return deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "UPDATE notifications SET read_at = :n WHERE user_id = :u AND read_at IS NULL",
        soci::use(now), soci::use(p.user_id);
    return Ok{};
  });
}

}  // namespace liantiao::services
