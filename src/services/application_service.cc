#include "services/application_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "services/alert_service.h"
#include "services/auth_service.h"
#include "services/complaint_service.h"
#include "services/deadlines.h"
#include "services/history.h"
#include "services/notifications.h"
#include "services/sandbox_service.h"
#include "services/scope.h"
#include "services/vendor_quota.h"
#include "storage/row.h"

namespace liantiao::services {

using domain::AppAction;
using domain::AppState;
using domain::DeadlineKind;
using domain::Role;
using storage::GetInt;
using storage::GetOptInt;
using storage::GetOptText;
using storage::GetText;

const std::map<std::string, std::string>& ProductKindNames() {
  // The names the web app shows (web/src/utils/labels.ts, PRODUCT_KIND_LABELS).
  static const std::map<std::string, std::string> names{{"face_gate", "人脸识别闸机"},
                                                        {"attendance_terminal", "考勤终端"},
                                                        {"software", "劳务管理软件"},
                                                        {"other", "其他"}};
  return names;
}

namespace {

// An application's materials are a few documents per submission; the bound keeps one
// vendor from filling the platform's disk through a single draft.
constexpr long long kMaxMaterials = 100;
Status RoomForAMaterial(soci::session& sql, long long application_id) {
  long long count = 0;
  sql << "SELECT COUNT(*) FROM materials WHERE application_id = :a", soci::use(application_id), soci::into(count);
  if (count < kMaxMaterials) return OkStatus();
  return MakeError(ErrorCode::kInvalidField, "每个申请最多上传 " + std::to_string(kMaxMaterials) + " 份材料",
                   {{"field", "file"}, {"max", kMaxMaterials}});
}

const std::set<std::string>& MaterialKinds() {
  // The materials the procedure asks for; "other" for anything else.
  static const std::set<std::string> kinds{"business_license",
                                           "product_description",
                                           "interface_statement",
                                           "test_report",
                                           "connection_proof",
                                           "authorization_letter",
                                           "other"};
  return kinds;
}

Status RequireRole(const Principal& p, std::initializer_list<Role> roles) {
  if (std::find(roles.begin(), roles.end(), p.role) == roles.end()) {
    return MakeError(ErrorCode::kForbidden);
  }
  return OkStatus();
}

std::string CityName(soci::session& sql, const std::string& code) {
  std::string name;
  soci::indicator ind = soci::i_null;
  sql << "SELECT name FROM cities WHERE code = :c", soci::use(code), soci::into(name, ind);
  return sql.got_data() ? name : "";
}

json Opt(const std::optional<long long>& v) { return v ? json(*v) : json(nullptr); }
json Opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json OptTime(const std::optional<long long>& v) { return v ? json(FormatInstant(FromUnix(*v))) : json(nullptr); }

std::string KeyStatus(const soci::row& r, std::size_t revoked_col, std::size_t expires_col, Instant now) {
  if (GetOptInt(r, revoked_col)) return "revoked";
  if (FromUnix(GetInt(r, expires_col)) < now) return "expired";
  return "active";
}

}  // namespace

Result<AppRow> LoadApplication(soci::session& sql, long long id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, vendor_id, city_code, state FROM applications WHERE id = :id", soci::use(id));
  for (const soci::row& r : rows) {
    auto state = domain::ParseAppState(GetText(r, 3));
    if (!state) return MakeError(ErrorCode::kInternal, "申请状态数据无效");
    return AppRow{GetInt(r, 0), GetInt(r, 1), GetText(r, 2), *state};
  }
  // The same answer as for a record outside the caller's scope, so neither tells the
  // other apart.
  return MakeError(ErrorCode::kNotFound, "申请不存在");
}

Result<AppRow> LockApplication(soci::session& sql, long long id) {
  sql << "UPDATE applications SET updated_at = updated_at WHERE id = :id", soci::use(id);
  return LoadApplication(sql, id);
}

namespace {

// Path 2: city B's success on this platform is the proof, linked. Of the vendor's
// successes in the named city that include at least one of this application's
// products, the one with the most of them, the newest among equals; a success for other
// products proves nothing about these, so then nothing is linked and the proof is an
// upload. Run when the application is created, when city B records a success while the
// application is a draft or returned, and when it is submitted. No-op for path 1.
void LinkConnectedSuccess(soci::session& sql, long long app_id) {
  constexpr const char* kShared =
      "(SELECT COUNT(*) FROM application_products ap JOIN application_products mine "
      "ON mine.product_id = ap.product_id WHERE ap.application_id = a.id AND mine.application_id = me.id)";
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT a.id FROM applications a JOIN applications me ON a.vendor_id = me.vendor_id "
                      "AND a.city_code = me.connected_city_code WHERE me.id = :id AND me.path = "
                      "'connected_elsewhere' AND a.state = 'succeeded' AND "
                   << kShared << " > 0 ORDER BY " << kShared << " DESC, a.decided_at DESC, a.id DESC",
       soci::use(app_id));
  std::optional<long long> linked;
  for (const soci::row& r : rows) {
    linked = GetInt(r, 0);
    break;
  }
  storage::OptionalInt value(linked);
  sql << "UPDATE applications SET connected_application_id = :l WHERE id = :id AND path = 'connected_elsewhere'",
      soci::use(value.value, value.ind), soci::use(app_id);
}

}  // namespace

// ---------------------------------------------------------------- products

namespace {

Status ValidateProduct(const NewProduct& in) {
  LT_RETURN_IF_ERROR(RequireText(in.name, "name", 200));
  LT_RETURN_IF_ERROR(RequireText(in.model, "model", 100));
  LT_RETURN_IF_ERROR(RequireText(in.version, "version", 50));
  if (!ProductKindNames().contains(in.kind)) {
    json allowed = json::array();
    for (const auto& [kind, name] : ProductKindNames()) allowed.push_back(kind);
    return MakeError(ErrorCode::kInvalidField, "产品类型无效", {{"field", "kind"}, {"allowed", allowed}});
  }
  return OkStatus();
}

// How many applications name the product: any at all, and those past their draft.
struct ProductUse {
  long long all = 0, submitted = 0;
};

// Product `id` is `p`'s enterprise's; another's is not found, as scope.h has it.
Status RequireOwnProduct(soci::session& sql, const Principal& p, long long id) {
  long long owner = 0;
  sql << "SELECT vendor_id FROM products WHERE id = :id", soci::use(id), soci::into(owner);
  if (!sql.got_data() || owner != p.vendor_id.value_or(-1)) return MakeError(ErrorCode::kNotFound, "产品不存在");
  return OkStatus();
}

// The caller's own product, locked for a change, with its use; another vendor's is not_found.
Result<ProductUse> LockOwnProduct(soci::session& sql, const Principal& p, long long id) {
  sql << "UPDATE products SET vendor_id = vendor_id WHERE id = :id", soci::use(id);
  LT_RETURN_IF_ERROR(RequireOwnProduct(sql, p, id));
  ProductUse use;
  sql << "SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.state <> 'draft' THEN 1 ELSE 0 END), 0) "
         "FROM application_products ap JOIN applications a ON a.id = ap.application_id WHERE ap.product_id = :id",
      soci::use(id), soci::into(use.all), soci::into(use.submitted);
  return use;
}

}  // namespace

