#include "http/routes.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <climits>
#include <initializer_list>

#include <restinio/helpers/http_field_parsers/content-type.hpp>

#include "domain/workdays.h"
#include "domain/workflow.h"
#include "http/report_pdfs.h"
#include "http/work_pool.h"
#include "services/history.h"
#include "standard/profile.h"

namespace liantiao::http {

using domain::Role;
using nlohmann::json;

namespace {

// ------------------------------------------------------------ parsing helpers

Result<long long> IdParam(const Request& req, const char* name = "id") {
  auto it = req.params.find(name);
  long long v = 0;
  if (it != req.params.end()) {
    const std::string& s = it->second;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    // Written as the API writes ids: "007" is not a way of naming 7.
    if (ec == std::errc() && p == s.data() + s.size() && v > 0 && s[0] != '0') return v;
  }
  // A malformed id names nothing: not found, like any id outside the caller's scope.
  return MakeError(ErrorCode::kNotFound);
}

Error FieldError(const std::string& field, const char* expected) {
  return MakeError(ErrorCode::kInvalidField, "字段 " + field + " 类型错误，应为" + expected, {{"field", field}});
}

Error MissingField(const std::string& field) {
  return MakeError(ErrorCode::kMissingField, "缺少必填字段：" + field, {{"field", field}});
}

// `within`: where `j` sits in the body ("enterprise."), for the refusal to name the field as sent.
Result<std::string> Str(const json& j, const std::string& field, bool required = true, const std::string& within = "") {
  if (!j.contains(field) || j[field].is_null()) {
    if (required) return MissingField(within + field);
    return std::string();
  }
  if (!j[field].is_string()) return FieldError(within + field, "字符串");
  return j[field].get<std::string>();
}

Result<std::optional<std::string>> OptStr(const json& j, const std::string& field) {
  if (!j.contains(field) || j[field].is_null()) return std::optional<std::string>();
  if (!j[field].is_string()) return FieldError(field, "字符串");
  return std::optional<std::string>(j[field].get<std::string>());
}

// The API's integers are 64-bit signed. nlohmann reads a larger one as unsigned, and
// get<long long>() would wrap it into a negative number: such a value is refused instead.
bool IsInt64(const json& v) {
  return v.is_number_integer() &&
         !(v.is_number_unsigned() && v.get<unsigned long long>() > static_cast<unsigned long long>(LLONG_MAX));
}

Result<std::optional<long long>> OptInt(const json& j, const std::string& field) {
  if (!j.contains(field) || j[field].is_null()) return std::optional<long long>();
  if (!IsInt64(j[field])) return FieldError(field, "整数");
  return std::optional<long long>(j[field].get<long long>());
}

// A required member of one JSON type: absent is missing_field, any other type
// (null included) invalid_field.
Result<json> Member(const json& j, const std::string& field, json::value_t type, const char* expected) {
  if (!j.contains(field)) return MissingField(field);
  if (j[field].type() != type) return FieldError(field, expected);
  return j[field];
}

Result<bool> Bool(const json& j, const std::string& field) {
  LT_ASSIGN_OR_RETURN(json v, Member(j, field, json::value_t::boolean, "布尔值"));
  return v.get<bool>();
}

Result<services::NewProduct> ParseProduct(const json& body) {
  services::NewProduct p;
  LT_ASSIGN_OR_RETURN(p.name, Str(body, "name"));
  LT_ASSIGN_OR_RETURN(p.model, Str(body, "model"));
  LT_ASSIGN_OR_RETURN(p.kind, Str(body, "kind"));
  LT_ASSIGN_OR_RETURN(p.version, Str(body, "version"));
  return p;
}

Result<services::VendorProfile> ParseProfile(const json& e, const std::string& within = "") {
  services::VendorProfile v;
  LT_ASSIGN_OR_RETURN(v.name, Str(e, "name", true, within));
  LT_ASSIGN_OR_RETURN(v.legal_rep, Str(e, "legal_rep", true, within));
  LT_ASSIGN_OR_RETURN(v.address, Str(e, "address", true, within));
  LT_ASSIGN_OR_RETURN(v.contact_name, Str(e, "contact_name", true, within));
  LT_ASSIGN_OR_RETURN(v.contact_phone, Str(e, "contact_phone", true, within));
  LT_ASSIGN_OR_RETURN(v.contact_email, Str(e, "contact_email", true, within));
  return v;
}

Result<json> Object(const json& j, const std::string& field) { return Member(j, field, json::value_t::object, "对象"); }

// PUT /calendar/{year} takes the shape GET answers. Both lists are required: a missing
// one would otherwise empty the year. `year` may be sent back but must be the path's; `source` is the server's to set.
Result<domain::CalendarYear> CalendarYearBody(const json& body, long long year) {
  if (body.contains("year")) {
    const json& sent = body["year"];
    if (!IsInt64(sent) || sent.get<long long>() != year) {
      return MakeError(ErrorCode::kInvalidField, "字段 year 应与路径中的年份 " + std::to_string(year) + " 一致",
                       {{"field", "year"}, {"value", sent}});
    }
  }
  json year_data = {{"year", year}};
  for (const char* field : {"holidays", "workdays"}) {
    LT_ASSIGN_OR_RETURN(year_data[field], Member(body, field, json::value_t::array, "日期数组"));
  }
  // Clients written before `official` was read send the lists only; they loaded the
  // published schedule, which is what the default keeps.
  bool official = true;
  if (body.contains("official")) {
    LT_ASSIGN_OR_RETURN(official, Bool(body, "official"));
  }
  // The dates themselves (format, year, a day both off and worked) are the calendar's rules.
  LT_ASSIGN_OR_RETURN(auto years, domain::ParseCalendarJson(year_data.dump()));
  domain::CalendarYear out = std::move(years.front());
  out.official = official;
  out.source = "admin import";
  return out;
}

std::optional<std::string> Query(const Request& req, const char* name) {
  auto it = req.query.find(name);
  if (it == req.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// A search text (`q`). A control character, NUL above all, is refused: no name holds one,
// and the database would cut the pattern at a NUL and match every row.
Result<std::optional<std::string>> SearchQuery(const Request& req) {
  auto v = Query(req, "q");
  if (v &&
      std::any_of(v->begin(), v->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return MakeError(ErrorCode::kInvalidField, "查询参数 q 不能含有控制字符", {{"field", "q"}});
  }
  return v;
}

// A time in a query string. Its offset's "+" is a space once the query is decoded
// (x-www-form-urlencoded reads "+" as one) unless the client wrote it %2B:
// "2026-09-30T10:00:00 08:00" is read as the "+08:00" it was typed as. A space is
// nowhere else in a time, so nothing else is changed.
std::optional<std::string> TimeQuery(const Request& req, const char* name) {
  auto v = Query(req, name);
  if (v && v->size() > 6 && v->find('T') != std::string::npos) {
    const std::size_t sign = v->size() - 6;  // " 08:00"
    if ((*v)[sign] == ' ' && (*v)[sign + 3] == ':') (*v)[sign] = '+';
  }
  return v;
}

Result<int> QueryInt(const Request& req, const char* name, int fallback) {
  auto v = Query(req, name);
  if (!v) return fallback;
  int out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size()) {
    return MakeError(ErrorCode::kInvalidField, std::string("查询参数 ") + name + " 须为整数", {{"field", name}});
  }
  return out;
}

// `limit` and `offset` of a list answered as an array (services::PageRequest).
Result<services::PageRequest> PageOf(const Request& req) {
  services::PageRequest page;
  LT_ASSIGN_OR_RETURN(page.limit, QueryInt(req, "limit", services::kMaxPage));
  LT_ASSIGN_OR_RETURN(page.offset, QueryInt(req, "offset", 0));
  // A larger page than the largest is given the largest (as documented); one of no rows,
  // or before the first, is no page.
  if (page.limit < 1) {
    return MakeError(ErrorCode::kInvalidField, "查询参数 limit 须为正整数", {{"field", "limit"}});
  }
  if (page.offset < 0) {
    return MakeError(ErrorCode::kInvalidField, "查询参数 offset 不能为负数", {{"field", "offset"}});
  }
  return page;
}

// The page's rows as the array the contract names, with the whole list's size in
// X-Total-Count.
Result<Response> RenderPage(Result<services::ListPage> page) {
  if (!page.ok()) return page.take_error();
  Response r = Response::JsonBody(page->items);
  r.headers.emplace_back("X-Total-Count", std::to_string(page->total));
  return r;
}

// The evidence log's filters (GET /applications/{id}/evidence and its .csv).
Result<services::EvidenceQuery> EvidenceQueryOf(const Request& req) {
  services::EvidenceQuery q;
  q.method = Query(req, "method");
  q.outcome = Query(req, "outcome");
  if (Query(req, "key_id")) {
    LT_ASSIGN_OR_RETURN(int k, QueryInt(req, "key_id", 0));
    q.key_id = k;
  }
  q.from = TimeQuery(req, "from");
  q.to = TimeQuery(req, "to");
  return q;
}

// The multipart part named "file" that every upload carries.
Result<const UploadedFile*> FileField(const Request& req) {
  for (const auto& f : req.files) {
    if (f.field == "file") return &f;
  }
  return MakeError(ErrorCode::kMissingField, "缺少上传文件：file", {{"field", "file"}});
}

Response Ok(const json& body, int status = 200) { return Response::JsonBody(body, status); }

// The name a download is saved under ends as its type says: a PDF uploaded as
// "x.html" is saved as "x.html.pdf", so the reader's computer opens it as what it is,
// not as a page that could run a script. A name that fits its type is kept.
std::string SavedName(const std::string& filename, const std::string& content_type) {
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> kExtensions = {
      {"application/pdf", {".pdf"}},     {"image/png", {".png"}},
      {"image/jpeg", {".jpg", ".jpeg"}}, {"application/zip", {".zip", ".docx", ".xlsx", ".pptx", ".ofd"}},
      {"application/json", {".json"}},   {"text/csv", {".csv"}}};
  std::string lower = filename;
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  for (const auto& [type, extensions] : kExtensions) {
    if (content_type.rfind(type, 0) != 0) continue;
    for (std::string_view ext : extensions) {
      if (lower.ends_with(ext)) return filename;
    }
    return filename + std::string(extensions.front());
  }
  return filename;
}

Response Download(const services::FileDownload& f) {
  Response r;
  r.content_type = f.content_type;
  r.body = f.data;
  // RFC 6266 with RFC 5987 encoding so Chinese file names survive.
  std::string encoded;
  for (unsigned char c : SavedName(f.filename, f.content_type)) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      encoded += buf;
    }
  }
  r.headers.emplace_back("Content-Disposition", "attachment; filename*=UTF-8''" + encoded);
  return r;
}

// Logging in and signing up need no session, so no CSRF token guards them: a page on
// another site could post a form to them and log the visitor in as the attacker's user.
// Whether the request's Content-Type is JSON, whatever its case and parameters
// (RESTinio's parser of the header); false when it has none or an unreadable one.
bool HasJsonBody(const Request& req) {
  const auto it = req.headers.find("content-type");
  if (it == req.headers.end()) return false;
  const auto parsed = restinio::http_field_parsers::content_type_value_t::try_parse(it->second);
  return parsed && parsed->media_type.type == "application" && parsed->media_type.subtype == "json";
}

// Login CSRF: a page on another site must not log its visitor in (or sign them up).
// - Browsers say where a request comes from (Fetch Metadata): a cross-site one is refused.
// - Browsers without Fetch Metadata (Safari before 16.4, older others) still send Origin
//   on a POST. What a page on another site can send without asking the server first (a
//   CORS preflight, which this server never grants) is a form's body: urlencoded,
//   multipart or text/plain, or none. The web app always sends JSON. So a request that
//   has an Origin and is not JSON is a form or a simple request from a page: refused.
// Clients that are not browsers send neither header and are not affected, whatever their
// Content-Type.
Status RefuseCrossSite(const Request& req) {
  if (auto it = req.headers.find("sec-fetch-site"); it != req.headers.end()) {
    if (it->second == "cross-site") return MakeError(ErrorCode::kCsrfMismatch, "不接受来自其他网站的登录或注册请求");
    return OkStatus();  // a browser that says where the request comes from: not another site
  }
  if (req.headers.find("origin") != req.headers.end() && !HasJsonBody(req)) {
    return MakeError(ErrorCode::kCsrfMismatch, "不接受来自其他网站的登录或注册请求");
  }
  return OkStatus();
}

// ------------------------------------------------------------ route table helpers

struct Table {
  Router router;
  void Add(Method m, const std::string& path, std::initializer_list<Role> roles, Handler h) {
    std::vector<Role> allowed(roles);
    const Access access = allowed.empty() ? Access::kPublic : Access::kAuthenticated;
    router.Add(
        m, "/api/v1" + path, access,
        [allowed = std::move(allowed), action = ActionOf(m, path), h = std::move(h)](Request& req) -> Result<Response> {
          LT_RETURN_IF_ERROR(MayCall(req, allowed, action));
          return h(req);
        });
  }
  // A route on one record, the one its `:id` names (`locate` says whether that record is
  // there for the caller). Handlers read the body before their service looks the record
  // up, so a refused body (400, 422) is answered 404 when the record is not there, as the
  // same request with a good body would be: correcting a body is no use for a record that
  // does not exist. Only refusals pay for the second look.
  using Locate = std::function<Status(const services::Principal&, long long id)>;
  void AddOn(Method m, const std::string& path, std::initializer_list<Role> roles, Locate locate, Handler h) {
    Add(m, path, roles, [locate = std::move(locate), h = std::move(h)](Request& req) -> Result<Response> {
      Result<Response> r = h(req);
      if (r.ok() || !req.principal) return r;
      const ErrorCategory refused = r.error().Category();
      if (refused != ErrorCategory::kInvalidInput && refused != ErrorCategory::kUnprocessable) return r;
      auto id = IdParam(req);
      if (!id.ok()) return r;
      if (Status there = locate(*req.principal, *id);
          !there.ok() && there.error().Category() == ErrorCategory::kNotFound) {
        return there.take_error();
      }
      return r;
    });
  }
  // A route answered later (AsyncHandler), for a caller of `roles` (anyone when none).
  void AddAsync(Method m, const std::string& path, std::initializer_list<Role> roles, AsyncHandler h) {
    std::vector<Role> allowed(roles);
    const Access access = allowed.empty() ? Access::kPublic : Access::kAuthenticated;
    router.AddAsync(
        m, "/api/v1" + path, access,
        [allowed = std::move(allowed), action = ActionOf(m, path), h = std::move(h)](Request& req, Respond respond) {
          if (Status may = MayCall(req, allowed, action); !may.ok()) {
            respond(Response::FromError(may.error()));
            return;
          }
          h(req, std::move(respond));
        });
  }

