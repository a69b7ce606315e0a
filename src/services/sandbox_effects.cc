// What an accepted request does to its key's store, method by method. The shape of
// every method is data (spec/profiles/*/methods); what an Add means — a team gets a
// teamSysNo, attendance needs an entered worker — is the part of the standard that is
// behaviour, and lives here, named by the method files' `effect` and `rules`.

#include <algorithm>
#include <array>
#include <limits>
#include <set>

#include "domain/credit_code.h"
#include "services/sandbox_internal.h"
#include "services/sandbox_service.h"
#include "services/sandbox_statements.h"
#include "storage/row.h"

namespace liantiao::services::sandbox {

namespace {

using storage::GetInt;
using storage::GetText;

constexpr long long kTeamBase = 100000000;  // teamSysNo = kTeamBase + row id (9–10 digits)
// The name of the project provisioned with a key, until Project.PartUpdate changes it.
constexpr const char* kOwnProjectName = "联调测试项目";

// An attendance record's natural key, which finds its duplicate: the time first, so
// that records stored in the order they happened (what devices send) go to the end of
// the unique index instead of to a random place of it (one page written per record
// under load; migration 0007 turned the keys stored earlier, "id|time|direction").
// `worker` is the ID number as its project's keys name it (Effects::Scoped).
std::string AttendanceKey(const std::string& when, const std::string& worker, const std::string& direction) {
  return when + "|" + worker + "|" + direction;
}

struct Obj {
  long long id = 0;
  std::string natural_key, subject, attr, event_day;
  // JSON text, parsed only by the queries that answer with it: the rules need the
  // columns alone, and parsing every object they look at was writer time for nothing.
  std::string body;
};

std::string Text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  return {};
}

std::optional<long long> Number(const json& v) {
  try {
    if (v.is_number_integer() || v.is_number_unsigned()) return v.get<long long>();
    if (v.is_string() && !v.get<std::string>().empty()) return std::stoll(v.get<std::string>());
  } catch (...) {
  }
  return std::nullopt;
}

// The objects one key's traffic stored. Every statement is scoped by key_id.
class Store {
 public:
  Store(soci::session& sql, Statements& statements, const Context& ctx)
      : sql_(sql),
        statements_(statements),
        key_(ctx.key.id),
        now_(ToUnix(ctx.now)),
        known_(ctx.known),
        observed_(ctx.observed) {}

  // nullopt when an object with this natural key exists already.
  std::optional<long long> Insert(const std::string& kind, const std::string& natural_key, const std::string& subject,
                                  const std::string& attr, const std::string& event_day, const json& body) {
    auto id = statements_.InsertObject(key_, kind, natural_key, subject, attr, event_day, Dump(body), now_);
    if (!id && absent_.contains(KnownObjects::Fact(key_, kind, natural_key))) {
      // Absent when this transaction looked, there now: another writer's transaction
      // (PostgreSQL runs several) committed it in between. What the rules decided on
      // that lookup no longer holds; the batch runs again and looks again.
      throw storage::ConflictRetry("sandbox object stored concurrently: " + kind);
    }
    // A second insert of it is this unit's own duplicate, not another writer's.
    if (id && !absent_.empty()) absent_.erase(KnownObjects::Fact(key_, kind, natural_key));
    if (id && Remembered(kind)) {
      Observe(KnownObjects::Fact(key_, kind, natural_key));
      Observe(KnownObjects::FactById(key_, kind, *id));
    }
    return id;
  }

  // Object `id` takes a new natural key and body (Team.Update; the other Updates keep
  // the key), its subject and attr unchanged. The caller found no other object under the
  // new key; one that another writer's transaction committed since (PostgreSQL) breaks
  // the unique index, and the batch runs again and looks again, as an Insert's does.
  void Update(const std::string& kind, long long id, const std::string& natural_key, const json& body) {
    const std::string text = Dump(body);
    try {
      sql_ << "UPDATE sandbox_objects SET natural_key = :nk, body = :b WHERE key_id = :k AND kind = :kind AND id = :id",
          soci::use(natural_key), soci::use(text), soci::use(key_), soci::use(kind), soci::use(id);
    } catch (const std::exception& e) {
      if (!absent_.contains(KnownObjects::Fact(key_, kind, natural_key))) throw;
      throw storage::ConflictRetry(std::string("sandbox object stored concurrently: ") + kind + ": " + e.what());
    }
    absent_.erase(KnownObjects::Fact(key_, kind, natural_key));
    if (Remembered(kind)) Observe(KnownObjects::Fact(key_, kind, natural_key));
  }