Result<json> ApplicationService::CreateProduct(const Principal& p, const NewProduct& in) {
  LT_RETURN_IF_ERROR(RequireRole(p, {Role::kVendor}));
  LT_RETURN_IF_ERROR(ValidateProduct(in));
  const Instant now = deps_.clock.Now();
  return deps_.db.Transact<json>([&](soci::session& sql) -> Result<json> {
    long long id = 0, at = ToUnix(now), vendor = *p.vendor_id;
    LT_RETURN_IF_ERROR(RoomForVendorProduct(sql, vendor, deps_.config.vendor_max_products));
    sql << "INSERT INTO products (vendor_id, name, model, kind, version, created_at) VALUES "
           "(:v, :n, :m, :k, :ver, :at) RETURNING id",
        soci::use(vendor), soci::use(in.name), soci::use(in.model), soci::use(in.kind), soci::use(in.version),
        soci::use(at), soci::into(id);
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "product",
                                                       .entity_id = id,
                                                       .vendor_id = vendor,
                                                       .actor = Actor::Of(p),
                                                       .action = "product_add",
                                                       .before = "",
                                                       .after = "registered",
                                                       .reason = in.name,
                                                       .at = now}));
    return json{{"id", id},         {"name", in.name},  {"model", in.model}, {"kind", in.kind}, {"version", in.version},
                {"editable", true}, {"deletable", true}};
  });
}

Result<json> ApplicationService::ListProducts(const Principal& p) {
  LT_RETURN_IF_ERROR(RequireRole(p, {Role::kVendor}));
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    json out = json::array();
    long long vendor = *p.vendor_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT p.id, p.name, p.model, p.kind, p.version, "
                        "(SELECT COUNT(*) FROM application_products ap WHERE ap.product_id = p.id), "
                        "(SELECT COUNT(*) FROM application_products ap JOIN applications a ON a.id = ap.application_id "
                        "WHERE ap.product_id = p.id AND a.state <> 'draft') "
                        "FROM products p WHERE p.vendor_id = :v ORDER BY p.id",
         soci::use(vendor));
    for (const soci::row& r : rows) {
      out.push_back({{"id", GetInt(r, 0)},
                     {"name", GetText(r, 1)},
                     {"model", GetText(r, 2)},
                     {"kind", GetText(r, 3)},
                     {"version", GetText(r, 4)},
                     {"editable", GetInt(r, 6) == 0},
                     {"deletable", GetInt(r, 5) == 0}});
    }
    return out;
  });
}

Status ApplicationService::LocateProduct(const Principal& p, long long id) {
  return deps_.db.Read<Ok>([&](soci::session& sql) { return RequireOwnProduct(sql, p, id); });
}

Result<json> ApplicationService::UpdateProduct(const Principal& p, long long id, const NewProduct& in) {
  LT_RETURN_IF_ERROR(RequireRole(p, {Role::kVendor}));
  LT_RETURN_IF_ERROR(ValidateProduct(in));
  const Instant now = deps_.clock.Now();
  return deps_.db.Transact<json>([&](soci::session& sql) -> Result<json> {
    LT_ASSIGN_OR_RETURN(ProductUse use, LockOwnProduct(sql, p, id));
    if (use.submitted > 0) {
      return MakeError(ErrorCode::kInvalidTransition, "产品已随申请提交，不能再修改；如有新版本请添加新产品",
                       {{"applications", use.submitted}});
    }
    sql << "UPDATE products SET name = :n, model = :m, kind = :k, version = :ver WHERE id = :id", soci::use(in.name),
        soci::use(in.model), soci::use(in.kind), soci::use(in.version), soci::use(id);
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "product",
                                                       .entity_id = id,
                                                       .vendor_id = p.vendor_id,
                                                       .actor = Actor::Of(p),
                                                       .action = "product_update",
                                                       .before = "registered",
                                                       .after = "registered",
                                                       .reason = in.name + " " + in.model + " " + in.version,
                                                       .at = now}));
    return json{
        {"id", id},         {"name", in.name},          {"model", in.model}, {"kind", in.kind}, {"version", in.version},
        {"editable", true}, {"deletable", use.all == 0}};
  });
}

Status ApplicationService::DeleteProduct(const Principal& p, long long id) {
  LT_RETURN_IF_ERROR(RequireRole(p, {Role::kVendor}));
  const Instant now = deps_.clock.Now();
  auto done = deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    LT_ASSIGN_OR_RETURN(ProductUse use, LockOwnProduct(sql, p, id));
    if (use.all > 0) {
      return MakeError(ErrorCode::kInvalidTransition, "产品已用于申请，不能删除", {{"applications", use.all}});
    }
    std::string name;
    sql << "SELECT name FROM products WHERE id = :id", soci::use(id), soci::into(name);
    sql << "DELETE FROM products WHERE id = :id", soci::use(id);
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "product",
                                                       .entity_id = id,
                                                       .vendor_id = p.vendor_id,
                                                       .actor = Actor::Of(p),
                                                       .action = "product_delete",
                                                       .before = "registered",
                                                       .after = "deleted",
                                                       .reason = name,
                                                       .at = now}));
    return Ok{};
  });
  if (!done.ok()) return done.take_error();
  return OkStatus();
}

// ---------------------------------------------------------------- applications

