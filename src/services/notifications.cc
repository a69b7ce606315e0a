#include "services/notifications.h"

#include <map>

#include "storage/bulk.h"
#include "storage/row.h"

namespace liantiao::services {

using storage::GetInt;
using storage::GetOptInt;
using storage::GetText;

void Notify(soci::session& sql, const Audience& a, const Notice& n, Instant now) { NotifyMany(sql, {{a, n}}, now); }

void NotifyMany(soci::session& sql, const std::vector<std::pair<Audience, Notice>>& notices, Instant now) {
  std::map<std::string, std::vector<long long>> audiences;
  auto key_of = [](const Audience& a) {
    return std::string(domain::ToString(a.role)) + "|" + a.city_code.value_or("") + "|" +
           (a.vendor_id ? std::to_string(*a.vendor_id) : "");
  };
  std::vector<storage::BulkRow> rows;
  const std::string at = std::to_string(ToUnix(now));
  auto opt = [](const std::optional<long long>& v) {
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
  };
  for (const auto& [a, n] : notices) {
    const std::string key = key_of(a);
    auto it = audiences.find(key);
    if (it == audiences.end()) {
      std::vector<long long> ids;
      std::string role{domain::ToString(a.role)};
      std::string q = "SELECT id FROM users WHERE active = 1 AND role = :r";
      if (a.city_code) q += " AND city_code = :c";
      if (a.vendor_id) q += " AND vendor_id = :v";
      soci::row r;
      soci::statement st = (sql.prepare << q);
      st.exchange(soci::use(role));
      if (a.city_code) st.exchange(soci::use(*a.city_code));
      if (a.vendor_id) st.exchange(soci::use(*a.vendor_id));
      st.exchange(soci::into(r));
      st.define_and_bind();
      st.execute(false);
      while (st.fetch()) ids.push_back(GetInt(r, 0));
      it = audiences.emplace(key, std::move(ids)).first;
    }
    for (long long user : it->second) {
      rows.push_back({std::to_string(user), n.kind, n.title, n.body, opt(n.application_id), opt(n.complaint_id),
                      opt(n.alert_id), at});
    }
  }
  storage::BulkInsert(sql, "notifications",
                      {"user_id", "kind", "title", "body", "application_id", "complaint_id", "alert_id", "created_at"},
                      rows);
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
    sql << "UPDATE notifications SET read_at = :n WHERE id = :id AND read_at IS NULL", soci::use(now), soci::use(id);
    return Ok{};
  });
}

Status NotificationService::MarkAllRead(const Principal& p) {
  const long long now = ToUnix(deps_.clock.Now());
  return deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "UPDATE notifications SET read_at = :n WHERE user_id = :u AND read_at IS NULL", soci::use(now),
        soci::use(p.user_id);
    return Ok{};
  });
}

}  // namespace liantiao::services