  // A route whose handler hashes a password (Argon2id: about a tenth of a second of a core
  // and 64 MiB). It runs on `hashing`'s threads, as many as hashes may run at once, so
  // that a burst of logins (a morning, a test suite) waits in their queue instead of
  // holding the HTTP threads, or being told server_busy while a few hash. Beyond the
  // queue: server_busy at once.
  void AddHashing(Method m, const std::string& path, std::initializer_list<Role> roles, Handler h) {
    AddAsync(m, path, roles,
             [handler = std::make_shared<const Handler>(std::move(h)), pool = hashing](Request& req, Respond respond) {
               // The request is copied: the server's goes when this returns.
               auto call = std::make_shared<std::pair<Request, Respond>>(req, std::move(respond));
               const bool queued = pool->Post({[call, handler] {
                                                 auto& [request, answer] = *call;
                                                 Result<Response> r = (*handler)(request);
                                                 answer(r.ok() ? std::move(r).value() : Response::FromError(r.error()));
                                               },
                                               [call] { call->second(HashingBusy()); }});
               if (!queued) call->second(HashingBusy());
             });
  }
  // The threads AddHashing's routes run on; set before the first of them is added. As
  // many as hashes may run at once (services' HashGate, at which they then never wait),
  // and kHashQueue more requests may wait for them.
  std::shared_ptr<WorkPool> hashing;
  static constexpr std::size_t kHashQueue = 64;