Result<json> ApplicationService::Create(const Principal& p, const NewApplication& in) {
  LT_RETURN_IF_ERROR(RequireRole(p, {Role::kVendor}));
  if (in.path != "first" && in.path != "connected_elsewhere") {
    return MakeError(ErrorCode::kInvalidField, "path 须为 first 或 connected_elsewhere", {{"field", "path"}});
  }
  if (in.product_ids.empty()) {
    return MakeError(ErrorCode::kMissingField, "至少选择一个产品", {{"field", "product_ids"}});
  }
  LT_RETURN_IF_ERROR(OptionalText(in.description, "description", 4000));
  const bool elsewhere = in.path == "connected_elsewhere";
  if (elsewhere && !in.connected_city_code) {
    return MakeError(ErrorCode::kMissingField, "已在其他地市对接的，须填写已对接地市",
                     {{"field", "connected_city_code"}});
  }
  if (!elsewhere && in.connected_city_code) {
    return MakeError(ErrorCode::kInvalidField, "首次对接不应填写已对接城市", {{"field", "connected_city_code"}});
  }
  if (elsewhere && *in.connected_city_code == in.city_code) {
    return MakeError(ErrorCode::kInvalidField, "已对接城市不能与申请城市相同", {{"field", "connected_city_code"}});
  }
  const Instant now = deps_.clock.Now();
  const long long vendor = *p.vendor_id;
  auto created = deps_.db.Transact<long long>([&](soci::session& sql) -> Result<long long> {
    for (const std::string* code : {&in.city_code, elsewhere ? &*in.connected_city_code : nullptr}) {
      if (code) LT_RETURN_IF_ERROR(RequireKnownCity(sql, *code));
    }
    std::set<long long> products(in.product_ids.begin(), in.product_ids.end());
    for (long long pid : products) {
      long long owner = 0;
      soci::indicator ind = soci::i_null;
      sql << "SELECT vendor_id FROM products WHERE id = :p", soci::use(pid), soci::into(owner, ind);
      if (!sql.got_data() || owner != vendor) {
        return MakeError(ErrorCode::kUnknownProduct, "", {{"product_id", pid}});
      }
      // The first path is for a product "never connected in any city" (process.md): one the
      // platform records as succeeded in another city comes by the second path, naming that
      // city, whose success is then its linked proof. Judged when the path is chosen; an
      // application made before the success keeps its path.
      if (!elsewhere) {
        std::string done_in, product;
        sql << "SELECT a.city_code, p.name FROM application_products ap "
               "JOIN applications a ON a.id = ap.application_id JOIN products p ON p.id = ap.product_id "
               "WHERE ap.product_id = :p AND a.state = 'succeeded' AND a.city_code <> :c "
               "ORDER BY a.decided_at, a.id LIMIT 1",
            soci::use(pid), soci::use(in.city_code), soci::into(done_in), soci::into(product);
        if (sql.got_data()) {
          const std::string city = CityName(sql, done_in);
          return MakeError(
              ErrorCode::kInvalidField,
              "产品「" + product + "」已在" + city + "联调成功，不属于首次对接：请选择“已在其他地市对接”并填写" + city,
              {{"field", "path"}, {"product_id", pid}, {"connected_city_code", done_in}});
        }
      }
    }
    LT_RETURN_IF_ERROR(RoomForVendorDraft(sql, vendor, deps_.config.vendor_max_drafts));
    storage::OptionalText connected(in.connected_city_code);
    long long id = 0, at = ToUnix(now);
    std::string state{domain::ToString(AppState::kDraft)};
    sql << "INSERT INTO applications (vendor_id, city_code, path, connected_city_code, "
           "description, state, created_at, updated_at) VALUES "
           "(:v, :c, :p, :cc, :d, :s, :at, :at2) RETURNING id",
        soci::use(vendor), soci::use(in.city_code), soci::use(in.path), soci::use(connected.value, connected.ind),
        soci::use(in.description), soci::use(state), soci::use(at), soci::use(at), soci::into(id);
    for (long long pid : products) {
      sql << "INSERT INTO application_products (application_id, product_id) VALUES (:a, :p)", soci::use(id),
          soci::use(pid);
    }
    LinkConnectedSuccess(sql, id);
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "application",
                                                       .entity_id = id,
                                                       .application_id = id,
                                                       .city_code = in.city_code,
                                                       .vendor_id = vendor,
                                                       .actor = Actor::Of(p),
                                                       .action = "create",
                                                       .before = "",
                                                       .after = state,
                                                       .reason = in.path,
                                                       .at = now}));
    return id;
  });
  if (!created.ok()) return created.take_error();
  return Get(p, *created);
}

namespace {

// The test project and contractor provisioned for a key in the hosted sandbox; null for
// a city with its own test environment, whose system knows nothing of them.
json ProvisionedProject(long long key_id, const std::string& city_code, Instant issued, int scheme,
                        const std::string& test_env) {
  if (test_env != "sandbox") return nullptr;
  return IdentityOfKey(key_id, city_code, issued, scheme).ToJson();
}

// Each listed application's products (`products`: id, name, model), read for the whole
// page in one query: the inbox names what is applied for without opening each one.
void AddProducts(soci::session& sql, json& items) {
  if (items.empty()) return;
  std::string ids;
  std::map<long long, json*> by_id;
  for (json& item : items) {
    const long long id = item["id"].get<long long>();
    ids += (ids.empty() ? "" : ",") + std::to_string(id);
    by_id[id] = &item;
  }
  // The ids are the page's own integers, so they are written into the statement.
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT ap.application_id, p.id, p.name, p.model FROM application_products ap "
                      "JOIN products p ON p.id = ap.product_id WHERE ap.application_id IN (" +
                          ids + ") ORDER BY ap.application_id, p.id");
  for (const soci::row& r : rows) {
    if (auto it = by_id.find(GetInt(r, 0)); it != by_id.end()) {
      (*it->second)["products"].push_back({{"id", GetInt(r, 1)}, {"name", GetText(r, 2)}, {"model", GetText(r, 3)}});
    }
  }
}

}  // namespace

std::string ApplicationListSql(const std::string& where) {
  // The inbox order: the soonest open deadline first, then the newest. The page is
  // chosen from index entries alone (applications by city and state, open deadlines
  // by deadlines_open_own), then only its rows are read and joined.
  return "WITH page AS (SELECT a.id AS id, d.id AS deadline_id, d.due_at AS due FROM applications a "
         // An application has at most one open deadline of its own (review or joint
         // test; complaint deadlines are the complaint's), so a plain join finds it
         // without a correlated subquery per row. A deadline is in its application's
         // city; saying so lets the database narrow the deadlines to the city's.
         "LEFT JOIN deadlines d ON d.application_id = a.id AND d.city_code = a.city_code AND d.done_at IS NULL "
         "AND d.complaint_id IS NULL " +
         where +
         " ORDER BY CASE WHEN d.due_at IS NULL THEN 1 ELSE 0 END, d.due_at, a.id DESC "
         "LIMIT :limit OFFSET :offset) "
         "SELECT a.id, a.vendor_id, v.name, a.city_code, c.name, a.path, a.state, a.late, "
         "a.created_at, a.updated_at, a.submitted_at, d.kind, d.started_at, d.due_at, d.done_at, "
         "d.provisional, d.working_days, d.closed_by FROM page JOIN applications a ON a.id = page.id "
         "JOIN vendors v ON v.id = a.vendor_id JOIN cities c ON c.code = a.city_code "
         "LEFT JOIN deadlines d ON d.id = page.deadline_id "
         "ORDER BY CASE WHEN page.due IS NULL THEN 1 ELSE 0 END, page.due, page.id DESC";
}

