#include "services/complaint_service.h"

#include <set>

#include "services/auth_service.h"
#include "services/deadlines.h"
#include "services/history.h"
#include "services/notifications.h"
#include "services/sandbox_service.h"
#include "services/scope.h"
#include "services/vendor_quota.h"
#include "storage/row.h"

namespace liantiao::services {

using domain::ComplaintAction;
using domain::ComplaintState;
using domain::DeadlineKind;
using domain::Role;
using storage::GetInt;
using storage::GetOptInt;
using storage::GetText;

namespace {

const std::set<std::string>& Conducts() {
  static const std::set<std::string> c{"key_unusable", "interface_not_provided", "technical_barrier",
                                       "designation_or_fees", "other"};
  return c;
}

// A technical support unit reads a complaint once it is its rectification order (the
// process's role table: "its own city's rectification orders"); before, the complaint
// is between the vendor and the city, and the unit is often the party complained about.
// Its one action, `rectified`, is likewise 404 before an order: a 409 would tell it the
// complaint's state. After the order it is judged by state (409 once reported).
constexpr const char* kOrderedSql =
    " AND EXISTS (SELECT 1 FROM deadlines dr WHERE dr.complaint_id = c.id AND dr.kind = 'rectification')";

Status RequireComplaintInScope(soci::session& sql, const Principal& p, long long complaint_id,
                               const std::string& city_code, long long vendor_id) {
  LT_RETURN_IF_ERROR(RequireInScope(p, city_code, vendor_id, "投诉"));
  if (p.role != Role::kTechSupport) return OkStatus();
  int ordered = 0;
  sql << "SELECT COUNT(*) FROM complaints c WHERE c.id = :id" + std::string(kOrderedSql), soci::use(complaint_id),
      soci::into(ordered);
  if (ordered == 0) return MakeError(ErrorCode::kNotFound, "投诉不存在");
  return OkStatus();
}

Result<ComplaintRow> LoadComplaint(soci::session& sql, long long id, bool lock) {
  if (lock) sql << "UPDATE complaints SET updated_at = updated_at WHERE id = :id", soci::use(id);
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, application_id, vendor_id, city_code, state FROM complaints WHERE id = :id",
       soci::use(id));
  for (const soci::row& r : rows) {
    auto s = domain::ParseComplaintState(GetText(r, 4));
    if (!s) return MakeError(ErrorCode::kInternal, "投诉状态数据无效");
    return ComplaintRow{GetInt(r, 0), GetInt(r, 1), GetInt(r, 2), GetText(r, 3), *s};
  }
  return MakeError(ErrorCode::kNotFound, "投诉不存在");  // as for a foreign complaint
}

// The platform's own evidence: the history of the application's test keys. Sandbox
// refusals join this list once the test environment records them.
void AttachPlatformEvidence(soci::session& sql, long long complaint_id, long long app_id, Instant now) {
  json keys = json::array();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT app_key, issued_at, expires_at, claimed_at, revoked_at, revoked_reason "
                      "FROM test_keys WHERE application_id = :a ORDER BY id",
       soci::use(app_id));
  for (const soci::row& r : rows) {
    auto t = [&](std::size_t i) {
      auto v = GetOptInt(r, i);
      return v ? json(FormatInstant(FromUnix(*v))) : json(nullptr);
    };
    keys.push_back({{"app_id", GetText(r, 0)},
                    {"issued_at", t(1)},
                    {"expires_at", t(2)},
                    {"claimed_at", t(3)},
                    {"revoked_at", t(4)},
                    {"revoked_reason", GetText(r, 5)}});
  }
  const std::string body = keys.dump();
  const std::string sha = crypto::Sha256Hex(body);
  long long size = static_cast<long long>(body.size()), at = ToUnix(now);
  sql << "INSERT INTO complaint_evidence (complaint_id, source, filename, content_type, size, sha256, "
         "description, created_at) VALUES (:c, 'platform', 'test-key-history.json', 'application/json', "
         ":s, :h, :d, :at)",
      soci::use(complaint_id), soci::use(size), soci::use(sha), soci::use(body), soci::use(at);
}

}  // namespace