 private:
  // What a full queue takes to drain: kHashQueue hashes of about 0.1 s on two threads.
  static Response HashingBusy() {
    return Response::FromError(MakeError(ErrorCode::kServerBusy, "", {{"retry_after_seconds", 3}}));
  }
  // A caller whose role the route does not serve is refused naming its role and the
  // route ("POST /alerts/:id/respond") as the action, as the tables name theirs.
  static std::string ActionOf(Method m, const std::string& path) { return std::string(MethodWord(m)) + " " + path; }
  static Status MayCall(const Request& req, const std::vector<Role>& allowed, const std::string& action) {
    if (allowed.empty()) return OkStatus();
    if (!req.principal) return MakeError(ErrorCode::kUnauthenticated);
    if (std::find(allowed.begin(), allowed.end(), req.principal->role) == allowed.end()) {
      return domain::Forbidden(req.principal->role, action);
    }
    return OkStatus();
  }
};

constexpr std::initializer_list<Role> kAnyone = {};
const std::initializer_list<Role> kLoggedIn = {Role::kVendor, Role::kCityReviewer, Role::kTechSupport, Role::kProvince,
                                               Role::kAdmin};

template <typename T>
Result<Response> Render(Result<T> r, int status = 200) {
  if (!r.ok()) return r.take_error();
  return Ok(*r, status);
}

}  // namespace

Authenticator MakeAuthenticator(services::Platform& platform) {
  return [&platform](const std::string& token) -> Result<SessionInfo> {
    auto s = platform.auth.Authenticate(token);
    if (!s.ok()) return s.take_error();
    return SessionInfo{s->principal, s->csrf_token};
  };
}

Router BuildRouter(services::Platform& pf, const RouteOptions& opt) {
  Table t;
  t.hashing =
      std::make_shared<WorkPool>("password-hash", std::max(1, pf.deps.config.password_hash_slots), Table::kHashQueue);
  const auto& kLogged = kLoggedIn;
  const std::initializer_list<Role> kVendor = {Role::kVendor};
  const std::initializer_list<Role> kReviewer = {Role::kCityReviewer};
  const std::initializer_list<Role> kAdmin = {Role::kAdmin};
  // Whether the record a route's :id names is there for the caller (Table::AddOn).
  const auto located = [](auto&& result) -> Status {
    if (!result.ok()) return result.take_error();
    return OkStatus();
  };
  const Table::Locate locate_application = [&pf, located](const services::Principal& p, long long id) {
    return located(pf.applications.Get(p, id));
  };
  const Table::Locate locate_complaint = [&pf, located](const services::Principal& p, long long id) {
    return located(pf.complaints.Get(p, id));
  };
  const Table::Locate locate_alert = [&pf](const services::Principal& p, long long id) {
    return pf.alerts.Locate(p, id);
  };
  const Table::Locate locate_product = [&pf](const services::Principal& p, long long id) {
    return pf.applications.LocateProduct(p, id);
  };
  const Table::Locate locate_vendor = [&pf](const services::Principal&, long long id) {
    return pf.auth.LocateVendor(id);
  };

  // ---- health and session
  // Liveness: answered without touching anything (it is also the benchmarks' no-op).
  t.Add(Method::kGet, "/health", kAnyone, [](Request&) -> Result<Response> { return Ok({{"status", "ok"}}); });
  // Readiness, for a load balancer or monitoring: the database answers too.
  t.Add(Method::kGet, "/ready", kAnyone, [&pf](Request&) -> Result<Response> {
    LT_RETURN_IF_ERROR(pf.CheckDatabase());
    return Ok({{"status", "ok"}, {"database", "ok"}});
  });
  t.AddHashing(Method::kPost, "/session", kAnyone, [&pf, opt](Request& req) -> Result<Response> {
    LT_RETURN_IF_ERROR(RefuseCrossSite(req));
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    LT_ASSIGN_OR_RETURN(std::string username, Str(body, "username"));
    LT_ASSIGN_OR_RETURN(std::string password, Str(body, "password"));
    LT_ASSIGN_OR_RETURN(auto login, pf.auth.Login(username, password, req.client_ip));
    Response r = Ok({{"token", login.token}, {"csrf_token", login.csrf_token}, {"user", login.user}});
    const std::string attributes =
        "SameSite=Strict; Max-Age=" + std::to_string(pf.deps.config.session_ttl_hours * 3600) +
        (opt.secure_cookie ? "; Secure" : "");
    r.headers.emplace_back("Set-Cookie", opt.session_cookie + "=" + login.token + "; Path=/; HttpOnly; " + attributes);
    r.headers.emplace_back("Set-Cookie", std::string(kSignedInCookie) + "=1; Path=/; " + attributes);
    return r;
  });
  t.Add(Method::kDelete, "/session", kLogged, [&pf, opt](Request& req) -> Result<Response> {
    LT_RETURN_IF_ERROR(pf.auth.Logout(req.session_token));
    Response r = Ok({{"ok", true}});
    const std::string attributes = "SameSite=Strict; Max-Age=0" + std::string(opt.secure_cookie ? "; Secure" : "");
    r.headers.emplace_back("Set-Cookie", opt.session_cookie + "=; Path=/; HttpOnly; " + attributes);
    r.headers.emplace_back("Set-Cookie", std::string(kSignedInCookie) + "=; Path=/; " + attributes);
    return r;
  });
  // The CSRF token comes back with /me so that a reloaded page, which still has the
  // HttpOnly cookie but lost the token it was given at login, can act again. Another
  // site cannot read this answer (same-origin policy), so it gains nothing by it.
  t.Add(Method::kGet, "/me", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(auto me, pf.auth.Me(*req.principal));
    json body = me;
    body["csrf_token"] = req.csrf_token;
    // The largest file an upload may carry, so the page can refuse a bigger one before
    // sending it: a body past the server's hard cap is cut off with the connection,
    // which a browser can only report as a network failure.
    body["max_file_bytes"] = pf.deps.config.max_file_bytes;
    return Ok(body);
  });

