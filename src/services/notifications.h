#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <soci/soci.h>

#include "services/deps.h"

namespace liantiao::services {

// Who must act next: every active user of a role, narrowed to a city or a vendor.
struct Audience {
  domain::Role role;
  std::optional<std::string> city_code;
  std::optional<long long> vendor_id;
};

struct Notice {
  std::string kind;   // e.g. "application_submitted", "alert_raised"
  std::string title;  // Chinese
  std::string body;   // Chinese
  std::optional<long long> application_id;
  std::optional<long long> complaint_id;
  std::optional<long long> alert_id;
};

// Queues the notice for every user in the audience, inside the caller's transaction.
void Notify(soci::session& sql, const Audience& audience, const Notice& notice, Instant now);
// The same for many notices (the sweep): each distinct audience is resolved once and
// the rows go in with multi-row inserts.
void NotifyMany(soci::session& sql, const std::vector<std::pair<Audience, Notice>>& notices, Instant now);

class NotificationService {
 public:
  explicit NotificationService(Deps& deps) : deps_(deps) {}
  Result<json> List(const Principal& p, bool unread_only);
  Status MarkRead(const Principal& p, long long id);
  Status MarkAllRead(const Principal& p);

 private:
  Deps& deps_;
};

}  // namespace liantiao::services