  std::optional<Obj> Find(const std::string& kind, const std::string& natural_key) {
    auto o = statements_.FindObject(key_, kind, natural_key);
    if (!o) {
      absent_.insert(KnownObjects::Fact(key_, kind, natural_key));
      return std::nullopt;
    }
    return ToObj(std::move(*o));
  }
  // Whether the key has this object; for the kinds the rules ask about again and again,
  // answered from the objects known to exist when it is one of them.
  bool Exists(const std::string& kind, const std::string& natural_key) {
    return Known(KnownObjects::Fact(key_, kind, natural_key), kind,
                 [&] { return Find(kind, natural_key).has_value(); });
  }
  // Whether team `id` is this project's and this company's (either left out when the
  // request does not name it). A team keeps its company in `attr` and its project in
  // `subject`; teams stored before the project was kept there are matched by company.
  bool TeamMatches(long long id, const std::string& project, const std::string& corp) {
    return Known(KnownObjects::FactById(key_, "team", id) + "|" + project + "|" + corp, "team", [&] {
      auto o = statements_.FindObjectById(key_, "team", id);
      return o && (project.empty() || o->subject.empty() || o->subject == project) && (corp.empty() || o->attr == corp);
    });
  }
  // Whether the worker whose natural key is `id` (Effects::Scoped) is registered in team
  // `team`, the teamSysNo its ProjectWorker.Add named (kept in `attr`; compared as
  // numbers, since either request may send it as a string). A worker stored without one
  // matches any team.
  bool WorkerInTeam(const std::string& id, long long team) {
    return Known(KnownObjects::Fact(key_, "worker", id) + "|team|" + std::to_string(team), "worker", [&] {
      auto o = statements_.FindObject(key_, "worker", id);
      return o && (o->attr.empty() || Number(json(o->attr)) == team);
    });
  }
  // A worker's latest entry or exit on or before `day`.
  std::optional<Statements::EntryExit> LatestEntryExit(const std::string& id, const std::string& day) {
    return statements_.LatestEntryExit(key_, id, day);
  }
  // Queries page through a key's store now and then: not worth a prepared statement.
  long long Count(const std::string& kind) {
    long long total = 0;
    sql_ << "SELECT COUNT(*) FROM sandbox_objects WHERE key_id = :k AND kind = :kind", soci::use(key_), soci::use(kind),
        soci::into(total);
    return total;
  }
  std::pair<std::vector<Obj>, long long> Page(const std::string& kind, long long offset, long long limit) {
    const long long total = Count(kind);
    std::vector<Obj> out;
    Each(kind, offset, limit, [&](Obj o) { out.push_back(std::move(o)); });
    return {std::move(out), total};
  }
  // The key's objects of a kind in the order stored, from `offset`, at most `limit` of
  // them, one at a time (a key's attendance can be long).
  template <typename Visit>
  void Each(const std::string& kind, long long offset, long long limit, Visit visit) {
    soci::rowset<soci::row> rows =
        (sql_.prepare << "SELECT id, natural_key, subject, attr, event_day, body FROM sandbox_objects "
                         "WHERE key_id = :k AND kind = :kind ORDER BY id LIMIT :l OFFSET :o",
         soci::use(key_), soci::use(kind), soci::use(limit), soci::use(offset));
    for (const soci::row& r : rows) {
      visit(ToObj({GetInt(r, 0), GetText(r, 1), GetText(r, 2), GetText(r, 3), GetText(r, 4), GetText(r, 5)}));
    }
  }
  static constexpr long long kAll = std::numeric_limits<long long>::max();

 private:
  static Obj ToObj(StoredObject o) {
    return Obj{o.id,
               std::move(o.natural_key),
               std::move(o.subject),
               std::move(o.attr),
               std::move(o.event_day),
               std::move(o.body)};
  }

  // Teams, workers, projects and contractors: what the rules look up by key. Attendance
  // and the like are looked up once, for duplicates, and would only fill the cache.
  static bool Remembered(std::string_view kind) {
    return kind == "worker" || kind == "team" || kind == "project" || kind == "corp";
  }
  template <typename Query>
  bool Known(std::string fact, std::string_view kind, Query query) {
    if (!Remembered(kind)) return query();
    if (known_ && known_->Contains(fact)) return true;
    if (!query()) return false;
    Observe(std::move(fact));
    return true;
  }
  void Observe(std::string fact) {
    if (observed_) observed_->push_back(std::move(fact));
  }

  soci::session& sql_;
  Statements& statements_;
  long long key_;
  long long now_;
  const KnownObjects* known_;
  std::vector<std::string>* observed_;
  // The objects this unit looked up and did not find (as KnownObjects::Fact).
  std::set<std::string> absent_;
};

// `data[name]`, or null where data has no such member: the request's data is read-only
// to the effects (a non-const operator[] would add the member).
const json& Member(const json& data, const std::string& name) {
  static const json kNull;
  if (!data.is_object()) return kNull;
  const auto it = data.find(name);
  return it == data.end() ? kNull : *it;
}

// An item as stored: its images (the profile's image fields) replaced by their size, so
// a key's store holds facts, not every photo sent.
json WithoutImages(json item, const std::set<std::string, std::less<>>& images) {
  if (!item.is_object()) return item;
  for (auto it = item.begin(); it != item.end(); ++it) {
    if (it.value().is_string() && images.contains(it.key())) {
      it.value() = "<" + std::to_string(it.value().get<std::string>().size()) + " 字符>";
    }
  }
  return item;
}

// A stored item as a query answers it: without the images it no longer holds, rather
// than with a stand-in a client would try to decode.
void DropStoredImages(json& row, const std::set<std::string, std::less<>>& images) {
  if (!row.is_object()) return;
  for (const auto& f : images) row.erase(f);
}

// A stored object's body (JSON text) with the members of `sent` put in: what an Update
// stores, the fields it does not send keeping their values. The `placed` fields say where
// the object is (its team, company, project) and keep their stored values whatever is
// sent: an update changes what an object is, not where a query finds it.
json Merged(const std::string& stored, json sent, std::initializer_list<const char*> placed) {
  json body = json::parse(stored, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) body = json::object();
  if (!sent.is_object()) return body;
  for (const char* f : placed) sent.erase(f);
  body.update(sent);
  return body;
}

// Page numbers are refused beyond the method's schema; these bounds only keep
// index × size within 64 bits whatever a profile's schema allows.
constexpr long long kMaxPageSize = 1000;
constexpr long long kMaxPageIndex = std::numeric_limits<long long>::max() / kMaxPageSize;

long long PageNumber(const json& v, long long fallback, long long low, long long high) {
  if (v.is_number_unsigned() && v.get<unsigned long long>() > static_cast<unsigned long long>(high)) return high;
  return std::clamp(Number(v).value_or(fallback), low, high);
}

// A list item as stored: with the request's fields that place it (its team, its
// enterprise, its month), which a query filters on and the item itself lacks.
json WithContext(json item, const json& data, std::initializer_list<const char*> fields) {
  for (const char* f : fields) {
    if (item.is_object() && !item.contains(f) && data.contains(f)) item[f] = data[f];
  }
  return item;
}

// The filters of a query (the method file's `filters`) that its request sends.
class Filters {
 public:
  Filters(const standard::MethodSpec& method, const json& data) {
    for (const standard::QueryFilter& f : method.filters) {
      // An empty value filters nothing: clients send the fields they do not use as "".
      if (auto v = data.find(f.param); v != data.end() && !Text(*v).empty()) wanted_.emplace_back(&f, Text(*v));
    }
  }
  bool empty() const { return wanted_.empty(); }
  bool Match(const json& row) const {
    for (const auto& [f, value] : wanted_) {
      auto have = row.is_object() ? row.find(f->field) : row.end();
      if (have == row.end()) return false;
      const std::string text = Text(*have);
      if (f->prefix ? !text.starts_with(value) : text != value) return false;
    }
    return true;
  }