Status TransitionComplaint(soci::session& sql, const ComplaintRow& c, ComplaintAction action, const Actor& actor,
                           const std::string& reason, Instant now, ComplaintState& out) {
  LT_ASSIGN_OR_RETURN(out, domain::ApplyComplaintAction(c.state, action, actor.role));
  std::string word{domain::ToString(out)};
  long long at = ToUnix(now);
  sql << "UPDATE complaints SET state = :s, updated_at = :at WHERE id = :id", soci::use(word), soci::use(at),
      soci::use(c.id);
  return AppendHistory(sql, HistoryEntry{.entity = "complaint",
                                         .entity_id = c.id,
                                         .application_id = c.application_id,
                                         .city_code = c.city_code,
                                         .vendor_id = c.vendor_id,
                                         .actor = actor,
                                         .action = std::string(domain::ToString(action)),
                                         .before = std::string(domain::ToString(c.state)),
                                         .after = word,
                                         .reason = reason,
                                         .at = now});
}

Result<json> ComplaintService::File(const Principal& p, const NewComplaint& in) {
  if (p.role != Role::kVendor) return MakeError(ErrorCode::kForbidden);
  if (!in.declaration) {
    return MakeError(ErrorCode::kMissingField, "须声明所填内容真实", {{"field", "declaration"}});
  }
  if (!Conducts().count(in.conduct)) {
    return MakeError(ErrorCode::kInvalidField, "投诉行为类型无效", {{"field", "conduct"}, {"allowed", Conducts()}});
  }
  LT_RETURN_IF_ERROR(RequireText(in.respondent, "respondent", 200));
  LT_RETURN_IF_ERROR(RequireText(in.facts, "facts", 8000));
  LT_RETURN_IF_ERROR(OptionalText(in.complainant, "complainant", 100));
  LT_RETURN_IF_ERROR(OptionalText(in.contact, "contact", 100));
  LT_ASSIGN_OR_RETURN(Instant occurred, InField(ParseInstant(in.occurred_at), "occurred_at"));
  const Instant now = deps_.clock.Now();
  if (occurred > now) {
    return MakeError(ErrorCode::kInvalidField, "发生时间不能晚于当前时间", {{"field", "occurred_at"}});
  }
  auto calendar = deps_.calendar.Get();
  auto id = deps_.db.Transact<long long>([&](soci::session& sql) -> Result<long long> {
    LT_ASSIGN_OR_RETURN(AppRow app, LockApplication(sql, in.application_id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, app.id, app.city_code, app.vendor_id));
    LT_RETURN_IF_ERROR(domain::RequireAllowed(app.state, domain::AppActivity::kFileComplaint));
    std::string complainant = in.complainant, contact = in.contact;
    if (complainant.empty() || contact.empty()) {
      std::string name, phone;
      sql << "SELECT contact_name, contact_phone FROM vendors WHERE id = :v", soci::use(app.vendor_id),
          soci::into(name), soci::into(phone);
      if (complainant.empty()) complainant = name;
      if (contact.empty()) contact = phone;
    }
    long long cid = 0, at = ToUnix(now), occ = ToUnix(occurred);
    std::string state{domain::ToString(ComplaintState::kSubmitted)};
    sql << "INSERT INTO complaints (application_id, vendor_id, city_code, complainant, contact, respondent, "
           "conduct, facts, occurred_at, state, created_at, updated_at) VALUES (:a, :v, :c, :cp, :ct, :r, "
           ":cd, :f, :o, :s, :at, :at2) RETURNING id",
        soci::use(app.id), soci::use(app.vendor_id), soci::use(app.city_code), soci::use(complainant),
        soci::use(contact), soci::use(in.respondent), soci::use(in.conduct), soci::use(in.facts), soci::use(occ),
        soci::use(state), soci::use(at), soci::use(at), soci::into(cid);
    int days = domain::kDefaultComplaintVerificationDays;
    sql << "SELECT complaint_verification_days FROM cities WHERE code = :c", soci::use(app.city_code), soci::into(days);
    StartDeadline(sql, *calendar, DeadlineKind::kComplaintVerification, app.id, cid, app.city_code, days, now);
    AttachPlatformEvidence(sql, cid, app.id, now);
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "complaint",
                                                       .entity_id = cid,
                                                       .application_id = app.id,
                                                       .city_code = app.city_code,
                                                       .vendor_id = app.vendor_id,
                                                       .actor = Actor::Of(p),
                                                       .action = "file",
                                                       .before = "",
                                                       .after = state,
                                                       .reason = in.conduct,
                                                       .at = now}));
    Notify(sql, Audience{Role::kCityReviewer, app.city_code, std::nullopt},
           Notice{"complaint_filed", "收到企业投诉，请在期限内核实", "投诉编号 " + std::to_string(cid), app.id, cid,
                  std::nullopt},
           now);
    return cid;
  });
  if (!id.ok()) return id.take_error();
  return Get(p, *id);
}