Result<ListPage> ApplicationService::List(const Principal& p, const ApplicationQuery& q) {
  if (q.state && !domain::ParseAppState(*q.state)) {
    return MakeError(ErrorCode::kInvalidField, "状态值无效", {{"field", "state"}});
  }
  const Instant now = deps_.clock.Now();
  auto calendar = deps_.calendar.Get();
  const int limit = std::clamp(q.page.limit, 1, kMaxPage), offset = std::max(q.page.offset, 0);
  return deps_.db.Read<ListPage>([&](soci::session& sql) -> Result<ListPage> {
    if (q.city_code) LT_RETURN_IF_ERROR(RequireKnownCity(sql, *q.city_code));
    ScopePredicate scope = ScopeSql(p, "a");
    std::string where = "WHERE 1 = 1" + scope.sql + ApplicationScopeSql(p, "a");
    if (q.state) where += " AND a.state = :state";
    if (q.city_code) where += " AND a.city_code = :city";
    auto bind = [&](soci::statement& s) {
      if (scope.binds_vendor) s.exchange(soci::use(scope.vendor_id));
      if (scope.binds_city) s.exchange(soci::use(scope.city_code));
      if (q.state) s.exchange(soci::use(*q.state));
      if (q.city_code) s.exchange(soci::use(*q.city_code));
    };
    ListPage out;
    out.total = CountRows(sql, " FROM applications a " + where, bind);
    EachRowOfPage(sql, ApplicationListSql(where), bind, limit, offset, [&](const soci::row& r) {
      json item = {{"id", GetInt(r, 0)},
                   {"vendor", {{"id", GetInt(r, 1)}, {"name", GetText(r, 2)}}},
                   {"city_code", GetText(r, 3)},
                   {"city_name", GetText(r, 4)},
                   {"path", GetText(r, 5)},
                   {"state", GetText(r, 6)},
                   {"late", GetInt(r, 7) != 0},
                   {"created_at", FormatInstant(FromUnix(GetInt(r, 8)))},
                   {"updated_at", FormatInstant(FromUnix(GetInt(r, 9)))},
                   {"submitted_at", OptTime(GetOptInt(r, 10))}};
      if (auto s = domain::ParseAppState(GetText(r, 6))) item["state_name"] = domain::ChineseName(*s);
      item["next_deadline"] = GetOptText(r, 11) ? DeadlineJson(r, 11, now, *calendar) : json(nullptr);
      item["products"] = json::array();
      out.items.push_back(std::move(item));
    });
    AddProducts(sql, out.items);
    return out;
  });
}

Result<json> ApplicationService::Get(const Principal& p, long long id) {
  const Instant now = deps_.clock.Now();
  auto calendar = deps_.calendar.Get();
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    LT_ASSIGN_OR_RETURN(AppRow app, LoadApplication(sql, id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, id, app.city_code, app.vendor_id));
    json j;
    {
      soci::rowset<soci::row> rows =
          (sql.prepare
               << "SELECT a.path, a.connected_city_code, a.connected_application_id, "
                  "a.description, a.late, a.round, a.created_at, a.updated_at, "
                  "a.submitted_at, a.decided_at, v.name, COALESCE(v.released_code, v.credit_code), c.name, c.profile, "
                  "c.test_env, b.name FROM applications a JOIN vendors v ON v.id = a.vendor_id "
                  "JOIN cities c ON c.code = a.city_code LEFT JOIN cities b ON b.code = "
                  "a.connected_city_code WHERE a.id = :id",
           soci::use(id));
      for (const soci::row& r : rows) {
        j = {{"id", id},
             {"state", domain::ToString(app.state)},
             {"state_name", domain::ChineseName(app.state)},
             {"path", GetText(r, 0)},
             {"connected_city_code", Opt(GetOptText(r, 1))},
             {"connected_city_name", Opt(GetOptText(r, 15))},
             {"connected_application_id", Opt(GetOptInt(r, 2))},
             {"description", GetText(r, 3)},
             {"late", GetInt(r, 4) != 0},
             {"round", GetInt(r, 5)},
             {"created_at", FormatInstant(FromUnix(GetInt(r, 6)))},
             {"updated_at", FormatInstant(FromUnix(GetInt(r, 7)))},
             {"submitted_at", OptTime(GetOptInt(r, 8))},
             {"decided_at", OptTime(GetOptInt(r, 9))},
             {"vendor", {{"id", app.vendor_id}, {"name", GetText(r, 10)}, {"credit_code", GetText(r, 11)}}},
             {"city",
              {{"code", app.city_code},
               {"name", GetText(r, 12)},
               {"profile", GetText(r, 13)},
               {"test_env", GetText(r, 14)}}},
             {"city_code", app.city_code}};
      }
    }
    if (auto linked = j["connected_application_id"]; !linked.is_null()) {
      // City B's success record, shown as the proof (no upload needed).
      long long lid = linked.get<long long>();
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT a.state, a.decided_at, c.name FROM applications a JOIN cities c "
                          "ON c.code = a.city_code WHERE a.id = :id",
           soci::use(lid));
      for (const soci::row& r : rows) {
        j["connected_application"] = {{"id", lid},
                                      {"state", GetText(r, 0)},
                                      {"decided_at", OptTime(GetOptInt(r, 1))},
                                      {"city_name", GetText(r, 2)}};
      }
      // Whether city B's success covers every product applied for here: a proof for
      // other products is still linked, and the reviewer is told.
      int uncovered = 0;
      sql << "SELECT COUNT(*) FROM application_products ap WHERE ap.application_id = :a AND ap.product_id NOT IN "
             "(SELECT b.product_id FROM application_products b WHERE b.application_id = :l)",
          soci::use(id), soci::use(lid), soci::into(uncovered);
      if (j.contains("connected_application")) j["connected_application"]["covers_products"] = uncovered == 0;
    }
    j["products"] = json::array();
    {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT p.id, p.name, p.model, p.kind, p.version FROM products p JOIN "
                          "application_products ap ON ap.product_id = p.id WHERE ap.application_id = :id "
                          "ORDER BY p.id",
           soci::use(id));
      for (const soci::row& r : rows) {
        j["products"].push_back({{"id", GetInt(r, 0)},
                                 {"name", GetText(r, 1)},
                                 {"model", GetText(r, 2)},
                                 {"kind", GetText(r, 3)},
                                 {"version", GetText(r, 4)}});
      }
    }
    j["deadlines"] = DeadlinesJson(sql, id, now, *calendar);
    j["materials"] = json::array();
    {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT id, kind, filename, content_type, size, sha256, round, uploaded_at "
                          "FROM materials WHERE application_id = :id ORDER BY id",
           soci::use(id));
      for (const soci::row& r : rows) {
        j["materials"].push_back({{"id", GetInt(r, 0)},
                                  {"kind", GetText(r, 1)},
                                  {"filename", GetText(r, 2)},
                                  {"content_type", GetText(r, 3)},
                                  {"size", GetInt(r, 4)},
                                  {"sha256", GetText(r, 5)},
                                  {"round", GetInt(r, 6)},
                                  {"uploaded_at", FormatInstant(FromUnix(GetInt(r, 7)))}});
      }
    }
    j["reviews"] = json::array();
    {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT r.id, r.action, r.note, r.problems, r.late, r.created_at, u.display_name "
                          "FROM reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.application_id = :id "
                          "ORDER BY r.id",
           soci::use(id));
      for (const soci::row& r : rows) {
        j["reviews"].push_back({{"id", GetInt(r, 0)},
                                {"action", GetText(r, 1)},
                                {"note", GetText(r, 2)},
                                {"problems", json::parse(GetText(r, 3))},
                                {"late", GetInt(r, 4) != 0},
                                {"created_at", FormatInstant(FromUnix(GetInt(r, 5)))},
                                {"reviewer", GetText(r, 6)}});
      }
    }
    j["test_key"] = nullptr;
    j["test_keys"] = json::array();
    {
      soci::rowset<soci::row> rows =
          (sql.prepare
               << "SELECT app_key, profile, issued_at, expires_at, claimed_at, revoked_at, "
                  "revoked_reason, id, store_purged_at, identity_scheme FROM test_keys WHERE application_id = :id "
                  "ORDER BY id",
           soci::use(id));
      // Where to send and the provisioned test project are not secret: the vendor's
      // engineers and the reviewer need them for as long as the key lives, not only
      // in the one answer that shows the secret.
      const std::string test_env = j["city"].value("test_env", std::string("sandbox"));
      for (const soci::row& r : rows) {
        const std::string profile = GetText(r, 1);
        const Instant issued = FromUnix(GetInt(r, 2));
        json k = {{"app_id", GetText(r, 0)},
                  {"profile", profile},
                  {"issued_at", FormatInstant(issued)},
                  {"expires_at", FormatInstant(FromUnix(GetInt(r, 3)))},
                  {"claimed", GetOptInt(r, 4).has_value()},
                  {"claimed_at", OptTime(GetOptInt(r, 4))},
                  {"revoked_at", OptTime(GetOptInt(r, 5))},
                  {"revoked_reason", GetText(r, 6)},
                  {"store_purged_at", OptTime(GetOptInt(r, 8))},
                  {"status", KeyStatus(r, 5, 3, now)},
                  {"endpoint", SandboxEndpoint(deps_, app.city_code, profile, test_env)},
                  {"sandbox",
                   ProvisionedProject(GetInt(r, 7), app.city_code, issued, static_cast<int>(GetInt(r, 9)), test_env)}};
        j["test_keys"].push_back(k);
        if (k["status"] != "revoked") j["test_key"] = k;
      }
    }
    j["alerts"] = ApplicationAlerts(sql, id, p.role == Role::kVendor);
    j["complaints"] = json::array();
    {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT id, conduct, state, created_at FROM complaints WHERE application_id = :id "
                          "ORDER BY id",
           soci::use(id));
      for (const soci::row& r : rows) {
        json c = {{"id", GetInt(r, 0)},
                  {"conduct", GetText(r, 1)},
                  {"state", GetText(r, 2)},
                  {"created_at", FormatInstant(FromUnix(GetInt(r, 3)))}};
        if (auto s = domain::ParseComplaintState(GetText(r, 2))) c["state_name"] = domain::ChineseName(*s);
        j["complaints"].push_back(std::move(c));
      }
    }
    j["history"] = ApplicationHistory(sql, id);
    if (p.role == Role::kVendor) {
      // The province's urging note is addressed to the city, as in the alerts list.
      for (json& h : j["history"]) {
        if (h["entity"] == "alert" && h["action"] == "urge") h["reason"] = "";
      }
    }
    return j;
  });
}