 private:
  std::vector<std::pair<const standard::QueryFilter*, std::string>> wanted_;
};

Refusal MakeRefusal(std::string rule, std::string path = {}, std::map<std::string, std::string> params = {}) {
  return Refusal{std::move(rule), std::move(path), std::move(params)};
}

class Effects {
 public:
  Effects(soci::session& sql, Statements& statements, Context& ctx)
      : ctx_(ctx),
        store_(sql, statements, ctx),
        sql_(sql),
        identity_(ctx.key.identity),
        scope_(ScopeOf(Text(Member(ctx.data, "projectCode")), ctx.key.identity)) {}

  EffectResult Run() {
    const std::string& e = ctx_.method.effect;
    if (auto r = CommonRules()) return Refused(*r);
    if (e == "checksign") return CheckSign();
    if (e == "async.query") return AsyncQuery();
    if (e == "project.add") return ProjectAdd();
    if (e == "project.update") return ProjectUpdate();
    if (e == "project.part_update") return ProjectPartUpdate();
    if (e == "corp.upload") return CorpUpload();
    if (e == "subcontractor.add") return SubcontractorAdd();
    if (e == "subcontractor.update") return SubcontractorUpdate();
    if (e == "team.add") return TeamAdd();
    if (e == "team.update") return TeamUpdate();
    if (e == "worker.add") return WorkerAdd();
    if (e == "worker.update") return WorkerUpdate();
    if (e == "entry_exit.add") return EntryExitAdd();
    if (e == "attendance.add") return AttendanceAdd();
    if (e == "payroll.add") return PayrollAdd();
    if (e == "contract.add") return ListAdd("contract", "contractList", "劳动合同");
    if (e == "training.add") return TrainingAdd();
    if (e.ends_with(".query")) return Query(e.substr(0, e.size() - 6));
    return Refused(MakeRefusal("unknown_method", "", {{"method", ctx_.method.name}}));
  }

 private:
  static EffectResult Refused(Refusal r) {
    EffectResult out;
    out.refusal = std::move(r);
    return out;
  }
  static EffectResult Failed(Refusal r, std::vector<std::string> tags = {}) {
    EffectResult out;
    out.async_failure = std::move(r);
    out.tags = std::move(tags);
    return out;
  }

  bool Rule(std::string_view name) const { return ctx_.method.HasRule(name); }

  // A project's records (its companies, teams, workers and what they do) are its own:
  // the same person, team or company may be in two of the key's projects. Their natural
  // keys begin with the project: nothing for the project provisioned with the key (or a
  // request that names none), so the keys stored while a key had that project alone
  // stay as they are; a project's code and "|" for a project the key added (Project.Add).
  static std::string ScopeOf(const std::string& project, const SandboxIdentity& identity) {
    return project.empty() || project == identity.project_code ? std::string() : project + "|";
  }
  std::string Scoped(const std::string& natural_key) const { return scope_ + natural_key; }

  // The key's contractor, or a company added to the project (ProjectSubContractor.Add).
  bool CorpInProject(const std::string& corp) {
    return corp == identity_.corp_code || store_.Exists("corp", Scoped(corp));
  }

  std::optional<Refusal> CommonRules() {
    if (Rule("project_mismatch") && ctx_.data.contains("projectCode")) {
      const std::string code = Text(Member(ctx_.data, "projectCode"));
      if (code != identity_.project_code && !store_.Exists("project", code)) {
        return MakeRefusal("project_mismatch", "[projectCode]", {{"value", code}});
      }
    }
    if (Rule("corp_in_project") && ctx_.data.contains("corpCode")) {
      const std::string corp = Text(Member(ctx_.data, "corpCode"));
      if (!CorpInProject(corp)) return MakeRefusal("corp_in_project", "[corpCode]", {{"value", corp}});
    }
    if (Rule("team_exists") && ctx_.data.contains("teamSysNo")) {
      auto n = Number(Member(ctx_.data, "teamSysNo"));
      // A team of another company or project is as unknown to this request as one
      // never added: the research's reference servers hold teamSysNo to both.
      if (!n || *n <= kTeamBase ||
          !store_.TeamMatches(*n - kTeamBase, Text(Member(ctx_.data, "projectCode")),
                              Text(Member(ctx_.data, "corpCode")))) {
        return MakeRefusal("team_exists", "[teamSysNo]", {{"value", Text(Member(ctx_.data, "teamSysNo"))}});
      }
    }
    return std::nullopt;
  }

  EffectResult CheckSign() {
    EffectResult r;
    r.answer_data = {{"appid", ctx_.key.app_key},
                     {"projectCode", identity_.project_code},
                     {"corpCode", identity_.corp_code},
                     {"corpName", identity_.corp_name}};
    return r;
  }

  // An asynchronous result as stored: sandbox_async, or sandbox_serials for the results
  // answered before results were numbered.
  struct AsyncRow {
    std::string method, result, masked_result;
    long long status = 0, pending_polls = 0, polled_pending = 0;
    bool numbered = false;
    long long number = 0;
  };