namespace {

// A complaint holds at most this many files of the vendor's: enough for any dispute,
// and a bound on what one vendor can make the platform keep.
constexpr long long kMaxVendorEvidence = 100;

// Whether the vendor may still add a file to the complaint: not once it is closed, nor
// beyond kMaxVendorEvidence.
Status RoomForEvidence(soci::session& sql, const ComplaintRow& c) {
  if (domain::IsFinal(c.state)) {
    // Closed as founded and rectified, or as unfounded: said as the state it is in.
    return MakeError(ErrorCode::kInvalidTransition,
                     "该投诉已处于“" + std::string(domain::ChineseName(c.state)) + "”状态，不能再补充证据",
                     {{"state", domain::ToString(c.state)}, {"action", "add_evidence"}});
  }
  long long count = 0;
  sql << "SELECT COUNT(*) FROM complaint_evidence WHERE complaint_id = :c AND source = 'vendor'", soci::use(c.id),
      soci::into(count);
  if (count < kMaxVendorEvidence) return OkStatus();
  return MakeError(ErrorCode::kInvalidField, "每件投诉最多上传 " + std::to_string(kMaxVendorEvidence) + " 份证据",
                   {{"field", "file"}, {"max", kMaxVendorEvidence}});
}

}  // namespace

Result<json> ComplaintService::AddEvidence(const Principal& p, long long id, const std::string& filename,
                                           const std::string& data, const std::string& description) {
  if (p.role != Role::kVendor) return MakeError(ErrorCode::kForbidden);
  LT_RETURN_IF_ERROR(RequireText(filename, "filename", 255));
  LT_RETURN_IF_ERROR(OptionalText(description, "description", 2000));
  auto pre = deps_.db.Read<ComplaintRow>([&](soci::session& sql) { return LoadComplaint(sql, id, false); });
  if (!pre.ok()) return pre.take_error();
  LT_RETURN_IF_ERROR(RequireInScope(p, pre->city_code, pre->vendor_id, "投诉"));
  // Checked before the file is written, so a refused upload stores nothing; again in the
  // transaction, which may come after the complaint was closed.
  auto room = deps_.db.Read<Ok>([&](soci::session& sql) -> Result<Ok> {
    LT_RETURN_IF_ERROR(RoomForEvidence(sql, *pre));
    LT_RETURN_IF_ERROR(RoomInVendorStorage(sql, pre->vendor_id, static_cast<long long>(data.size()),
                                           deps_.config.vendor_storage_bytes));
    return Ok{};
  });
  if (!room.ok()) return room.take_error();
  LT_ASSIGN_OR_RETURN(StoredFile stored, deps_.files.Store(data));
  const Instant now = deps_.clock.Now();
  return deps_.db.Transact<json>([&](soci::session& sql) -> Result<json> {
    LT_ASSIGN_OR_RETURN(ComplaintRow c, LoadComplaint(sql, id, true));
    LT_RETURN_IF_ERROR(RoomForEvidence(sql, c));
    LT_RETURN_IF_ERROR(RoomInVendorStorage(sql, c.vendor_id, stored.size, deps_.config.vendor_storage_bytes));
    long long eid = 0, at = ToUnix(now);
    sql << "INSERT INTO complaint_evidence (complaint_id, source, filename, content_type, size, sha256, "
           "description, created_at) VALUES (:c, 'vendor', :f, :t, :s, :h, :d, :at) RETURNING id",
        soci::use(id), soci::use(filename), soci::use(stored.content_type), soci::use(stored.size),
        soci::use(stored.sha256), soci::use(description), soci::use(at), soci::into(eid);
    std::string st{domain::ToString(c.state)};
    LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "complaint",
                                                       .entity_id = id,
                                                       .application_id = c.application_id,
                                                       .city_code = c.city_code,
                                                       .vendor_id = c.vendor_id,
                                                       .actor = Actor::Of(p),
                                                       .action = "evidence_add",
                                                       .before = st,
                                                       .after = st,
                                                       .reason = filename + " (" + stored.sha256 + ")",
                                                       .at = now}));
    return json{{"id", eid},
                {"filename", filename},
                {"size", stored.size},
                {"sha256", stored.sha256},
                {"content_type", stored.content_type},
                {"source", "vendor"}};
  });
}