Result<json> ApplicationService::UploadMaterial(const Principal& p, long long id, const std::string& kind,
                                                const std::string& filename, const std::string& data) {
  LT_RETURN_IF_ERROR(RequireRole(p, {Role::kVendor}));
  if (!MaterialKinds().count(kind)) {
    return MakeError(ErrorCode::kInvalidField, "材料类型无效", {{"field", "kind"}, {"allowed", MaterialKinds()}});
  }
  LT_RETURN_IF_ERROR(RequireText(filename, "filename", 255));
  // Check the application before writing the file, so a refused upload stores nothing.
  auto pre = deps_.db.Read<AppRow>([&](soci::session& sql) { return LoadApplication(sql, id); });
  if (!pre.ok()) return pre.take_error();
  LT_RETURN_IF_ERROR(RequireInScope(p, pre->city_code, pre->vendor_id, "申请"));
  LT_RETURN_IF_ERROR(domain::RequireAllowed(pre->state, domain::AppActivity::kUploadMaterial));
  auto room = deps_.db.Read<Ok>([&](soci::session& sql) -> Result<Ok> {
    LT_RETURN_IF_ERROR(RoomForAMaterial(sql, id));
    LT_RETURN_IF_ERROR(RoomInVendorStorage(sql, pre->vendor_id, static_cast<long long>(data.size()),
                                           deps_.config.vendor_storage_bytes));
    return Ok{};
  });
  if (!room.ok()) return room.take_error();
  LT_ASSIGN_OR_RETURN(StoredFile stored, deps_.files.Store(data));
  const Instant now = deps_.clock.Now();
  return deps_.db.Transact<json>([&](soci::session& sql) -> Result<json> {
    LT_ASSIGN_OR_RETURN(AppRow app, LockApplication(sql, id));
    LT_RETURN_IF_ERROR(domain::RequireAllowed(app.state, domain::AppActivity::kUploadMaterial));
    LT_RETURN_IF_ERROR(RoomForAMaterial(sql, id));
    LT_RETURN_IF_ERROR(RoomInVendorStorage(sql, app.vendor_id, stored.size, deps_.config.vendor_storage_bytes));
    long long round = 0, mid = 0, at = ToUnix(now);
    sql << "SELECT round FROM applications WHERE id = :id", soci::use(id), soci::into(round);
    sql << "INSERT INTO materials (application_id, kind, filename, content_type, size, sha256, round, "
           "uploaded_by, uploaded_at) VALUES (:a, :k, :f, :t, :s, :h, :r, :u, :at) RETURNING id",
        soci::use(id), soci::use(kind), soci::use(filename), soci::use(stored.content_type), soci::use(stored.size),
        soci::use(stored.sha256), soci::use(round), soci::use(p.user_id), soci::use(at), soci::into(mid);
    std::string st{domain::ToString(app.state)};
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "application",
                                                       .entity_id = id,
                                                       .application_id = id,
                                                       .city_code = app.city_code,
                                                       .vendor_id = app.vendor_id,
                                                       .actor = Actor::Of(p),
                                                       .action = "material_upload",
                                                       .before = st,
                                                       .after = st,
                                                       .reason = kind + ": " + filename + " (" + stored.sha256 + ")",
                                                       .at = now}));
    return json{{"id", mid},
                {"kind", kind},
                {"filename", filename},
                {"size", stored.size},
                {"sha256", stored.sha256},
                {"content_type", stored.content_type}};
  });
}