  // A serial names its row by the number it ends in; the rest of it must be that row's
  // serial, so a number alone finds nothing. Older serials are found by their text.
  std::optional<AsyncRow> FindAsync(const std::string& serial) {
    AsyncRow a;
    if (auto n = SerialNumber(serial)) {
      long long created_at = 0;
      sql_ << "SELECT method, status, result, masked_result, pending_polls, polled_pending, created_at "
              "FROM sandbox_async WHERE id = :n AND key_id = :k",
          soci::use(*n), soci::use(ctx_.key.id), soci::into(a.method), soci::into(a.status), soci::into(a.result),
          soci::into(a.masked_result), soci::into(a.pending_polls), soci::into(a.polled_pending),
          soci::into(created_at);
      if (sql_.got_data()) {
        const standard::MethodSpec* spec = ctx_.profile.FindMethod(a.method);
        if (SerialCode(spec ? spec->serial_prefix : "", FromUnix(created_at), *n) == serial) {
          a.numbered = true;
          a.number = *n;
          return a;
        }
      }
    }
    sql_ << "SELECT method, status, result, pending_polls, polled_pending FROM sandbox_serials "
            "WHERE serial = :s AND key_id = :k",
        soci::use(serial), soci::use(ctx_.key.id), soci::into(a.method), soci::into(a.status), soci::into(a.result),
        soci::into(a.pending_polls), soci::into(a.polled_pending);
    if (!sql_.got_data()) return std::nullopt;
    return a;
  }

  EffectResult AsyncQuery() {
    const std::string serial = Text(ctx_.data.value(ctx_.profile.serial_field, json()));
    auto a = FindAsync(serial);
    if (!a) {
      return Refused(MakeRefusal("serial_unknown", "[" + ctx_.profile.serial_field + "]", {{"value", serial}}));
    }
    EffectResult r;
    if (a->pending_polls > 0) {
      if (a->numbered) {
        sql_ << "UPDATE sandbox_async SET pending_polls = pending_polls - 1, polled_pending = 1 WHERE id = :n",
            soci::use(a->number);
      } else {
        sql_ << "UPDATE sandbox_serials SET pending_polls = pending_polls - 1, polled_pending = 1 "
                "WHERE serial = :s",
            soci::use(serial);
      }
      r.answer_data = {{"status", ctx_.profile.status_pending}, {"result", ""}};
      r.tags.push_back("pending");
      r.tags.push_back("pending:" + a->method);
      return r;
    }
    r.answer_data = {{"status", a->status}, {"result", a->result}};
    r.evidence_result = std::move(a->masked_result);
    r.tags.push_back("resolved:" + a->method);  // no longer pending, whatever its status
    if (a->status == ctx_.profile.status_succeeded) {
      r.tags.push_back("fetched:" + a->method);
      if (a->polled_pending != 0) r.tags.push_back("fetched_after_pending");
    }
    return r;
  }

  // The key's own project as its traffic changed it (Project.PartUpdate), without the
  // fields that stay the platform's.
  json OwnProject() { return OwnProject(store_.Find("project_own", identity_.project_code)); }
  static json OwnProject(const std::optional<Obj>& changed) {
    json own = {{"name", kOwnProjectName}};
    if (changed) own.update(Merged(changed->body, json::object(), {}));
    return own;
  }
  std::string OwnProjectName() { return Text(OwnProject().value("name", json())); }

  // The key's projects, its own and those it added, share one name space.
  static EffectResult DuplicateProject(const std::string& name) {
    return Failed(MakeRefusal("duplicate_project", "[name]", {{"value", name}}), {"duplicate"});
  }

  EffectResult ProjectAdd() {
    EffectResult r;
    const std::string name = Text(ctx_.data.value("name", json()));
    if (name == OwnProjectName()) return DuplicateProject(name);
    // The name is kept apart from the project, so a query lists each project once.
    auto id = store_.Insert("project_name", name, "", "", "", json::object());
    if (!id) return DuplicateProject(name);
    // The platform assigns project codes: the project's area code (its areaCode when that
    // is six digits, else the key's city's) + the date + a sequence.
    std::string area = Text(ctx_.data.value("areaCode", json()));
    if (!domain::IsDivisionCodeForm(area)) area = identity_.project_code.substr(0, 6);
    const std::string code = area + identity_.project_code.substr(6, 8) + std::to_string(1000 + *id % 9000);
    json project = ctx_.data;
    project["projectCode"] = code;
    store_.Insert("project", code, "", "", "", project);
    r.async_result = {{"projectCode", code}};
    r.answer_data = r.async_result;
    return r;
  }

  // Project.Update: a project the key's traffic added (Project.Add), named by the code
  // its result gave, takes the fields sent, the others keeping what was stored; its code
  // stays whatever `areaCode` becomes. The key's provisioned project is the platform's
  // record, as its contractor is for ProjectSubContractor.Update: unknown to this method
  // (`project_unknown`), like a code never assigned. A new name another of the key's
  // projects has (its own included) is that project's duplicate, in the asynchronous
  // result as for Project.Add; the old name is free again.
  EffectResult ProjectUpdate() {
    const std::string code = Text(Member(ctx_.data, "projectCode"));
    auto stored = store_.Find("project", code);
    if (!stored) return Refused(MakeRefusal("project_unknown", "[projectCode]", {{"value", code}}));
    json body = Merged(stored->body, ctx_.data, {"projectCode"});
    const std::string name = Text(body.value("name", json()));
    const json before = json::parse(stored->body, nullptr, /*allow_exceptions=*/false);
    const std::string old_name = before.is_object() ? Text(before.value("name", json())) : std::string();
    if (name != old_name) {
      if (name == OwnProjectName() || store_.Find("project_name", name)) return DuplicateProject(name);
      // Project.Add files the name with the project, so an added project has its entry.
      if (auto entry = store_.Find("project_name", old_name)) {
        store_.Update("project_name", entry->id, name, json::object());
      }
    }
    store_.Update("project", stored->id, code, body);
    return {};
  }