Result<ListPage> ComplaintService::List(const Principal& p, std::optional<std::string> state, PageRequest page) {
  if (state && !domain::ParseComplaintState(*state)) {
    return MakeError(ErrorCode::kInvalidField, "状态值无效", {{"field", "state"}});
  }
  const int limit = std::clamp(page.limit, 1, kMaxPage), offset = std::max(page.offset, 0);
  const Instant now = deps_.clock.Now();
  auto calendar = deps_.calendar.Get();
  return deps_.db.Read<ListPage>([&](soci::session& sql) -> Result<ListPage> {
    ScopePredicate scope = ScopeSql(p, "c");
    std::string where = " WHERE 1 = 1" + scope.sql;
    if (p.role == Role::kTechSupport) where += kOrderedSql;
    if (state) where += " AND c.state = :state";
    auto bind = [&](soci::statement& st) {
      if (scope.binds_vendor) st.exchange(soci::use(scope.vendor_id));
      if (scope.binds_city) st.exchange(soci::use(scope.city_code));
      if (state) st.exchange(soci::use(*state));
    };
    ListPage out;
    out.total = CountRows(sql, " FROM complaints c" + where, bind);
    // Each complaint with its latest deadline (verification, then rectification), so
    // that a list of complaints shows what they wait for without reading each one.
    std::string q =
        "SELECT c.id, c.application_id, c.city_code, c.conduct, c.state, c.created_at, v.name, c.respondent, "
        "c.findings, c.rectification_report, d.id, " +
        std::string(kDeadlineColumns) +
        " FROM complaints c JOIN vendors v ON v.id = c.vendor_id "
        "LEFT JOIN deadlines d ON d.id = (SELECT MAX(d2.id) FROM deadlines d2 "
        "WHERE d2.application_id = c.application_id AND d2.complaint_id = c.id)" +
        where + " ORDER BY c.id DESC" + kPageLimit;
    EachRowOfPage(sql, q, bind, limit, offset, [&](const soci::row& r) {
      json c = {{"id", GetInt(r, 0)},           {"application_id", GetInt(r, 1)},
                {"city_code", GetText(r, 2)},   {"conduct", GetText(r, 3)},
                {"state", GetText(r, 4)},       {"created_at", FormatInstant(FromUnix(GetInt(r, 5)))},
                {"vendor_name", GetText(r, 6)}, {"respondent", GetText(r, 7)},
                {"findings", GetText(r, 8)},    {"rectification_report", GetText(r, 9)},
                {"deadline", nullptr}};
      if (GetOptInt(r, 10)) {
        c["deadline"] = DeadlineJson(r, 11, now, *calendar);
        c["deadline"]["complaint_id"] = c["id"];
      }
      if (auto s = domain::ParseComplaintState(GetText(r, 4))) c["state_name"] = domain::ChineseName(*s);
      out.items.push_back(std::move(c));
    });
    return out;
  });
}