Result<FileDownload> ApplicationService::DownloadMaterial(const Principal& p, long long id, long long material_id) {
  auto meta = deps_.db.Read<FileDownload>([&](soci::session& sql) -> Result<FileDownload> {
    LT_ASSIGN_OR_RETURN(AppRow app, LoadApplication(sql, id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, id, app.city_code, app.vendor_id));
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT filename, content_type, sha256 FROM materials WHERE id = :m AND "
                        "application_id = :a",
         soci::use(material_id), soci::use(id));
    for (const soci::row& r : rows) return FileDownload{GetText(r, 0), GetText(r, 1), GetText(r, 2)};
    return MakeError(ErrorCode::kNotFound, "材料不存在");
  });
  if (!meta.ok()) return meta.take_error();
  LT_ASSIGN_OR_RETURN(std::string bytes, deps_.files.Read(meta->data));
  meta->data = std::move(bytes);
  return meta;
}

// ---------------------------------------------------------------- transitions

namespace {

Result<int> ValidateProblems(soci::session& sql, long long app_id, AppAction action, const json& problems) {
  if (!problems.is_array()) {
    return MakeError(ErrorCode::kInvalidField, "problems 须为数组", {{"field", "problems"}});
  }
  // Bounds that no real problem list reaches, so one decision cannot bloat every later
  // view of the application.
  constexpr std::size_t kMaxProblems = 100, kMaxText = 4000, kMaxClause = 500;
  if (problems.size() > kMaxProblems) {
    return MakeError(ErrorCode::kInvalidField, "问题清单最多 " + std::to_string(kMaxProblems) + " 项",
                     {{"field", "problems"}, {"max_items", kMaxProblems}});
  }
  auto text_of = [](const json& pr, const char* key) -> std::optional<std::string> {
    if (!pr.is_object() || !pr.contains(key) || !pr[key].is_string() || IsBlank(pr[key].get<std::string>())) {
      return std::nullopt;
    }
    return pr[key].get<std::string>();
  };
  int i = 0;
  for (const json& pr : problems) {
    const std::string at = "problems[" + std::to_string(i) + "]";
    const auto text = text_of(pr, "text");
    if (!text) {
      return MakeError(ErrorCode::kInvalidField, "每个问题都须写明具体内容（text）", {{"field", at + ".text"}});
    }
    LT_RETURN_IF_ERROR(OptionalText(*text, at + ".text", kMaxText));
    if (action == AppAction::kDelay) {
      const auto clause = text_of(pr, "clause");
      if (!clause) {
        return MakeError(ErrorCode::kInvalidField, "联调延期的每个问题须注明所违反的接口标准条款或测试用例",
                         {{"field", at + ".clause"}});
      }
      LT_RETURN_IF_ERROR(OptionalText(*clause, at + ".clause", kMaxClause));
    }
    if (action == AppAction::kReturn && pr.contains("material_id") && !pr["material_id"].is_null()) {
      if (!pr["material_id"].is_number_integer()) {
        return MakeError(ErrorCode::kInvalidField, "material_id 须为整数", {{"field", at + ".material_id"}});
      }
      long long mid = pr["material_id"].get<long long>();
      int n = 0;
      sql << "SELECT COUNT(*) FROM materials WHERE id = :m AND application_id = :a", soci::use(mid), soci::use(app_id),
          soci::into(n);
      if (n == 0) {
        return MakeError(ErrorCode::kInvalidField, "问题所指的材料不属于本申请", {{"field", at + ".material_id"}});
      }
    }
    ++i;
  }
  return i;
}

struct ActionNotice {
  Audience audience;
  std::string kind, title;
};

std::optional<ActionNotice> NoticeFor(AppAction action, const AppRow& app) {
  Audience vendor{Role::kVendor, std::nullopt, app.vendor_id};
  Audience reviewers{Role::kCityReviewer, app.city_code, std::nullopt};
  switch (action) {
    case AppAction::kSubmit:
      return ActionNotice{reviewers, "review_due", "有新的联调申请待审核"};
    case AppAction::kResubmit:
      return ActionNotice{reviewers, "review_due", "申请已修改并重新提交，待审核"};
    case AppAction::kWithdraw:
      return ActionNotice{reviewers, "application_withdrawn", "企业已撤回联调申请"};
    case AppAction::kApprove:
      return ActionNotice{vendor, "key_issued", "审核通过，测试密钥已发放，请在 5 个工作日内完成联调"};
    case AppAction::kReturn:
      return ActionNotice{vendor, "returned", "申请被退回修改，请按问题清单修改后重新提交"};
    case AppAction::kSucceed:
      return ActionNotice{vendor, "succeeded", "联调成功"};
    case AppAction::kDelay:
      return ActionNotice{vendor, "delayed", "联调延期，请查看问题清单"};
    case AppAction::kReissueKey:
      return ActionNotice{vendor, "key_issued", "整改完成，新的测试密钥已发放，联调期限重新计算"};
  }
  return std::nullopt;
}

// A new key for the application's open joint-test window; the key in use is revoked
// as `superseded` (the city's re-issue) or `rotated` (the vendor's own new key).
Status IssueKey(soci::session& sql, Deps& deps, const AppRow& app, Instant now,
                const std::string& revoked_reason = "superseded") {
  long long at = ToUnix(now);
  sql << "UPDATE test_keys SET revoked_at = :n, revoked_reason = :r WHERE application_id = :a "
         "AND revoked_at IS NULL",
      soci::use(at), soci::use(revoked_reason), soci::use(app.id);
  auto window = FindOpenDeadline(sql, app.id, DeadlineKind::kJointTest);
  if (!window) return MakeError(ErrorCode::kInternal, "联调期限缺失");
  long long expires = ToUnix(window->due_at) + deps.config.key_grace_days * 86400LL;
  std::string profile;
  sql << "SELECT profile FROM cities WHERE code = :c", soci::use(app.city_code), soci::into(profile);
  const std::string app_key = "lt" + crypto::HexEncode(crypto::RandomBytes(10));
  const std::string sealed = deps.secrets.Seal(crypto::HexEncode(crypto::RandomBytes(16)));
  sql << "INSERT INTO test_keys (application_id, app_key, secret_sealed, city_code, profile, issued_at, "
         "expires_at) VALUES (:a, :k, :s, :c, :p, :i, :e)",
      soci::use(app.id), soci::use(app_key), soci::use(sealed), soci::use(app.city_code), soci::use(profile),
      soci::use(at), soci::use(expires);
  return OkStatus();
}

}  // namespace

