#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "services/deps.h"
#include "services/scope.h"

namespace liantiao::services {

struct NewProduct {
  std::string name, model, kind, version;
};

struct NewApplication {
  std::string city_code;
  std::vector<long long> product_ids;
  std::string path;  // "first" or "connected_elsewhere"
  std::optional<std::string> connected_city_code;
  std::string description;
};

struct ActionInput {
  json problems = json::array();  // return: [{material_id?, text}], delay: [{clause, text}]
  std::string note;
};

struct ApplicationQuery {
  std::optional<std::string> state;
  std::optional<std::string> city_code;
  PageRequest page;
};

struct KeyClaim {
  json body;  // {app_id, secret, profile, endpoint, expires_at}
};

struct FileDownload {
  std::string filename;
  std::string content_type;
  std::string data;
};

// The list query of ApplicationService::List, one page in the inbox order: `where`
// filters `applications a` (its own parameters first), then :limit and :offset. Shared
// with the benchmark that measures it without the service around it.
std::string ApplicationListSql(const std::string& where);

class ApplicationService {
 public:
  explicit ApplicationService(Deps& deps) : deps_(deps) {}

  Result<json> CreateProduct(const Principal& p, const NewProduct& product);
  Result<json> ListProducts(const Principal& p);
  // A product as submitted to a city is part of that record: it can be corrected while
  // only drafts name it, and deleted while nothing does (invalid_transition otherwise).
  Result<json> UpdateProduct(const Principal& p, long long id, const NewProduct& product);
  // Whether product `id` is `p`'s enterprise's (not_found otherwise, as UpdateProduct answers).
  Status LocateProduct(const Principal& p, long long id);
  Status DeleteProduct(const Principal& p, long long id);

  Result<json> Create(const Principal& p, const NewApplication& app);
  // Scoped list, soonest open deadline first: every role's inbox.
  Result<ListPage> List(const Principal& p, const ApplicationQuery& q);
  Result<json> Get(const Principal& p, long long id);
  Result<json> UploadMaterial(const Principal& p, long long id, const std::string& kind, const std::string& filename,
                              const std::string& data);
  Result<FileDownload> DownloadMaterial(const Principal& p, long long id, long long material_id);

  // The one entry for every state change of an application.
  Result<json> Act(const Principal& p, long long id, domain::AppAction action, const ActionInput& input);

  Result<KeyClaim> ClaimKey(const Principal& p, long long id);
  Result<KeyClaim> RotateKey(const Principal& p, long long id);

 private:
  Result<KeyClaim> RevealKey(const Principal& p, long long id, bool rotate);
  Deps& deps_;
};

// --- Shared with the complaint and alert services (same transaction rules) ---

struct AppRow {
  long long id = 0;
  long long vendor_id = 0;
  std::string city_code;
  domain::AppState state = domain::AppState::kDraft;
};

// Loads an application and takes its write lock (a no-op UPDATE, which locks the row
// on PostgreSQL and is covered by BEGIN IMMEDIATE on SQLite). Not found → kNotFound.
Result<AppRow> LockApplication(soci::session& sql, long long id);
Result<AppRow> LoadApplication(soci::session& sql, long long id);

// The product kinds a vendor may declare, each with the Chinese name documents show.
const std::map<std::string, std::string>& ProductKindNames();

// Checks the transition table and carries out its effects: state, deadlines, keys,
// reviews, history, notifications, and closing complaints when the application ends.
Result<domain::AppTransition> ApplyApplicationAction(soci::session& sql, Deps& deps, const Actor& actor,
                                                     const AppRow& app, domain::AppAction action,
                                                     const ActionInput& input, Instant now);

}  // namespace liantiao::services