Result<json> ComplaintService::Get(const Principal& p, long long id) {
  const Instant now = deps_.clock.Now();
  auto calendar = deps_.calendar.Get();
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    LT_ASSIGN_OR_RETURN(ComplaintRow c, LoadComplaint(sql, id, false));
    LT_RETURN_IF_ERROR(RequireComplaintInScope(sql, p, c.id, c.city_code, c.vendor_id));
    json j;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT complainant, contact, respondent, conduct, facts, occurred_at, findings, "
                        "rectification_report, created_at, updated_at FROM complaints WHERE id = :id",
         soci::use(id));
    for (const soci::row& r : rows) {
      j = {{"id", id},
           {"application_id", c.application_id},
           {"vendor_id", c.vendor_id},
           {"city_code", c.city_code},
           {"state", domain::ToString(c.state)},
           {"state_name", domain::ChineseName(c.state)},
           {"complainant", GetText(r, 0)},
           {"contact", GetText(r, 1)},
           {"respondent", GetText(r, 2)},
           {"conduct", GetText(r, 3)},
           {"facts", GetText(r, 4)},
           {"occurred_at", FormatInstant(FromUnix(GetInt(r, 5)))},
           {"findings", GetText(r, 6)},
           {"rectification_report", GetText(r, 7)},
           {"created_at", FormatInstant(FromUnix(GetInt(r, 8)))},
           {"updated_at", FormatInstant(FromUnix(GetInt(r, 9)))},
           {"declaration", true}};
    }
    j["evidence"] = json::array();
    soci::rowset<soci::row> ev =
        (sql.prepare << "SELECT id, source, filename, content_type, size, sha256, description, created_at "
                        "FROM complaint_evidence WHERE complaint_id = :id ORDER BY id",
         soci::use(id));
    for (const soci::row& r : ev) {
      json e = {{"id", GetInt(r, 0)},
                {"source", GetText(r, 1)},
                {"filename", GetText(r, 2)},
                {"content_type", GetText(r, 3)},
                {"size", GetInt(r, 4)},
                {"sha256", GetText(r, 5)},
                {"created_at", FormatInstant(FromUnix(GetInt(r, 7)))}};
      // The platform's evidence is data it holds itself: shown inline.
      if (GetText(r, 1) == "platform") {
        e["content"] = json::parse(GetText(r, 6), nullptr, false);
      } else {
        e["description"] = GetText(r, 6);
      }
      j["evidence"].push_back(std::move(e));
    }
    // The sandbox's refusals of this vendor's keys (and failed probes of a city's own
    // test environment) are evidence for the complaint without the vendor doing anything.
    j["key_refusals"] = SandboxService::KeyRefusals(sql, c.application_id);
    j["deadlines"] = DeadlinesJson(sql, c.application_id, now, *calendar, id);
    return j;
  });
}

Result<FileDownload> ComplaintService::DownloadEvidence(const Principal& p, long long id, long long evidence_id) {
  // The platform's own evidence is stored in the row itself; a vendor's file is in the
  // file store under its hash.
  struct Found {
    FileDownload file;  // data: the content (platform) or the hash (vendor)
    bool in_store;
  };
  auto found = deps_.db.Read<Found>([&](soci::session& sql) -> Result<Found> {
    LT_ASSIGN_OR_RETURN(ComplaintRow c, LoadComplaint(sql, id, false));
    LT_RETURN_IF_ERROR(RequireComplaintInScope(sql, p, c.id, c.city_code, c.vendor_id));
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT filename, content_type, sha256, source, description FROM complaint_evidence "
                        "WHERE id = :e AND complaint_id = :c",
         soci::use(evidence_id), soci::use(id));
    for (const soci::row& r : rows) {
      const bool platform = GetText(r, 3) == "platform";
      return Found{FileDownload{GetText(r, 0), GetText(r, 1), GetText(r, platform ? 4 : 2)}, !platform};
    }
    return MakeError(ErrorCode::kNotFound, "证据不存在");
  });
  if (!found.ok()) return found.take_error();
  if (found->in_store) {
    LT_ASSIGN_OR_RETURN(found->file.data, deps_.files.Read(found->file.data));
  }
  return std::move(found->file);
}