  // Project.PartUpdate (修改项目信息，一项目一密钥): where a key is issued for one
  // project, the method by which its traffic changes that project. Here that is the
  // project provisioned with the key; any other code, a project the key added included
  // (Project.Update is theirs), is `project_unknown`. The fields sent are kept beside
  // the platform's record, which Project.Query answers with them; its code and
  // contractor stay the platform's. Renamed to a project the key added, it is that
  // project's duplicate; its old name is free for Project.Add again.
  EffectResult ProjectPartUpdate() {
    const std::string code = Text(Member(ctx_.data, "projectCode"));
    if (code != identity_.project_code) {
      return Refused(MakeRefusal("project_unknown", "[projectCode]", {{"value", code}}));
    }
    auto stored = store_.Find("project_own", code);
    json body = Merged(stored ? stored->body : "{}", ctx_.data, {"projectCode"});
    if (const auto name = ctx_.data.find("name"); name != ctx_.data.end() && name->is_string()) {
      // One name space for the key's projects: renamed to a project it added, it is
      // that project's duplicate, as Project.Update's renames are.
      if (*name != OwnProject(stored).value("name", json()) && store_.Find("project_name", *name)) {
        return DuplicateProject(*name);
      }
    }
    if (stored) {
      store_.Update("project_own", stored->id, code, body);
    } else {
      store_.Insert("project_own", code, "", "", "", body);
    }
    return {};
  }

  // Corp.Upload: a company's basic information (企业基本信息), one record per credit
  // code. Uploading a company again replaces what was stored of it, as the platform keeps
  // one record a company; it is not a duplicate. Corp.Query lists the records beside the
  // key's contractor. Uploading a company does not make it one of a project's companies:
  // that is ProjectSubContractor.Add.
  EffectResult CorpUpload() {
    const std::string corp = Text(Member(ctx_.data, "corpCode"));
    if (auto stored = store_.Find("company", corp)) {
      store_.Update("company", stored->id, corp, ctx_.data);
    } else {
      store_.Insert("company", corp, "", "", "", ctx_.data);
    }
    return {};
  }

  EffectResult SubcontractorAdd() {
    const std::string corp = Text(ctx_.data.value("corpCode", json()));
    if (corp == identity_.corp_code || !store_.Insert("corp", Scoped(corp), "", "", "", ctx_.data)) {
      return Failed(MakeRefusal("duplicate_subcontractor", "[corpCode]", {{"value", corp}}), {"duplicate"});
    }
    return {};
  }

  // ProjectSubContractor.Update: a company the key's traffic added (ProjectSubContractor.Add)
  // takes the fields sent, the others keeping what was stored. The key's own contractor
  // is the platform's record, provisioned with the key, not one its traffic can change:
  // unknown to this method like a company never added (`subcontractor_unknown`).
  EffectResult SubcontractorUpdate() {
    const std::string corp = Text(Member(ctx_.data, "corpCode"));
    auto stored = store_.Find("corp", Scoped(corp));
    if (!stored) return Refused(MakeRefusal("subcontractor_unknown", "[corpCode]", {{"value", corp}}));
    store_.Update("corp", stored->id, Scoped(corp), Merged(stored->body, ctx_.data, {"corpCode", "projectCode"}));
    return {};
  }

  // A team's natural key: its company and name, unique within the project.
  std::string TeamKey() const {
    return Scoped(Text(ctx_.data.value("corpCode", json())) + "|" + Text(ctx_.data.value("teamName", json())));
  }
  // A stored team's answer and async result: its teamSysNo, answered as Team.Query
  // answers it, under the key's cipher where the profile encrypts it (gz: 班组编号).
  EffectResult TeamNumber(long long id) {
    EffectResult r;
    r.async_result = {{"teamSysNo", kTeamBase + id}};
    EncryptCipherFields(r.async_result);
    r.answer_data = r.async_result;
    return r;
  }

  EffectResult TeamAdd() {
    const std::string key = TeamKey();
    auto id = store_.Insert("team", key, Text(Member(ctx_.data, "projectCode")), Text(Member(ctx_.data, "corpCode")),
                            "", WithoutImages(ctx_.data, ctx_.profile.image_fields));
    if (!id) {
      auto existing = store_.Find("team", key);
      const long long no = existing ? kTeamBase + existing->id : 0;
      return Failed(MakeRefusal("duplicate_team", "[teamName]", {{"value", std::to_string(no)}}), {"duplicate"});
    }
    return TeamNumber(*id);
  }

  // Team.Update: the team its teamSysNo names (team_exists held it to this project and
  // company) takes the data sent. Its company and name are its natural key, as in
  // Team.Add: a name another team of the company has is that team's duplicate.
  EffectResult TeamUpdate() {
    const json& no = Member(ctx_.data, "teamSysNo");
    const long long id = Number(no).value_or(kTeamBase) - kTeamBase;
    const std::string key = TeamKey();
    if (auto other = store_.Find("team", key); other && other->id != id) {
      return Failed(MakeRefusal("duplicate_team", "[teamName]", {{"value", std::to_string(kTeamBase + other->id)}}),
                    {"duplicate"});
    }
    json body = WithoutImages(ctx_.data, ctx_.profile.image_fields);
    body.erase("teamSysNo");  // stored as Team.Add stores a team: the number is its id
    store_.Update("team", id, key, body);
    return TeamNumber(id);
  }

  EffectResult WorkerAdd() {
    const json& list = Member(ctx_.data, "workerList");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string id = Text(list[i].value("idCardNumber", json()));
      if (!seen.insert(id).second || store_.Exists("worker", Scoped(id))) {
        return Failed(MakeRefusal("duplicate_worker", Path("workerList", i, "idCardNumber"), {{"value", id}}),
                      {"duplicate"});
      }
    }
    const std::string team = Text(ctx_.data.value("teamSysNo", json()));
    for (const auto& w : list) {
      json body = WithoutImages(w, ctx_.profile.image_fields);
      body["teamSysNo"] = ctx_.data.value("teamSysNo", json());
      body["corpCode"] = ctx_.data.value("corpCode", json());
      if (ctx_.data.contains("projectCode")) body["projectCode"] = ctx_.data["projectCode"];
      const std::string id = Text(w.value("idCardNumber", json()));
      store_.Insert("worker", Scoped(id), id, team, "", body);
    }
    return {};
  }