Result<domain::AppTransition> ApplyApplicationAction(soci::session& sql, Deps& deps, const Actor& actor,
                                                     const AppRow& app, AppAction action, const ActionInput& input,
                                                     Instant now) {
  domain::AppGuardInput guard{now, std::nullopt, 0};
  if (auto window = FindOpenDeadline(sql, app.id, DeadlineKind::kJointTest)) {
    guard.joint_test_due = window->due_at;
  }
  if (auto review = FindOpenDeadline(sql, app.id, DeadlineKind::kReview)) guard.review_due = review->due_at;
  if (action == AppAction::kDelay) {
    sql << "SELECT COUNT(*) FROM complaints WHERE application_id = :a "
           "AND state IN ('submitted', 'founded', 'rectifying')",
        soci::use(app.id), soci::into(guard.open_complaints);
  }
  if (action == AppAction::kReturn || action == AppAction::kDelay) {
    // Who may act in which state is judged before the problem list: a return of an
    // application already returned is invalid_transition whatever its problems say.
    domain::AppGuardInput listed = guard;
    listed.problem_count = 1;
    if (auto allowed = domain::ApplyAppAction(app.state, action, actor.role, listed); !allowed.ok()) {
      const ErrorCode code = allowed.error().code;
      if (code == ErrorCode::kInvalidTransition || code == ErrorCode::kForbidden) return allowed.take_error();
    }
    LT_ASSIGN_OR_RETURN(guard.problem_count, ValidateProblems(sql, app.id, action, input.problems));
  }
  const int problem_count = guard.problem_count;
  LT_ASSIGN_OR_RETURN(domain::AppTransition t, domain::ApplyAppAction(app.state, action, actor.role, guard));
  if (action == AppAction::kSubmit || action == AppAction::kResubmit) {
    // The reviewer's 3 working days are for materials: nothing to review, nothing to submit.
    long long materials = 0;
    sql << "SELECT COUNT(*) FROM materials WHERE application_id = :a", soci::use(app.id), soci::into(materials);
    if (materials == 0) {
      return MakeError(ErrorCode::kMissingField, "请先上传申请材料再提交", {{"field", "materials"}});
    }
    // Path 2 names city B and the proof: city B's success on this platform, linked (looked
    // for again now: it may have been recorded since the draft was made), or else an
    // uploaded proof of the connection there; also when the linked success leaves some of
    // the products applied for out, since it proves nothing about those.
    LinkConnectedSuccess(sql, app.id);
    int linked = 0;
    long long uncovered = 0, proofs = 0;
    sql << "SELECT CASE WHEN a.connected_application_id IS NULL THEN 0 ELSE 1 END, (SELECT COUNT(*) FROM "
           "application_products mine WHERE mine.application_id = a.id AND mine.product_id NOT IN (SELECT "
           "b.product_id FROM application_products b WHERE b.application_id = a.connected_application_id)), "
           "(SELECT COUNT(*) FROM materials m WHERE m.application_id = a.id AND m.kind = 'connection_proof') "
           "FROM applications a WHERE a.id = :a AND a.path = 'connected_elsewhere'",
        soci::use(app.id), soci::into(linked), soci::into(uncovered), soci::into(proofs);
    if (sql.got_data() && proofs == 0 && (linked == 0 || uncovered != 0)) {
      return MakeError(
          ErrorCode::kMissingField,
          linked != 0
              ? "已在其他城市联调的申请须上传该城市的联调成功证明（本平台关联的联调成功记录未包含所申请的全部产品）"
              : "已在其他城市联调的申请须上传该城市的联调成功证明（本平台无其联调成功记录可关联）",
          {{"field", "materials"}, {"kind", "connection_proof"}});
    }
  }
  auto calendar = deps.calendar.Get();
  const long long at = ToUnix(now);
  std::string to{domain::ToString(t.to)};
  int late = t.late ? 1 : 0;
  sql << "UPDATE applications SET state = :s, updated_at = :at, late = CASE WHEN :late = 1 THEN 1 ELSE late END "
         "WHERE id = :id",
      soci::use(to), soci::use(at), soci::use(late), soci::use(app.id);
  if (action == AppAction::kSubmit || action == AppAction::kResubmit) {
    sql << "UPDATE applications SET submitted_at = :at, round = round + 1 WHERE id = :id", soci::use(at),
        soci::use(app.id);
  }
  if (domain::IsFinal(t.to)) {
    sql << "UPDATE applications SET decided_at = :at WHERE id = :id", soci::use(at), soci::use(app.id);
  }
  if (t.to == AppState::kSucceeded) {
    // The vendor's path-2 applications naming this city that are still being prepared
    // now find this success, as their vendor sees them before submitting.
    std::vector<long long> waiting;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id FROM applications WHERE vendor_id = :v AND connected_city_code = :c AND "
                        "path = 'connected_elsewhere' AND state IN ('draft', 'returned')",
         soci::use(app.vendor_id), soci::use(app.city_code));
    for (const soci::row& r : rows) waiting.push_back(GetInt(r, 0));
    for (long long id : waiting) LinkConnectedSuccess(sql, id);
  }
  LT_RETURN_IF_ERROR(CloseDeadlines(sql, app.id, t.close_deadlines, now, domain::ToString(action)));
  for (DeadlineKind kind : t.start_deadlines) {
    const int days = kind == DeadlineKind::kReview ? domain::kReviewWorkingDays : domain::kJointTestWorkingDays;
    StartDeadline(sql, *calendar, kind, app.id, std::nullopt, app.city_code, days, now);
  }
  if (t.issue_key) LT_RETURN_IF_ERROR(IssueKey(sql, deps, app, now));
  if (t.revoke_key) {
    sql << "UPDATE test_keys SET revoked_at = :n, revoked_reason = :r WHERE application_id = :a "
           "AND revoked_at IS NULL",
        soci::use(at), soci::use(to), soci::use(app.id);
  }
  // 联调成功 and 联调延期 are decided on the report as it stands now: kept with the
  // decision, it stays the application's report whatever the key's evidence does later.
  // The decision's history entry records the kept report's digest: the chain then
  // covers the report too (a report changed afterwards no longer matches it).
  std::optional<std::string> report_digest;
  if (action == AppAction::kSucceed || action == AppAction::kDelay) {
    LT_ASSIGN_OR_RETURN(json report, SandboxService::BuildReport(sql, deps, app.id, now));
    report["frozen_at"] = FormatInstant(now);
    const std::string text = KeptReportText(report);
    sql << "INSERT INTO decided_reports (application_id, decided_at, report) VALUES (:id, :at, :r)", soci::use(app.id),
        soci::use(at), soci::use(text);
    report_digest = KeptReportDigest(text);
  }
  const bool review = action == AppAction::kApprove || action == AppAction::kReturn || action == AppAction::kSucceed ||
                      action == AppAction::kDelay;
  if (review && actor.user_id) {
    std::string word{domain::ToString(action)}, problems = input.problems.dump();
    sql << "INSERT INTO reviews (application_id, reviewer_id, action, note, problems, late, created_at) "
           "VALUES (:a, :u, :w, :n, :p, :l, :at)",
        soci::use(app.id), soci::use(*actor.user_id), soci::use(word), soci::use(input.note), soci::use(problems),
        soci::use(late), soci::use(at);
  }
  std::string reason = input.note;
  if (problem_count > 0) reason += (reason.empty() ? "" : "；") + input.problems.dump();
  if (t.late) reason += (reason.empty() ? "" : "；") + std::string("逾期后记录");
  LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "application",
                                                     .entity_id = app.id,
                                                     .application_id = app.id,
                                                     .city_code = app.city_code,
                                                     .vendor_id = app.vendor_id,
                                                     .actor = actor,
                                                     .action = std::string(domain::ToString(action)),
                                                     .before = std::string(domain::ToString(app.state)),
                                                     .after = to,
                                                     .reason = reason,
                                                     .at = now,
                                                     .report_digest = report_digest}));
  if (auto notice = NoticeFor(action, app)) {
    Notify(
        sql, notice->audience,
        Notice{notice->kind, notice->title, "申请编号 " + std::to_string(app.id), app.id, std::nullopt, std::nullopt},
        now);
  }
  if (domain::IsFinal(t.to)) {
    // A complaint about this application ends with it.
    std::vector<ComplaintRow> open;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, state FROM complaints WHERE application_id = :a", soci::use(app.id));
    for (const soci::row& r : rows) {
      if (auto s = domain::ParseComplaintState(GetText(r, 1))) {
        open.push_back({GetInt(r, 0), app.id, app.vendor_id, app.city_code, *s});
      }
    }
    for (const ComplaintRow& c : open) {
      // Submitted or already final: the table has no close for it, and it stays as it is.
      if (!domain::ApplyComplaintAction(c.state, domain::ComplaintAction::kClose, Role::kSystem).ok()) continue;
      domain::ComplaintState closed;
      LT_RETURN_IF_ERROR(TransitionComplaint(sql, c, domain::ComplaintAction::kClose, Actor::System(),
                                             domain::ApplicationEndedPhrase(t.to), now, closed));
      LT_RETURN_IF_ERROR(CloseDeadlines(sql, app.id, {DeadlineKind::kRectification}, now,
                                        domain::ToString(domain::ComplaintAction::kClose), c.id));
    }
  }
  return t;
}