Result<json> ComplaintService::Verify(const Principal& p, long long id, const Verification& v) {
  LT_RETURN_IF_ERROR(RequireText(v.findings, "findings", 8000));
  const int days = v.rectification_due_days.value_or(domain::kDefaultRectificationDays);
  if (days < 1 || days > 60) {
    return MakeError(ErrorCode::kInvalidField, "整改期限须为 1–60 个工作日", {{"field", "rectification_due_days"}});
  }
  const Instant now = deps_.clock.Now();
  auto calendar = deps_.calendar.Get();
  auto done = deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    LT_ASSIGN_OR_RETURN(ComplaintRow c, LoadComplaint(sql, id, true));
    LT_RETURN_IF_ERROR(RequireInScope(p, c.city_code, c.vendor_id, "投诉"));
    const Actor actor = Actor::Of(p);
    ComplaintState next;
    const ComplaintAction verdict = v.founded ? ComplaintAction::kVerifyFounded : ComplaintAction::kVerifyUnfounded;
    LT_RETURN_IF_ERROR(TransitionComplaint(sql, c, verdict, actor, v.findings, now, next));
    sql << "UPDATE complaints SET findings = :f WHERE id = :id", soci::use(v.findings), soci::use(id);
    LT_RETURN_IF_ERROR(CloseDeadlines(sql, c.application_id, {DeadlineKind::kComplaintVerification}, now,
                                      domain::ToString(verdict), id));
    Audience vendor{Role::kVendor, std::nullopt, c.vendor_id};
    if (!v.founded) {
      Notify(sql, vendor,
             Notice{"complaint_unfounded", "投诉经核实不属实", v.findings, c.application_id, id, std::nullopt}, now);
      return Ok{};
    }
    c.state = next;
    // A complaint verified after its application ended has nothing left to rectify: no
    // key can be re-issued for it. It is closed as the application's end closes the others.
    LT_ASSIGN_OR_RETURN(AppRow app, LoadApplication(sql, c.application_id));
    if (domain::IsFinal(app.state)) {
      LT_RETURN_IF_ERROR(TransitionComplaint(sql, c, ComplaintAction::kClose, Actor::System(),
                                             domain::ApplicationEndedPhrase(app.state) + "，不再责令整改", now, next));
      Notify(sql, vendor,
             Notice{"complaint_founded", "投诉经核实属实（申请已结束，不再责令整改）", v.findings, c.application_id, id,
                    std::nullopt},
             now);
      return Ok{};
    }
    LT_RETURN_IF_ERROR(TransitionComplaint(sql, c, ComplaintAction::kOrderRectification, Actor::System(),
                                           "整改期限 " + std::to_string(days) + " 个工作日", now, next));
    StartDeadline(sql, *calendar, DeadlineKind::kRectification, c.application_id, id, c.city_code, days, now);
    Notify(sql, Audience{Role::kTechSupport, c.city_code, std::nullopt},
           Notice{"rectification_ordered", "投诉属实，请按期完成整改", v.findings, c.application_id, id, std::nullopt},
           now);
    Notify(sql, vendor,
           Notice{"complaint_founded", "投诉经核实属实，已责令整改", v.findings, c.application_id, id, std::nullopt},
           now);
    return Ok{};
  });
  if (!done.ok()) return done.take_error();
  return Get(p, id);
}

Result<json> ComplaintService::ReportRectified(const Principal& p, long long id, const std::string& report) {
  LT_RETURN_IF_ERROR(RequireText(report, "report", 8000));
  const Instant now = deps_.clock.Now();
  auto done = deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    LT_ASSIGN_OR_RETURN(ComplaintRow c, LoadComplaint(sql, id, true));
    LT_RETURN_IF_ERROR(RequireComplaintInScope(sql, p, c.id, c.city_code, c.vendor_id));
    LT_ASSIGN_OR_RETURN(AppRow app, LockApplication(sql, c.application_id));
    ComplaintState next;
    LT_RETURN_IF_ERROR(TransitionComplaint(sql, c, ComplaintAction::kReportRectified, Actor::Of(p), report, now, next));
    sql << "UPDATE complaints SET rectification_report = :r WHERE id = :id", soci::use(report), soci::use(id);
    LT_RETURN_IF_ERROR(CloseDeadlines(sql, c.application_id, {DeadlineKind::kRectification}, now,
                                      domain::ToString(ComplaintAction::kReportRectified), id));
    // New key (old revoked) and a fresh joint-test window, through the table.
    auto t = ApplyApplicationAction(sql, deps_, Actor::Of(p), app, domain::AppAction::kReissueKey,
                                    ActionInput{json::array(), "整改完成：" + report}, now);
    if (!t.ok()) return t.take_error();
    Notify(sql, Audience{Role::kCityReviewer, c.city_code, std::nullopt},
           Notice{"rectified", "技术支持单位已完成整改，联调期限重新计算", report, c.application_id, id, std::nullopt},
           now);
    return Ok{};
  });
  if (!done.ok()) return done.take_error();
  return Get(p, id);
}

}  // namespace liantiao::services