  // ProjectWorker.Update: each worker of the list, registered in the project and in the
  // team the request names (`worker_registered`, `worker_in_team`), takes the fields
  // sent; a field not sent keeps what was stored, so a device can send the one that
  // changed (a new phone number, a new photo). An update does not move a worker to
  // another team: the stored team is what attendance and payroll are held to, and what
  // the rules remember of it between requests. A worker named twice takes the later.
  EffectResult WorkerUpdate() {
    const json& list = Member(ctx_.data, "workerList");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string id = Text(list[i].value("idCardNumber", json()));
      if (auto r = Registered("workerList", i, id, "信息")) return Refused(*r);
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string id = Text(list[i].value("idCardNumber", json()));
      auto stored = store_.Find("worker", Scoped(id));
      if (!stored) {
        // Only a profile whose method leaves out `worker_registered` gets here.
        return Refused(
            MakeRefusal("worker_registered", Path("workerList", i, "idCardNumber"), {{"value", id}, {"what", "信息"}}));
      }
      store_.Update("worker", stored->id, Scoped(id),
                    Merged(stored->body, WithoutImages(list[i], ctx_.profile.image_fields),
                           {"teamSysNo", "corpCode", "projectCode"}));
    }
    return {};
  }

  // The worker of record `i` must be registered in the project (`worker_registered`) and,
  // when the request names a team, in that team (`worker_in_team`): a record filed under
  // another team of the project would be counted as that team's.
  std::optional<Refusal> Registered(const std::string& list_name, std::size_t i, const std::string& id,
                                    const char* what) {
    if (Rule("worker_registered") && !store_.Exists("worker", Scoped(id))) {
      return MakeRefusal("worker_registered", Path(list_name, i, "idCardNumber"), {{"value", id}, {"what", what}});
    }
    if (Rule("worker_in_team") && ctx_.data.contains("teamSysNo")) {
      const json& team = Member(ctx_.data, "teamSysNo");
      if (auto n = Number(team); n && !store_.WorkerInTeam(Scoped(id), *n)) {
        return MakeRefusal("worker_in_team", Path(list_name, i, "idCardNumber"),
                           {{"value", id}, {"team", Text(team)}, {"what", what}});
      }
    }
    return std::nullopt;
  }

  // A worker's records alternate, 进场 (type 1) then 退场 (type 0), dates never going
  // back: the first is an entry, an exit follows an entry, an entry follows an exit.
  // The same record again (worker, date and type) is a duplicate: a resend, not news.
  EffectResult EntryExitAdd() {
    const json& list = Member(ctx_.data, "workerList");
    struct Last {
      std::string day, type;
    };
    std::map<std::string, Last> latest;  // the stored latest, then this request's
    std::set<std::string> keys;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string id = Text(list[i].value("idCardNumber", json()));
      const std::string day = Text(list[i].value("date", json()));
      const std::string type = Text(list[i].value("type", json()));
      if (auto r = Registered("workerList", i, id, "进退场信息")) return Refused(*r);
      const std::string key = Scoped(id) + "|" + day + "|" + type;
      if (Rule("duplicate_entry_exit") && (!keys.insert(key).second || store_.Exists("entry_exit", key))) {
        return Failed(MakeRefusal("duplicate_entry_exit", Path("workerList", i, "date"), {{"value", day}}),
                      {"duplicate"});
      }
      if (Rule("entry_exit_order")) {
        if (!latest.contains(id)) {
          if (auto e = store_.LatestEntryExit(Scoped(id), kLastDay)) latest[id] = {e->day, e->type};
        }
        const auto last = latest.find(id);
        if (last != latest.end() && day < last->second.day) {
          return Refused(MakeRefusal("entry_exit_order", Path("workerList", i, "date"), {{"value", day}}));
        }
        const bool on_site = last != latest.end() && last->second.type == kEntry;
        if (type != kEntry && !on_site) {
          return Refused(MakeRefusal("exit_before_entry", Path("workerList", i, "type"), {{"value", id}}));
        }
        if (type == kEntry && on_site) {
          return Refused(MakeRefusal("entry_while_entered", Path("workerList", i, "type"), {{"value", id}}));
        }
      }
      latest[id] = {day, type};
    }
    EffectResult r;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string id = Text(list[i].value("idCardNumber", json()));
      const std::string type = Text(list[i].value("type", json()));
      const std::string day = Text(list[i].value("date", json()));
      store_.Insert("entry_exit", Scoped(id) + "|" + day + "|" + type, Scoped(id), type, day,
                    WithContext(list[i], ctx_.data, {"teamSysNo", "corpCode", "projectCode"}));
      r.tags.push_back(type == "1" ? "entry_in" : "entry_out");
    }
    Dedupe(r.tags);
    return r;
  }

  static constexpr const char* kEntry = "1";  // an entry's type; any other is an exit

  // A day after every date a record may carry: the latest entry or exit of all.
  static constexpr const char* kLastDay = "9999-12-31";

  // Entered on `day`: the latest entry/exit on or before that day is an entry.
  // Whether the worker was on the project on `day`: entered then, or leaving that very
  // day (a 退场 dated `day`: the last day's swipes come in after the exit record).
  bool Entered(const std::string& id, const std::string& day) {
    auto e = store_.LatestEntryExit(Scoped(id), day);
    return e && (e->type == "1" || e->day == day);
  }

  EffectResult AttendanceAdd() {
    const json& list = Member(ctx_.data, "dataList");
    std::set<std::string> keys;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string id = Text(list[i].value("idCardNumber", json()));
      const std::string when = Text(list[i].value("date", json()));
      if (auto r = Registered("dataList", i, id, "考勤")) return Refused(*r);
      if (Rule("worker_entered") && !Entered(id, when.substr(0, 10))) {
        return Refused(MakeRefusal("worker_entered", Path("dataList", i, "idCardNumber"), {{"value", id}}));
      }
      const std::string key = AttendanceKey(when, Scoped(id), Text(list[i].value("direction", json())));
      // A single record is its own check: its insert below finds the duplicate, one
      // query fewer for what devices send most.
      if (Rule("duplicate_attendance") &&
          (!keys.insert(key).second || (list.size() > 1 && store_.Find("attendance", key)))) {
        return Failed(MakeRefusal("duplicate_attendance", Path("dataList", i, "date"), {{"value", when}}),
                      {"duplicate"});
      }
    }
    EffectResult r;
    for (const auto& a : list) {
      const std::string id = Text(a.value("idCardNumber", json()));
      const std::string when = Text(a.value("date", json()));
      const std::string dir = Text(a.value("direction", json()));
      const bool stored =
          store_
              .Insert("attendance", AttendanceKey(when, Scoped(id), dir), id, dir, when.substr(0, 10),
                      WithoutImages(WithContext(a, ctx_.data, {"teamSysNo", "projectCode"}), ctx_.profile.image_fields))
              .has_value();
      if (!stored && list.size() == 1 && Rule("duplicate_attendance")) {
        return Failed(MakeRefusal("duplicate_attendance", Path("dataList", 0, "date"), {{"value", when}}),
                      {"duplicate"});
      }
      r.tags.push_back(dir == "01" ? "direction_in" : "direction_out");
    }
    Dedupe(r.tags);
    return r;
  }

  EffectResult PayrollAdd() {
    const json& list = Member(ctx_.data, "detailList");
    const std::string month = Text(ctx_.data.value("payMonth", json()));
    std::set<std::string> keys;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string id = Text(list[i].value("idCardNumber", json()));
      if (auto r = Registered("detailList", i, id, "工资发放信息")) return Refused(*r);
      const std::string key = Scoped(id) + "|" + month;
      if (Rule("duplicate_payroll") && (!keys.insert(key).second || store_.Exists("payroll_detail", key))) {
        return Failed(MakeRefusal("duplicate_payroll", Path("detailList", i, "idCardNumber"), {{"value", month}}),
                      {"duplicate"});
      }
    }
    // Keyed by its team, month and first worker: no stored payroll has that worker's
    // month (a duplicate is refused above), so each payroll gets its own code.
    const std::string first = list.empty() ? std::string() : Text(list[0].value("idCardNumber", json()));
    auto id = store_.Insert("payroll", Text(ctx_.data.value("teamSysNo", json())) + "|" + month + "|" + first, "",
                            month, "", json{{"payMonth", month}});
    for (const auto& d : list) {
      const std::string worker = Text(d.value("idCardNumber", json()));
      store_.Insert("payroll_detail", Scoped(worker) + "|" + month, worker, month, "",
                    WithContext(d, ctx_.data, {"teamSysNo", "corpCode", "payMonth", "projectCode"}));
    }
    EffectResult r;
    r.async_result = json::array({{{"payrollCode", "PR" + std::to_string(kTeamBase + id.value_or(0))}}});
    r.answer_data = {{"payrollCode", "PR" + std::to_string(kTeamBase + id.value_or(0))}};
    return r;
  }

  // A list of per-worker records (contracts) keyed by worker and start date: one
  // already stored, or twice in the request, is a duplicate (`duplicate_<kind>`).
  EffectResult ListAdd(const std::string& kind, const std::string& list_name, const char* what) {
    const json& list = Member(ctx_.data, list_name);
    const std::string duplicate = "duplicate_" + kind;
    std::set<std::string> keys;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string id = Text(list[i].value("idCardNumber", json()));
      // Each record names its employer (a contract's corpCode): one of the project's companies.
      if (Rule("corp_in_project") && list[i].contains("corpCode")) {
        const std::string corp = Text(list[i]["corpCode"]);
        if (!CorpInProject(corp)) {
          return Refused(MakeRefusal("corp_in_project", Path(list_name, i, "corpCode"), {{"value", corp}}));
        }
      }
      if (auto r = Registered(list_name, i, id, what)) return Refused(*r);
      const std::string start = Text(list[i].value("startDate", json()));
      const std::string key = Scoped(id) + "|" + start;
      if (Rule(duplicate) && (!keys.insert(key).second || store_.Exists(kind, key))) {
        return Failed(MakeRefusal(duplicate, Path(list_name, i, "idCardNumber"), {{"value", id}}), {"duplicate"});
      }
    }
    for (const auto& item : list) {
      const std::string id = Text(item.value("idCardNumber", json()));
      store_.Insert(kind, Scoped(id) + "|" + Text(item.value("startDate", json())), id, "", "",
                    WithContext(item, ctx_.data, {"projectCode"}));
    }
    return {};
  }

  // A training is the same training when its date and name are.
  EffectResult TrainingAdd() {
    const std::string date = Text(ctx_.data.value("trainingDate", json()));
    const std::string name = Text(ctx_.data.value("trainingName", json()));
    const bool stored = store_.Insert("training", Scoped(date + "|" + name), "", "", date, ctx_.data).has_value();
    if (!stored && Rule("duplicate_training")) {
      return Failed(MakeRefusal("duplicate_training", "[trainingName]", {{"value", name}}), {"duplicate"});
    }
    return {};
  }

  EffectResult Query(const std::string& what) {
    static const std::map<std::string, std::string> kKinds = {{"project", "project"},
                                                              {"subcontractor", "corp"},
                                                              {"team", "team"},
                                                              {"worker", "worker"},
                                                              {"entry_exit", "entry_exit"},
                                                              {"attendance", "attendance"},
                                                              {"payroll", "payroll_detail"},
                                                              {"contract", "contract"},
                                                              {"training", "training"},
                                                              {"corp", "company"}};
    auto kind = kKinds.find(what);
    const long long index = PageNumber(ctx_.data.value("pageIndex", json()), 0, 0, kMaxPageIndex);
    const long long size = PageNumber(ctx_.data.value("pageSize", json()), 10, 1, kMaxPageSize);
    const long long offset = index * size;  // both bounded: no overflow
    const Filters filters(ctx_.method, ctx_.data);
    // The rows of the project asked about: a key may have added projects (Project.Add)
    // besides the one provisioned for it; a row stored without its projectCode is the
    // provisioned project's.
    const std::string project = what == "project" ? "" : Text(ctx_.data.value("projectCode", json()));
    const bool one_project = project.empty() || (project == identity_.project_code && store_.Count("project") == 0);
    json rows = json::array();
    long long total = 0;  // rows that pass the filters, on any page
    const auto take = [&](json row) {
      if (!filters.Match(row)) return;
      if (!one_project && row.is_object() && Text(row.value("projectCode", json(identity_.project_code))) != project) {
        return;
      }
      if (total >= offset && total - offset < size) rows.push_back(std::move(row));
      ++total;
    };
    // The key's contractor is the platform's record, listed unless the key uploaded its
    // basic information (Corp.Upload), which is then listed in its place.
    if (what == "corp" && !store_.Find("company", identity_.corp_code)) {
      take({{"corpCode", identity_.corp_code}, {"corpName", identity_.corp_name}});
    }
    if (what == "project") {  // with what Project.PartUpdate changed of it
      json own = OwnProject();
      own.update({{"projectCode", identity_.project_code},
                  {"contractorCorpCode", identity_.corp_code},
                  {"contractorCorpName", identity_.corp_name}});
      take(std::move(own));
    }
    // An attendance record is stored with its team, not its enterprise (the device
    // sends only teamSysNo); its corpCode is its team's, from Team.Add. Read once per
    // query rather than per record stored, so the write path does no extra lookup.
    std::map<std::string, std::string> team_corp;
    if (what == "attendance") {
      store_.Each("team", 0, Store::kAll, [&](const Obj& o) { team_corp[std::to_string(kTeamBase + o.id)] = o.attr; });
    }
    const auto row_of = [&](const Obj& o) {
      json row = json::parse(o.body, nullptr, false);
      DropStoredImages(row, ctx_.profile.image_fields);
      if (what == "team") row["teamSysNo"] = kTeamBase + o.id;
      if (!team_corp.empty() && row.is_object()) {  // attendance, with teams stored
        if (auto corp = team_corp.find(Text(row.value("teamSysNo", json()))); corp != team_corp.end()) {
          row["corpCode"] = corp->second;
        }
      }
      return row;
    };
    if (kind != kKinds.end() && filters.empty() && one_project) {
      // Unfiltered, the database pages (after the rows that are not stored).
      const long long before = total;
      const long long limit = size - static_cast<long long>(rows.size());
      auto [objs, count] = store_.Page(kind->second, std::max(0LL, offset - before), limit);
      total += count;
      for (const Obj& o : objs) rows.push_back(row_of(o));
    } else if (kind != kKinds.end()) {
      store_.Each(kind->second, 0, Store::kAll, [&](const Obj& o) { take(row_of(o)); });
    }
    // Personal and bank numbers leave encrypted, as the reference servers answer:
    // every field the profile's requests send encrypted.
    for (json& row : rows) EncryptCipherFields(row);
    EffectResult r;
    r.answer_data = {{"pageIndex", index}, {"pageSize", size}, {"totalCount", total}, {"rows", rows}};
    return r;
  }

  // Stored decrypted; answered under the key's cipher, at any depth (bankInfos[].bankNumber).
  void EncryptCipherFields(json& value) const {
    if (value.is_array()) {
      for (json& item : value) EncryptCipherFields(item);
      return;
    }
    if (!value.is_object()) return;
    for (auto it = value.begin(); it != value.end(); ++it) {
      const bool number = it.value().is_number_integer() || it.value().is_number_unsigned();
      if ((it.value().is_string() || number) && ctx_.profile.cipher_fields.contains(it.key())) {
        it.value() = ctx_.codec.EncryptField(number ? it.value().dump() : it.value().get<std::string>());
      } else {
        EncryptCipherFields(it.value());
      }
    }
  }

  static std::string Path(const std::string& list, std::size_t i, const std::string& field) {
    return "[" + list + "][" + std::to_string(i) + "][" + field + "]";
  }
  static void Dedupe(std::vector<std::string>& tags) {
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  }

  Context& ctx_;
  Store store_;
  soci::session& sql_;
  const SandboxIdentity& identity_;
  const std::string scope_;  // the project's part of its records' keys (Scoped)
};

}  // namespace

std::string KnownObjects::Fact(long long key_id, std::string_view kind, std::string_view natural_key) {
  std::string fact = std::to_string(key_id);
  fact.append("|").append(kind).append("|").append(natural_key);
  return fact;
}

std::string KnownObjects::FactById(long long key_id, std::string_view kind, long long id) {
  return Fact(key_id, kind, "#" + std::to_string(id));
}

bool KnownObjects::Contains(const std::string& fact) const {
  std::shared_lock lock(mu_);
  return facts_.contains(fact);
}

void KnownObjects::Add(const std::vector<std::string>& facts) {
  if (facts.empty()) return;
  std::unique_lock lock(mu_);
  if (facts_.size() + facts.size() > kMaxFacts) facts_.clear();
  facts_.insert(facts.begin(), facts.end());
}

EffectResult RunEffect(soci::session& sql, Statements& statements, Context& ctx) {
  return Effects(sql, statements, ctx).Run();
}

}  // namespace liantiao::services::sandbox