  // ---- vendors, users, cities
  t.AddHashing(Method::kPost, "/vendors/register", kAnyone, [&pf, opt](Request& req) -> Result<Response> {
    LT_RETURN_IF_ERROR(RefuseCrossSite(req));
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    LT_ASSIGN_OR_RETURN(json e, Object(body, "enterprise"));
    services::VendorRegistration reg;
    LT_ASSIGN_OR_RETURN(reg.enterprise, ParseProfile(e, "enterprise."));
    LT_ASSIGN_OR_RETURN(reg.credit_code, Str(e, "credit_code", true, "enterprise."));
    LT_ASSIGN_OR_RETURN(reg.username, Str(body, "username"));
    LT_ASSIGN_OR_RETURN(reg.password, Str(body, "password"));
    reg.client = req.client_ip;
    return Render(pf.auth.RegisterVendor(reg, opt.allow_pilot_credit_codes), 201);
  });
  t.Add(Method::kGet, "/vendors", {Role::kProvince, Role::kAdmin}, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(services::PageRequest page, PageOf(req));
    LT_ASSIGN_OR_RETURN(auto q, SearchQuery(req));
    return RenderPage(pf.auth.ListVendors(*req.principal, q, page));
  });
  t.AddOn(Method::kPost, "/vendors/:id/release", kAdmin, locate_vendor, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    LT_ASSIGN_OR_RETURN(std::string reason, Str(body, "reason"));
    return Render(pf.auth.ReleaseVendor(services::Actor::Of(*req.principal), id, reason));
  });
  t.Add(Method::kGet, "/vendors/me", kVendor,
        [&pf](Request& req) { return Render(pf.auth.GetVendor(*req.principal)); });
  t.Add(Method::kPut, "/vendors/me", kVendor, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    LT_ASSIGN_OR_RETURN(auto profile, ParseProfile(body));
    return Render(pf.auth.UpdateVendor(*req.principal, profile));
  });
  t.Add(Method::kGet, "/users", kAdmin, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(auto search, SearchQuery(req));
    services::UserQuery q{Query(req, "role"), Query(req, "city_code"), search};
    LT_ASSIGN_OR_RETURN(q.page, PageOf(req));
    return RenderPage(pf.auth.ListUsers(*req.principal, q));
  });
  t.AddHashing(Method::kPost, "/users", kAdmin, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    services::NewUser u;
    LT_ASSIGN_OR_RETURN(std::string role, Str(body, "role"));
    auto parsed = domain::ParseRole(role);
    if (!parsed || *parsed == Role::kSystem) {
      return MakeError(ErrorCode::kInvalidField, "角色无效", {{"field", "role"}});
    }
    u.role = *parsed;
    LT_ASSIGN_OR_RETURN(u.username, Str(body, "username"));
    LT_ASSIGN_OR_RETURN(u.password, Str(body, "password"));
    LT_ASSIGN_OR_RETURN(u.display_name, Str(body, "display_name", false));
    LT_ASSIGN_OR_RETURN(u.city_code, OptStr(body, "city_code"));
    LT_ASSIGN_OR_RETURN(u.vendor_id, OptInt(body, "vendor_id"));
    LT_ASSIGN_OR_RETURN(long long id, pf.auth.AddUser(u, services::Actor::Of(*req.principal)));
    return Ok({{"id", id}, {"username", u.username}, {"role", role}}, 201);
  });
  t.AddHashing(Method::kPut, "/users/:id", kAdmin, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    std::optional<bool> active;
    if (body.contains("active")) {
      LT_ASSIGN_OR_RETURN(bool a, Bool(body, "active"));
      active = a;
    }
    LT_ASSIGN_OR_RETURN(auto password, OptStr(body, "password"));
    return Render(pf.auth.UpdateUser(*req.principal, id, active, password));
  });
  t.AddHashing(Method::kPut, "/me/password", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    LT_ASSIGN_OR_RETURN(std::string current, Str(body, "current_password"));
    LT_ASSIGN_OR_RETURN(std::string next, Str(body, "new_password"));
    LT_RETURN_IF_ERROR(pf.auth.ChangePassword(*req.principal, req.session_token, current, next));
    return Ok({{"changed", true}});
  });
  t.Add(Method::kGet, "/cities", kLogged, [&pf](Request&) { return Render(pf.Cities()); });
  t.Add(Method::kGet, "/profiles", kLogged,
        [&pf](Request&) -> Result<Response> { return Ok(standard::DescribeProfiles(*pf.deps.profiles)); });
  t.Add(Method::kPut, "/cities/:code", kAdmin, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    LT_ASSIGN_OR_RETURN(std::string profile, Str(body, "profile"));
    LT_ASSIGN_OR_RETURN(std::string test_env, Str(body, "test_env"));
    LT_ASSIGN_OR_RETURN(auto days, OptInt(body, "complaint_verification_days"));
    std::optional<int> d;
    if (days) d = static_cast<int>(std::clamp<long long>(*days, -1, 1000));
    LT_RETURN_IF_ERROR(pf.SetCityProfile(*req.principal, req.params["code"], profile, test_env, d));
    return Render(pf.Cities());
  });

  // ---- products and applications
  t.Add(Method::kGet, "/products", kVendor,
        [&pf](Request& req) { return Render(pf.applications.ListProducts(*req.principal)); });
  t.Add(Method::kPost, "/products", kVendor, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    LT_ASSIGN_OR_RETURN(services::NewProduct p, ParseProduct(body));
    return Render(pf.applications.CreateProduct(*req.principal, p), 201);
  });
  t.AddOn(Method::kPut, "/products/:id", kVendor, locate_product, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    LT_ASSIGN_OR_RETURN(services::NewProduct p, ParseProduct(body));
    return Render(pf.applications.UpdateProduct(*req.principal, id, p));
  });
  t.Add(Method::kDelete, "/products/:id", kVendor, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_RETURN_IF_ERROR(pf.applications.DeleteProduct(*req.principal, id));
    return Ok({{"deleted", true}});
  });
  t.Add(Method::kPost, "/applications", kVendor, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    services::NewApplication a;
    LT_ASSIGN_OR_RETURN(a.city_code, Str(body, "city_code"));
    LT_ASSIGN_OR_RETURN(a.path, Str(body, "path"));
    LT_ASSIGN_OR_RETURN(a.connected_city_code, OptStr(body, "connected_city_code"));
    LT_ASSIGN_OR_RETURN(a.description, Str(body, "description", false));
    if (!body.contains("product_ids")) {
      return MakeError(ErrorCode::kMissingField, "缺少必填字段：product_ids", {{"field", "product_ids"}});
    }
    if (!body["product_ids"].is_array()) return FieldError("product_ids", "整数数组");
    for (const json& id : body["product_ids"]) {
      if (!IsInt64(id)) return FieldError("product_ids", "整数数组");
      a.product_ids.push_back(id.get<long long>());
    }
    return Render(pf.applications.Create(*req.principal, a), 201);
  });
  t.Add(Method::kGet, "/applications", kLogged, [&pf](Request& req) -> Result<Response> {
    services::ApplicationQuery q;
    q.state = Query(req, "state");
    q.city_code = Query(req, "city_code");
    LT_ASSIGN_OR_RETURN(q.page, PageOf(req));
    const auto include = Query(req, "include");
    if (include && *include != "conformance") {
      return MakeError(ErrorCode::kInvalidField, "include 仅支持 conformance", {{"field", "include"}});
    }
    LT_ASSIGN_OR_RETURN(services::ListPage list, pf.applications.List(*req.principal, q));
    if (include) {
      // Each item's checklist summary, for a list page that would otherwise ask for
      // every application's conformance one by one.
      std::vector<long long> ids;
      for (const json& item : list.items) ids.push_back(item["id"].get<long long>());
      LT_ASSIGN_OR_RETURN(auto summaries, pf.sandbox.ConformanceSummaries(*req.principal, ids));
      for (json& item : list.items) {
        auto it = summaries.find(item["id"].get<long long>());
        item["conformance"] = it == summaries.end() ? json(nullptr) : it->second;
      }
    }
    return RenderPage(std::move(list));
  });
  t.Add(Method::kGet, "/applications/:id", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    return Render(pf.applications.Get(*req.principal, id));
  });
  t.AddOn(Method::kPost, "/applications/:id/materials", kVendor, locate_application,
          [&pf](Request& req) -> Result<Response> {
            LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
            auto kind = req.form.find("kind");
            if (kind == req.form.end()) {
              return MakeError(ErrorCode::kMissingField, "缺少必填字段：kind", {{"field", "kind"}});
            }
            LT_ASSIGN_OR_RETURN(const UploadedFile* file, FileField(req));
            return Render(pf.applications.UploadMaterial(*req.principal, id, kind->second, file->filename, file->data),
                          201);
          });
  t.Add(Method::kGet, "/applications/:id/materials/:mid", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_ASSIGN_OR_RETURN(long long mid, IdParam(req, "mid"));
    LT_ASSIGN_OR_RETURN(auto file, pf.applications.DownloadMaterial(*req.principal, id, mid));
    return Download(file);
  });
  t.AddOn(Method::kPost, "/applications/:id/actions/:action", kLogged, locate_application,
          [&pf](Request& req) -> Result<Response> {
            LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
            auto action = domain::ParseAppAction(req.params["action"]);
            if (!action || *action == domain::AppAction::kReissueKey) {
              return MakeError(ErrorCode::kNotFound, "未知的操作", {{"action", req.params["action"]}});
            }
            services::ActionInput in;
            if (!req.body.empty()) {
              LT_ASSIGN_OR_RETURN(json body, req.Json());
              if (body.contains("problems")) in.problems = body["problems"];
              LT_ASSIGN_OR_RETURN(in.note, Str(body, "note", false));
            }
            LT_ASSIGN_OR_RETURN(json app, pf.applications.Act(*req.principal, id, *action, in));
            // 联调成功 carries the joint-test report it was decided on.
            if (*action == domain::AppAction::kSucceed) {
              if (auto report = pf.sandbox.Report(*req.principal, id); report.ok()) app["report"] = *report;
            }
            return Ok(app);
          });
  // ---- the hosted test environment (sandbox) and its evidence
  // The sandbox speaks the city's interface standard, not this API: public (the test
  // key authenticates each request), form-encoded, answered in the profile's envelope.
  // Bodies up to 4 MiB reach it so that it can refuse a large one in its own words.
  // Answered from the thread that commits the request's write batch, so that a batch
  // holds every request in flight rather than one per server thread.
  // A standard that also takes GET (Guangzhou's) gets the form as the query string.
  // PUT and DELETE reach it too, to be refused in its envelope (405) rather than in this
  // API's.
  const auto sandbox = [&pf](Method method) {
    return [&pf, method](Request& req, Respond respond) {
      const bool via_get = method == Method::kGet;
      const auto started = std::chrono::steady_clock::now();
      services::SandboxCall call;
      call.city_code = req.params["city"];
      call.endpoint = req.params["endpoint"];
      if (via_get) {
        call.body = std::move(req.raw_query);
      } else {
        call.body = std::move(req.body);
        call.query = std::move(req.raw_query);
      }
      call.http_method = std::string(MethodWord(method));
      call.elapsed_us = [started] {
        return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
            .count();
      };
      pf.sandbox.HandleAsync(std::move(call), [respond = std::move(respond)](services::SandboxReply reply) {
        Response r;
        r.status = reply.http_status;
        r.body = std::move(reply.body);
        if (!reply.allow.empty()) r.headers.emplace_back("Allow", std::move(reply.allow));
        respond(std::move(r));
      });
    };
  };
  t.router.AddAsync(Method::kPost, "/sandbox/:city/:endpoint", Access::kPublic, sandbox(Method::kPost), 4u << 20);
  t.router.AddAsync(Method::kGet, "/sandbox/:city/:endpoint", Access::kPublic, sandbox(Method::kGet));
  for (Method other : {Method::kPut, Method::kDelete}) {
    t.router.AddAsync(other, "/sandbox/:city/:endpoint", Access::kPublic, sandbox(other));
  }
  t.Add(Method::kGet, "/applications/:id/evidence", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_ASSIGN_OR_RETURN(services::EvidenceQuery q, EvidenceQueryOf(req));
    LT_ASSIGN_OR_RETURN(q.limit, QueryInt(req, "limit", 50));
    LT_ASSIGN_OR_RETURN(q.offset, QueryInt(req, "offset", 0));
    return Render(pf.sandbox.Evidence(*req.principal, id, q));
  });
  t.Add(Method::kGet, "/applications/:id/evidence.csv", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_ASSIGN_OR_RETURN(services::EvidenceQuery q, EvidenceQueryOf(req));
    LT_ASSIGN_OR_RETURN(std::string csv, pf.sandbox.EvidenceCsv(*req.principal, id, q));
    return Download({"证据日志-" + std::to_string(id) + ".csv", "text/csv; charset=utf-8", std::move(csv)});
  });
  t.Add(Method::kGet, "/applications/:id/conformance", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    return Render(pf.sandbox.Conformance(*req.principal, id));
  });
  t.Add(Method::kGet, "/applications/:id/report.json", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    return Render(pf.sandbox.Report(*req.principal, id));
  });
  // Rendered off the HTTP threads, and kept for the next request of the same report
  // (ReportPdfs); the report itself is built here, in the caller's scope.
  t.AddAsync(
      Method::kGet, "/applications/:id/report.pdf", kLogged,
      [&pf, pdfs = std::make_shared<ReportPdfs>(ReportPdfs::Options{})](Request& req, Respond respond) {
        auto fail = [&respond](const Error& e) { respond(Response::FromError(e)); };
        auto id = IdParam(req);
        if (!id.ok()) return fail(id.error());
        auto report = pf.sandbox.Report(*req.principal, *id);
        if (!report.ok()) return fail(report.error());
        std::string digest = services::ReportContentDigest(*report);
        pdfs->Render(
            std::move(*report), std::move(digest), [id = *id, respond = std::move(respond)](Result<std::string> pdf) {
              if (!pdf.ok()) return respond(Response::FromError(pdf.error()));
              // Named as the JSON download is (联调测试报告-<id>), in the
              // document's own words.
              respond(Download({"联调测试报告-" + std::to_string(id) + ".pdf", "application/pdf", std::move(*pdf)}));
            });
      });
  // Whether the evidence the shown report covers is still what it was when the report
  // was made (its digest recomputed from the evidence as stored now).
  t.Add(Method::kGet, "/applications/:id/report/verification", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    return Render(pf.sandbox.VerifyReport(*req.principal, id));
  });
  t.Add(Method::kGet, "/applications/:id/faults", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    return Render(pf.sandbox.Faults(*req.principal, id));
  });
  t.AddOn(Method::kPut, "/applications/:id/faults", kReviewer, locate_application,
          [&pf](Request& req) -> Result<Response> {
            LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
            LT_ASSIGN_OR_RETURN(json body, req.Json());
            return Render(pf.sandbox.SetFaults(*req.principal, id, body.value("scenarios", json())));
          });
  t.Add(Method::kPost, "/applications/:id/test-key/claim", kVendor, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_ASSIGN_OR_RETURN(auto claim, pf.applications.ClaimKey(*req.principal, id));
    return Ok(claim.body);
  });
  t.Add(Method::kPost, "/applications/:id/test-key/rotate", kVendor, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_ASSIGN_OR_RETURN(auto claim, pf.applications.RotateKey(*req.principal, id));
    return Ok(claim.body);
  });

  // ---- alerts
  t.Add(Method::kGet, "/alerts", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(services::PageRequest page, PageOf(req));
    return RenderPage(
        pf.alerts.List(*req.principal, {Query(req, "status"), Query(req, "city_code"), Query(req, "kind")}, page));
  });
  t.AddOn(Method::kPost, "/alerts/:id/respond", kReviewer, locate_alert, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    LT_ASSIGN_OR_RETURN(std::string feedback, Str(body, "feedback"));
    return Render(pf.alerts.Respond(*req.principal, id, feedback));
  });
  t.AddOn(Method::kPost, "/alerts/:id/urge", {Role::kProvince}, locate_alert, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    std::string note;
    if (!req.body.empty()) {
      LT_ASSIGN_OR_RETURN(json body, req.Json());
      LT_ASSIGN_OR_RETURN(note, Str(body, "note", false));
    }
    return Render(pf.alerts.Urge(*req.principal, id, note));
  });

  // ---- complaints
  t.Add(Method::kPost, "/complaints", kVendor, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    services::NewComplaint c;
    LT_ASSIGN_OR_RETURN(auto app, OptInt(body, "application_id"));
    if (!app) return MakeError(ErrorCode::kMissingField, "缺少必填字段：application_id", {{"field", "application_id"}});
    c.application_id = *app;
    LT_ASSIGN_OR_RETURN(c.complainant, Str(body, "complainant", false));
    LT_ASSIGN_OR_RETURN(c.contact, Str(body, "contact", false));
    LT_ASSIGN_OR_RETURN(c.respondent, Str(body, "respondent"));
    LT_ASSIGN_OR_RETURN(c.conduct, Str(body, "conduct"));
    LT_ASSIGN_OR_RETURN(c.facts, Str(body, "facts"));
    LT_ASSIGN_OR_RETURN(c.occurred_at, Str(body, "occurred_at"));
    LT_ASSIGN_OR_RETURN(c.declaration, Bool(body, "declaration"));
    return Render(pf.complaints.File(*req.principal, c), 201);
  });
  t.AddOn(Method::kPost, "/complaints/:id/evidence", kVendor, locate_complaint,
          [&pf](Request& req) -> Result<Response> {
            LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
            LT_ASSIGN_OR_RETURN(const UploadedFile* file, FileField(req));
            auto desc = req.form.find("description");
            return Render(pf.complaints.AddEvidence(*req.principal, id, file->filename, file->data,
                                                    desc == req.form.end() ? "" : desc->second),
                          201);
          });
  t.Add(Method::kGet, "/complaints", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(services::PageRequest page, PageOf(req));
    return RenderPage(pf.complaints.List(*req.principal, Query(req, "state"), page));
  });
  t.Add(Method::kGet, "/complaints/:id", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    return Render(pf.complaints.Get(*req.principal, id));
  });
  t.Add(Method::kGet, "/complaints/:id/evidence/:eid", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_ASSIGN_OR_RETURN(long long eid, IdParam(req, "eid"));
    LT_ASSIGN_OR_RETURN(auto file, pf.complaints.DownloadEvidence(*req.principal, id, eid));
    return Download(file);
  });
  t.AddOn(Method::kPost, "/complaints/:id/actions/verify", kReviewer, locate_complaint,
          [&pf](Request& req) -> Result<Response> {
            LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
            LT_ASSIGN_OR_RETURN(json body, req.Json());
            services::Verification v;
            LT_ASSIGN_OR_RETURN(v.founded, Bool(body, "founded"));
            LT_ASSIGN_OR_RETURN(v.findings, Str(body, "findings"));
            LT_ASSIGN_OR_RETURN(auto days, OptInt(body, "rectification_due_days"));
            if (days) v.rectification_due_days = static_cast<int>(std::clamp<long long>(*days, -1, 1000));
            return Render(pf.complaints.Verify(*req.principal, id, v));
          });
  t.AddOn(Method::kPost, "/complaints/:id/actions/rectified", {Role::kTechSupport}, locate_complaint,
          [&pf](Request& req) -> Result<Response> {
            LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
            LT_ASSIGN_OR_RETURN(json body, req.Json());
            LT_ASSIGN_OR_RETURN(std::string report, Str(body, "report"));
            return Render(pf.complaints.ReportRectified(*req.principal, id, report));
          });

  // ---- calendar
  t.Add(Method::kGet, "/calendar/deadline", kLogged, [&pf](Request& req) -> Result<Response> {
    auto from = TimeQuery(req, "from");
    if (!from) return MakeError(ErrorCode::kMissingField, "缺少查询参数：from", {{"field", "from"}});
    if (!Query(req, "days")) return MakeError(ErrorCode::kMissingField, "缺少查询参数：days", {{"field", "days"}});
    LT_ASSIGN_OR_RETURN(int days, QueryInt(req, "days", 0));
    return Render(pf.calendar.Deadline(*from, days));
  });
  t.Add(Method::kGet, "/calendar/:year", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long year, IdParam(req, "year"));
    return Render(pf.calendar.GetYear(static_cast<int>(std::min(year, 100000LL))));
  });
  t.Add(Method::kPut, "/calendar/:year", kAdmin, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long year, IdParam(req, "year"));
    LT_ASSIGN_OR_RETURN(json body, req.Json());
    LT_ASSIGN_OR_RETURN(domain::CalendarYear stored, CalendarYearBody(body, year));
    auto put = pf.calendar.PutYears(*req.principal, {std::move(stored)});
    if (!put.ok()) return put.take_error();
    return Render(pf.calendar.GetYear(static_cast<int>(year)));
  });

  // ---- statistics, notifications, history
  t.Add(Method::kGet, "/stats", {Role::kCityReviewer, Role::kTechSupport, Role::kProvince, Role::kAdmin},
        [&pf](Request& req) {
          return Render(pf.stats.CityStats(*req.principal, TimeQuery(req, "from"), TimeQuery(req, "to")));
        });
  t.Add(Method::kGet, "/stats/export", {Role::kCityReviewer, Role::kTechSupport, Role::kProvince, Role::kAdmin},
        [&pf](Request& req) -> Result<Response> {
          LT_ASSIGN_OR_RETURN(std::string csv,
                              pf.stats.CityStatsCsv(*req.principal, TimeQuery(req, "from"), TimeQuery(req, "to")));
          Response r;
          r.content_type = "text/csv; charset=utf-8";
          r.body = std::move(csv);
          r.headers.emplace_back("Content-Disposition", "attachment; filename*=UTF-8''liantiao-stats.csv");
          return r;
        });
  t.Add(Method::kGet, "/notifications", kLogged, [&pf](Request& req) -> Result<Response> {
    const std::string unread = Query(req, "unread").value_or("false");
    if (unread != "true" && unread != "false") {
      return MakeError(ErrorCode::kInvalidField, "查询参数 unread 须为 true 或 false", {{"field", "unread"}});
    }
    return Render(pf.notifications.List(*req.principal, unread == "true"));
  });
  t.Add(Method::kPost, "/notifications/:id/read", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(long long id, IdParam(req));
    LT_RETURN_IF_ERROR(pf.notifications.MarkRead(*req.principal, id));
    return Ok({{"ok", true}});
  });
  t.Add(Method::kPost, "/notifications/read-all", kLogged, [&pf](Request& req) -> Result<Response> {
    LT_RETURN_IF_ERROR(pf.notifications.MarkAllRead(*req.principal));
    return Ok({{"ok", true}});
  });
  t.Add(Method::kGet, "/history/verify", kAdmin, [&pf](Request&) -> Result<Response> {
    LT_ASSIGN_OR_RETURN(auto v, services::VerifyHistory(pf.deps.db));
    return Ok({{"ok", v.ok},
               {"entries", v.entries},
               {"first_broken_seq", v.first_broken_seq ? json(*v.first_broken_seq) : json(nullptr)},
               {"problem", v.problem}});
  });

  // ---- test clock (only with `serve --test-clock`)
  if (opt.test_clock) {
    ManualClock* clock = opt.test_clock;
    t.Add(Method::kPut, "/test/clock", kAdmin, [clock](Request& req) -> Result<Response> {
      LT_ASSIGN_OR_RETURN(json body, req.Json());
      LT_ASSIGN_OR_RETURN(std::string now, Str(body, "now"));
      LT_ASSIGN_OR_RETURN(Instant at, InField(ParseInstant(now), "now"));
      clock->Set(at);
      return Ok({{"now", FormatInstant(at)}});
    });
    t.Add(Method::kGet, "/test/clock", kAdmin, [clock](Request&) -> Result<Response> {
      return Ok({{"now", FormatInstant(clock->Now())}});
    });
    t.Add(Method::kPost, "/test/sweep", kAdmin, [&pf, clock](Request&) -> Result<Response> {
      // The same step as the scheduled sweep, calendar reload included, so a year loaded
      // by `liantiao calendar import` reaches a test-clock server too.
      LT_ASSIGN_OR_RETURN(auto r, pf.Sweep(clock->Now()));
      return Ok({{"raised", r.raised}});
    });
    t.Add(Method::kPost, "/test/probe", kAdmin, [&pf, clock](Request&) -> Result<Response> {
      LT_ASSIGN_OR_RETURN(json r, pf.probes.ProbeDue(clock->Now()));
      return Ok(r);
    });
  }
  return std::move(t.router);
}

}  // namespace liantiao::http