Result<json> ApplicationService::Act(const Principal& p, long long id, AppAction action, const ActionInput& input) {
  LT_RETURN_IF_ERROR(OptionalText(input.note, "note", 4000));
  const Instant now = deps_.clock.Now();
  auto done = deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    LT_ASSIGN_OR_RETURN(AppRow app, LockApplication(sql, id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, app.id, app.city_code, app.vendor_id));
    if (p.role == Role::kVendor) {
      // A vendor's session ends when its enterprise is released (AuthService::ReleaseVendor);
      // a request already past the session check when that happened is refused here.
      soci::indicator released = soci::i_null;
      long long released_at = 0;
      sql << "SELECT released_at FROM vendors WHERE id = :v", soci::use(app.vendor_id),
          soci::into(released_at, released);
      if (released == soci::i_ok) return MakeError(ErrorCode::kAccountDisabled, "所属企业已注销，账号已停用");
    }
    if (action == AppAction::kReissueKey) {
      // Only the rectification of a founded complaint re-issues a key.
      return MakeError(ErrorCode::kForbidden, "测试密钥须通过投诉整改流程重新发放");
    }
    auto t = ApplyApplicationAction(sql, deps_, Actor::Of(p), app, action, input, now);
    if (!t.ok()) return t.take_error();
    return Ok{};
  });
  if (!done.ok()) return done.take_error();
  return Get(p, id);
}

// ---------------------------------------------------------------- test keys

Result<KeyClaim> ApplicationService::RevealKey(const Principal& p, long long id, bool rotate) {
  LT_RETURN_IF_ERROR(RequireRole(p, {Role::kVendor}));
  const Instant now = deps_.clock.Now();
  return deps_.db.Transact<KeyClaim>([&](soci::session& sql) -> Result<KeyClaim> {
    LT_ASSIGN_OR_RETURN(AppRow app, LockApplication(sql, id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, app.id, app.city_code, app.vendor_id));
    LT_RETURN_IF_ERROR(domain::RequireAllowed(app.state, domain::AppActivity::kUseTestKey));
    const long long at = ToUnix(now);
    if (rotate) {
      auto window = FindOpenDeadline(sql, app.id, DeadlineKind::kJointTest);
      if (!window) return MakeError(ErrorCode::kInternal, "联调期限缺失");
      LT_RETURN_IF_ERROR(domain::RequireRotationWindow(app.state, now, window->due_at));
      LT_RETURN_IF_ERROR(IssueKey(sql, deps_, app, now, "rotated"));
    }
    soci::rowset<soci::row> rows =
        (sql.prepare
             << "SELECT id, app_key, secret_sealed, profile, expires_at, claimed_at, issued_at, identity_scheme "
                "FROM test_keys WHERE application_id = :a AND revoked_at IS NULL ORDER BY id DESC",
         soci::use(id));
    for (const soci::row& r : rows) {
      if (GetOptInt(r, 5)) {
        return MakeError(ErrorCode::kAlreadyClaimed);
      }
      if (FromUnix(GetInt(r, 4)) < now) {
        return MakeError(ErrorCode::kInvalidTransition, "测试密钥已过期", {{"app_id", GetText(r, 1)}});
      }
      LT_ASSIGN_OR_RETURN(std::string secret, deps_.secrets.Open(GetText(r, 2)));
      long long key_id = GetInt(r, 0);
      sql << "UPDATE test_keys SET claimed_at = :n WHERE id = :id", soci::use(at), soci::use(key_id);
      const std::string app_key = GetText(r, 1);
      std::string state{domain::ToString(app.state)};
      LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "application",
                                                         .entity_id = id,
                                                         .application_id = id,
                                                         .city_code = app.city_code,
                                                         .vendor_id = app.vendor_id,
                                                         .actor = Actor::Of(p),
                                                         .action = rotate ? "key_rotate" : "key_claim",
                                                         .before = state,
                                                         .after = state,
                                                         .reason = "app_id " + app_key,
                                                         .at = now}));
      const std::string profile = GetText(r, 3);
      std::string test_env = "sandbox";
      sql << "SELECT test_env FROM cities WHERE code = :c", soci::use(app.city_code), soci::into(test_env);
      return KeyClaim{json{{"app_id", app_key},
                           {"secret", secret},
                           {"profile", profile},
                           {"endpoint", SandboxEndpoint(deps_, app.city_code, profile, test_env)},
                           {"expires_at", FormatInstant(FromUnix(GetInt(r, 4)))},
                           {"sandbox", ProvisionedProject(key_id, app.city_code, FromUnix(GetInt(r, 6)),
                                                          static_cast<int>(GetInt(r, 7)), test_env)}}};
    }
    return MakeError(ErrorCode::kNotFound, "没有可领取的测试密钥");
  });
}

Result<KeyClaim> ApplicationService::ClaimKey(const Principal& p, long long id) { return RevealKey(p, id, false); }
Result<KeyClaim> ApplicationService::RotateKey(const Principal& p, long long id) { return RevealKey(p, id, true); }

}  // namespace liantiao::services
