// The views of the sandbox's evidence: the evidence log, the live conformance
// checklist, the joint-test report and the reviewer's fault switches.

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "crypto/crypto.h"
#include "services/application_service.h"
#include "services/csv.h"
#include "services/history.h"
#include "services/sandbox_internal.h"
#include "services/sandbox_service.h"
#include "services/scope.h"
#include "storage/row.h"

namespace liantiao::services {

using sandbox::Checklist;
using sandbox::EvidenceChain;

namespace {

using storage::GetInt;
using storage::GetOptInt;
using storage::GetText;

std::vector<std::string> SplitTags(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// A request or answer kept as evidence: JSON as JSON; anything else (an external test
// environment's HTML error page) as the text it was; nothing as null.
json StoredExchange(const std::string& text) {
  if (text.empty()) return nullptr;
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json(text) : parsed;
}

// The data's other violations an evidence row keeps after the one answered (migration
// 0023): [{rule, path, message}], empty for a row without any. A stored list is read as
// the pipeline wrote it; anything else in it (a row changed by hand) is left out rather
// than breaking the log and its export.
json OtherViolations(const std::string& text) {
  json list = StoredExchange(text);
  json out = json::array();
  if (!list.is_array()) return out;
  for (json& v : list) {
    if (v.is_object() && v.value("message", json()).is_string()) out.push_back(std::move(v));
  }
  return out;
}

struct KeyInfo {
  long long id = 0;
  std::string app_key, profile, city_code;
  Instant issued_at, expires_at;
  std::optional<Instant> revoked_at;
};

// The application's current key: the newest one (a rotated or rectified key
// supersedes the old one, and the checklist starts again with it).
std::optional<KeyInfo> CurrentKey(soci::session& sql, long long application_id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, app_key, profile, city_code, issued_at, expires_at, revoked_at FROM test_keys "
                      "WHERE application_id = :a ORDER BY id DESC LIMIT 1",
       soci::use(application_id));
  for (const soci::row& r : rows) {
    KeyInfo k{GetInt(r, 0),           GetText(r, 1),          GetText(r, 2), GetText(r, 3),
              FromUnix(GetInt(r, 4)), FromUnix(GetInt(r, 5)), std::nullopt};
    if (auto rv = GetOptInt(r, 6)) k.revoked_at = FromUnix(*rv);
    return k;
  }
  return std::nullopt;
}

// The profile an application is judged on and its faults act on: its current key's
// (`key`, when it has one), else its city's.
std::string ProfileOf(soci::session& sql, const std::optional<KeyInfo>& key, const std::string& city_code) {
  if (key) return key->profile;
  std::string profile;
  sql << "SELECT profile FROM cities WHERE code = :c", soci::use(city_code), soci::into(profile);
  return profile;
}

// The fault scenarios ever switched on for the application, each with whether it is on now.
std::map<std::string, bool> ScenariosSeen(soci::session& sql, long long application_id) {
  std::map<std::string, bool> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT scenario, enabled FROM sandbox_faults WHERE application_id = :a",
       soci::use(application_id));
  for (const soci::row& r : rows) out[GetText(r, 0)] = GetInt(r, 1) != 0;
  return out;
}

// A request's failing rule from a row of sandbox_evidence that starts with id, method,
// outcome, tags, error, rule_path, message, code.
json RuleOf(const soci::row& r) {
  return {{"evidence_id", GetInt(r, 0)}, {"method", GetText(r, 1)},  {"rule", GetText(r, 4)},
          {"path", GetText(r, 5)},       {"message", GetText(r, 6)}, {"code", GetText(r, 7)}};
}

// The result text of the asynchronous write with that serial, masked; none for a serial
// of no numbered result of the key.
std::optional<std::string> AsyncFailureText(soci::session& sql, long long key_id, const std::string& serial) {
  const auto number = sandbox::SerialNumber(serial);
  if (!number) return std::nullopt;
  std::string result, masked_result;
  sql << "SELECT result, masked_result FROM sandbox_async WHERE id = :n AND key_id = :k", soci::use(*number),
      soci::use(key_id), soci::into(result), soci::into(masked_result);
  if (!sql.got_data()) return std::nullopt;
  return sandbox::MaskText(masked_result.empty() ? std::move(result) : std::move(masked_result));
}

// The columns of sandbox_evidence the conformance judge and the report's digest read,
// in the order RuleOf and EvidenceLink address them.
constexpr const char* kChainedColumns =
    "id, method, outcome, tags, error, rule_path, message, code, received_at, "
    "data_digest, serial, request, response, source, violations";

// What the report's evidence digest covers of one evidence row (kChainedColumns): all
// of it, so that a row changed after the report is told by the digest. Each text goes in
// as its SHA-256, so no field's content can pass for a separator and the link stays
// short however large the request kept. A row's other violations (migration 0023) go in
// only when it has some, so the rows stored before them link as they always did.
std::string EvidenceLink(const soci::row& r) {
  std::string link = std::to_string(GetInt(r, 0)) + "|" + std::to_string(GetInt(r, 8));
  for (std::size_t column : {1u, 2u, 7u, 3u, 4u, 5u, 6u, 9u, 10u, 11u, 12u, 13u})
    link += "|" + crypto::Sha256Hex(GetText(r, column));
  if (const std::string others = GetText(r, 14); !others.empty()) link += "|" + crypto::Sha256Hex(others);
  return link;
}

// Judges the profile's catalogue against the current key's evidence.
Result<Checklist> Judge(soci::session& sql, const Deps& deps, long long application_id,
                        const std::optional<KeyInfo>& key, const std::string& profile_name) {
  const standard::Profile* profile = deps.profiles->Find(profile_name);
  if (!profile) return MakeError(ErrorCode::kConfigError, "接口标准不存在：" + profile_name);
  const std::map<std::string, bool> seen = ScenariosSeen(sql, application_id);
  // What the checklist is judged from (ChecklistCache): the rows of the key are counted
  // as well as their last id, so that a row committed late below the last one (two
  // writers on PostgreSQL) is judged too.
  long long rows_now = 0, last_now = 0;
  if (key) {
    sql << "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM sandbox_evidence WHERE key_id = :k", soci::use(key->id),
        soci::into(rows_now), soci::into(last_now);
  }
  std::string stamp = std::to_string(application_id) + "|" + (key ? std::to_string(key->id) : "-") + "|" +
                      profile_name + "|" + std::to_string(rows_now) + "|" + std::to_string(last_now);
  for (const auto& [scenario, on] : seen) stamp += "|" + scenario + (on ? "=1" : "=0");
  if (auto kept = deps.checklists.Find(stamp)) return std::move(*kept);
  std::vector<standard::RequestFacts> facts;
  long long received = 0;           // every request recorded for the key, judged or not
  long long probes = 0;             // the platform's probes with the key (a city's own test environment)
  std::map<long long, json> rules;  // evidence id → its rule and message, for failed cases' reasons
  EvidenceChain chain;
  if (key) {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kChainedColumns << " FROM sandbox_evidence WHERE key_id = :k ORDER BY id",
         soci::use(key->id));
    for (const soci::row& r : rows) {
      standard::RequestFacts f{GetInt(r, 0),  GetText(r, 1), GetText(r, 2), SplitTags(GetText(r, 3)),
                               GetText(r, 4), GetText(r, 9)};
      // Accepted requests are reasons only when they broke a `none` condition (a
      // duplicate): read again below, rather than kept for every request of the key.
      if (f.outcome != "accepted") rules[f.id] = RuleOf(r);
      chain.Add(r);
      // The platform's own probes of a city's test environment are not the vendor's
      // requests: counted apart, and judge nothing.
      if (GetText(r, 13) == "probe") {
        ++probes;
        continue;
      }
      ++received;
      // Only what the key's holder sent is judged: a request without the key's valid
      // signature may come from anyone who learnt the app_id, and would otherwise fail
      // the vendor's cases. It stays in the evidence (and the chain), marked unsigned.
      if (!standard::HasTag(f, "signed")) continue;
      facts.push_back(std::move(f));
    }
  }
  standard::DeriveSequenceTags(facts);
  std::set<std::string> scenarios;
  for (const auto& [scenario, on] : seen) scenarios.insert(scenario);
  const auto results = standard::JudgeCases(*profile, facts, scenarios);
  for (const auto& result : results) {
    for (long long id : result.reasons) {
      if (rules.contains(id)) continue;
      soci::rowset<soci::row> again =
          (sql.prepare << "SELECT id, method, outcome, tags, error, rule_path, message, code, serial "
                          "FROM sandbox_evidence WHERE id = :id",
           soci::use(id));
      for (const soci::row& r : again) {
        rules[id] = RuleOf(r);
        // An accepted write that failed later (a duplicate) was answered 成功 at once;
        // what explains it is its asynchronous result, masked as evidence is.
        const auto tags = SplitTags(GetText(r, 3));
        if (std::find(tags.begin(), tags.end(), "async_failed") == tags.end()) continue;
        if (auto failure = AsyncFailureText(sql, key->id, GetText(r, 8))) rules[id]["message"] = *failure;
      }
    }
  }
  Checklist out;
  out.requests = received;
  out.chain = std::move(chain);
  int passed = 0, failed = 0, pending = 0, required = 0, required_passed = 0;
  json untested = json::array();  // required cases no request has met yet: problems too, after the failures
  for (const auto& r : results) {
    const auto& c = *r.spec;
    // A scenario case applies while its fault is switched on for the application, and
    // after it was switched off if the fault showed itself to the current key (the case
    // judged): one switched on and off again before it did can no longer be met.
    const auto scenario = seen.find(c.scenario);
    const bool applicable =
        c.scenario.empty() || (scenario != seen.end() && (scenario->second || r.status != "pending"));
    out.cases.push_back({{"id", c.id},
                         {"title", c.title},
                         {"required", c.required},
                         {"status", r.status},
                         {"evidence_ids", r.evidence_ids},
                         {"clause", c.clause},
                         {"scenario", c.scenario.empty() ? json(nullptr) : json(c.scenario)},
                         {"applicable", applicable},
                         {"failure_count", r.reason_count}});
    passed += r.status == "pass";
    failed += r.status == "fail";
    pending += r.status == "pending";
    if (c.required && applicable) {
      ++required;
      required_passed += r.status == "pass";
    }
    if (r.status == "fail" && c.required && applicable) {
      std::string text = "未通过：" + c.title;
      constexpr std::size_t kShown = 3;
      for (std::size_t i = 0; i < r.reasons.size() && i < kShown; ++i) {
        text +=
            "；" + rules[r.reasons[i]]["message"].get<std::string>() + "（证据 " + std::to_string(r.reasons[i]) + "）";
      }
      if (r.reason_count > kShown) {
        text += "；另有 " + std::to_string(r.reason_count - kShown) + " 条同类问题，见证据记录";
      }
      out.delay_problems.push_back({{"clause", c.clause}, {"text", text}});
    }
    if (r.status == "pending" && c.required && applicable) {
      untested.push_back(
          {{"clause", c.clause}, {"text", "未完成测试：" + c.title + "（联调期内未收到满足本用例的请求）"}});
    }
    // The failing rules behind a failed case (standard::CaseResult::reasons).
    for (long long id : r.reasons) {
      json item = rules[id];
      item["case_id"] = c.id;
      item["clause"] = c.clause;
      out.failures.push_back(std::move(item));
    }
  }
  for (json& problem : untested) out.delay_problems.push_back(std::move(problem));
  out.summary = {{"total", results.size()},
                 {"required", required},
                 {"passed", passed},
                 {"failed", failed},
                 {"pending", pending},
                 {"required_passed", required_passed},
                 {"all_required_passed", required > 0 && required_passed == required},
                 {"requests", out.requests},
                 {"probes", probes}};
  // Kept only when the rows judged are the rows stamped: a row committed between the
  // stamp and the scan would make the stamp name fewer rows than were judged.
  if (out.chain.rows == rows_now && out.chain.last_id.value_or(0) == last_now) deps.checklists.Keep(stamp, out);
  return out;
}

json KeyJson(const std::optional<KeyInfo>& key) {
  if (!key) return nullptr;
  return {{"app_id", key->app_key},
          {"profile", key->profile},
          {"issued_at", FormatInstant(key->issued_at)},
          {"expires_at", FormatInstant(key->expires_at)},
          {"revoked_at", key->revoked_at ? json(FormatInstant(*key->revoked_at)) : json(nullptr)}};
}

}  // namespace

void sandbox::EvidenceChain::Add(const soci::row& r) {
  hash = crypto::ChainHash(hash, EvidenceLink(r));
  ++rows;
  last_id = GetInt(r, 0);
}

json SandboxService::KeyRefusals(soci::session& sql, long long application_id) {
  json out = json::array();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT e.id, e.received_at, e.method, e.code, e.error, e.message, e.source, k.app_key, "
                      "CASE WHEN (' ' || e.tags || ' ') LIKE '% signed %' OR e.source = 'probe' THEN 1 ELSE 0 END "
                      "AS authentic, "
                      "CASE WHEN e.error = 'key_revoked' AND k.revoked_reason = 'rotated' THEN 1 ELSE 0 END "
                      "AS own_rotation FROM sandbox_evidence e LEFT JOIN test_keys k ON k.id = e.key_id "
                      "WHERE e.application_id = :a AND e.outcome = 'refused' AND e.error IN "
                      "('key_revoked', 'key_expired', 'wrong_city', 'bad_signature', 'server_error', "
                      "'rate_limited', 'unknown_method', 'probe_failed') "
                      "ORDER BY authentic DESC, own_rotation ASC, e.id DESC LIMIT 200",
       soci::use(application_id));
  // Refusals only: a fault a reviewer switched on (outcome 'fault') is the city's test
  // of the client's retries, not the key failing.
  // `signed`: the request carried the key's valid signature, or the platform's own probe
  // sent it; anything else may have come from anyone who knew the app_id, so it is
  // listed after those, and said to be so.
  // `own_rotation`: a key_revoked refusal of a key the vendor replaced itself (a device
  // still sending with the old key), listed after the other signed refusals: the key
  // did not fail, the vendor retired it.
  for (const soci::row& r : rows) {
    out.push_back({{"evidence_id", GetInt(r, 0)},
                   {"received_at", FormatInstant(FromUnix(GetInt(r, 1)))},
                   {"method", GetText(r, 2)},
                   {"code", GetText(r, 3)},
                   {"error", GetText(r, 4)},
                   {"message", GetText(r, 5)},
                   {"source", GetText(r, 6)},
                   {"app_id", GetText(r, 7)},
                   {"signed", GetInt(r, 8) != 0},
                   {"own_rotation", GetInt(r, 9) != 0}});
  }
  return out;
}

namespace {

// An evidence query's filters, checked, with its time bounds in Unix seconds (0 where
// not given: it then filters nothing).
struct EvidenceFilter {
  const EvidenceQuery& q;
  long long from = 0, to = 0;
};

Result<EvidenceFilter> CheckEvidenceFilter(const EvidenceQuery& q) {
  if (q.outcome && *q.outcome != "accepted" && *q.outcome != "refused" && *q.outcome != "fault") {
    return MakeError(ErrorCode::kInvalidField, "outcome 只能是 accepted、refused 或 fault", {{"field", "outcome"}});
  }
  auto bound = [](const std::optional<std::string>& text, const char* field) -> Result<long long> {
    if (!text) return 0LL;
    auto when = std::string_view(field) == "to" ? ParsePeriodEnd(*text) : ParseInstant(*text);
    if (!when.ok()) {
      return MakeError(ErrorCode::kInvalidField,
                       std::string("查询参数 ") + field + " 须为 ISO 8601 时间（如 2026-10-10T09:00:00+08:00）或日期",
                       {{"field", field}, {"value", *text}});
    }
    return ToUnix(*when);
  };
  EvidenceFilter f{q};
  LT_ASSIGN_OR_RETURN(f.from, bound(q.from, "from"));
  LT_ASSIGN_OR_RETURN(f.to, bound(q.to, "to"));
  if (q.from && q.to && f.to <= f.from) {
    return MakeError(ErrorCode::kInvalidField, "时间区间无效：结束须晚于开始", {{"field", "to"}});
  }
  return f;
}

// The condition selecting the application's evidence the filter asks for. A filter not
// asked for still binds its parameter, to a condition that always holds, so every
// statement below binds the same values in the same order (EvidenceBinds).
std::string EvidenceWhere(const EvidenceQuery& q) {
  std::string where = " WHERE e.application_id = :a";
  where += q.method ? " AND e.method = :m" : " AND '' = :m";
  where += q.outcome ? " AND e.outcome = :o" : " AND '' = :o";
  where += q.key_id ? " AND e.key_id = :k" : " AND 0 = :k";
  where += q.from ? " AND e.received_at >= :f" : " AND 0 = :f";
  where += q.to ? " AND e.received_at < :t" : " AND 0 = :t";
  return where;
}

struct EvidenceBinds {
  EvidenceBinds(long long app, const EvidenceFilter& f)
      : application_id(app),
        method(f.q.method.value_or("")),
        outcome(f.q.outcome.value_or("")),
        key_id(f.q.key_id.value_or(0)),
        from(f.from),
        to(f.to) {}
  long long application_id;
  std::string method, outcome;
  long long key_id, from, to;
};

long long CountEvidence(soci::session& sql, long long application_id, const EvidenceFilter& f) {
  const EvidenceBinds b(application_id, f);
  long long total = 0;
  sql << "SELECT COUNT(*) FROM sandbox_evidence e" + EvidenceWhere(f.q), soci::use(b.application_id),
      soci::use(b.method), soci::use(b.outcome), soci::use(b.key_id), soci::use(b.from), soci::use(b.to),
      soci::into(total);
  return total;
}

// The `limit` rows from `offset` on, newest first, as the evidence log shows them.
json EvidenceItems(soci::session& sql, long long application_id, const EvidenceFilter& f, long long limit,
                   long long offset) {
  const EvidenceBinds b(application_id, f);
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT e.id, e.received_at, e.method, e.outcome, e.code, e.error, e.rule_path, e.message, "
                      "e.latency_us, e.tags, e.serial, e.request, e.response, e.source, k.app_key, e.violations "
                      "FROM sandbox_evidence e LEFT JOIN test_keys k ON k.id = e.key_id" +
                          EvidenceWhere(f.q) + " ORDER BY e.id DESC LIMIT :l OFFSET :off",
       soci::use(b.application_id), soci::use(b.method), soci::use(b.outcome), soci::use(b.key_id), soci::use(b.from),
       soci::use(b.to), soci::use(limit), soci::use(offset));
  json items = json::array();
  for (const soci::row& r : rows) {
    items.push_back({{"id", GetInt(r, 0)},
                     {"received_at", FormatInstant(FromUnix(GetInt(r, 1)))},
                     {"method", GetText(r, 2)},
                     {"outcome", GetText(r, 3)},
                     {"code", GetText(r, 4)},
                     {"rule", GetText(r, 5)},
                     {"path", GetText(r, 6)},
                     {"message", GetText(r, 7)},
                     {"latency_ms", static_cast<double>(GetInt(r, 8)) / 1000.0},
                     {"tags", SplitTags(GetText(r, 9))},
                     {"serial", GetText(r, 10)},
                     {"request", StoredExchange(GetText(r, 11))},
                     {"response", StoredExchange(GetText(r, 12))},
                     {"source", GetText(r, 13)},
                     {"app_id", GetText(r, 14)},
                     {"violations", OtherViolations(GetText(r, 15))}});
  }
  return items;
}

}  // namespace

Result<json> SandboxService::Evidence(const Principal& p, long long application_id, const EvidenceQuery& q) {
  if (q.limit < 1 || q.limit > 200) {
    return MakeError(ErrorCode::kInvalidField, "分页参数无效：limit 须在 1 到 200 之间", {{"field", "limit"}});
  }
  if (q.offset < 0) return MakeError(ErrorCode::kInvalidField, "分页参数无效：offset 不能为负", {{"field", "offset"}});
  LT_ASSIGN_OR_RETURN(const EvidenceFilter filter, CheckEvidenceFilter(q));
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    LT_ASSIGN_OR_RETURN(AppRow app, LoadApplication(sql, application_id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, application_id, app.city_code, app.vendor_id));
    return json{{"items", EvidenceItems(sql, application_id, filter, q.limit, q.offset)},
                {"total", CountEvidence(sql, application_id, filter)},
                {"limit", q.limit},
                {"offset", q.offset}};
  });
}

Result<std::string> SandboxService::EvidenceCsv(const Principal& p, long long application_id, const EvidenceQuery& q,
                                                long long max_rows) {
  LT_ASSIGN_OR_RETURN(const EvidenceFilter filter, CheckEvidenceFilter(q));
  return deps_.db.Read<std::string>([&](soci::session& sql) -> Result<std::string> {
    LT_ASSIGN_OR_RETURN(AppRow app, LoadApplication(sql, application_id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, application_id, app.city_code, app.vendor_id));
    // One read, so the file is the evidence of one moment; bounded, since it is built
    // in memory: a larger export is asked for a shorter period at a time.
    const long long total = CountEvidence(sql, application_id, filter);
    if (total > max_rows) {
      return MakeError(ErrorCode::kInvalidField,
                       "记录过多（" + std::to_string(total) + " 条），一次最多导出 " + std::to_string(max_rows) +
                           " 条，请缩小时间范围或加筛选条件",
                       {{"field", "to"}, {"total", total}, {"max", max_rows}});
    }
    const json items = EvidenceItems(sql, application_id, filter, max_rows, 0);
    static const std::map<std::string, std::string> kOutcomes{
        {"accepted", "受理"}, {"refused", "拒绝"}, {"fault", "故障"}};
    static const std::map<std::string, std::string> kSources{{"sandbox", "设备请求（沙箱）"}, {"probe", "平台探测"}};
    auto word = [](const std::map<std::string, std::string>& words, const std::string& key) {
      const auto found = words.find(key);
      return found == words.end() ? key : found->second;
    };
    std::string csv(kCsvBom);
    AppendCsvRow(csv, {"编号", "接收时间", "appId", "接口方法", "结果", "返回码", "规则", "字段", "说明", "耗时(毫秒)",
                       "流水号", "标签", "来源", "请求（已脱敏）", "应答（已脱敏）", "其他问题"});
    for (const json& e : items) {
      std::string tags;
      for (const auto& t : e["tags"]) tags += (tags.empty() ? "" : " ") + t.get<std::string>();
      auto text = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
      std::string others;
      for (const auto& v : e["violations"]) others += (others.empty() ? "" : "；") + v["message"].get<std::string>();
      AppendCsvRow(csv,
                   {std::to_string(e["id"].get<long long>()), e["received_at"], e["app_id"], e["method"],
                    word(kOutcomes, e["outcome"]), e["code"], e["rule"], e["path"], e["message"], text(e["latency_ms"]),
                    e["serial"], tags, word(kSources, e["source"]), text(e["request"]), text(e["response"]), others});
    }
    return csv;
  });
}

namespace {

// An application's checklist as the conformance view shows it: judged on its current
// key's profile, else (no key yet) on its city's.
struct CurrentChecklist {
  std::optional<KeyInfo> key;
  std::string profile;
  Checklist checklist;
};

// The parts of a report that say what the joint test found, as opposed to whose it is.
constexpr const char* kJudgedParts[] = {"profile",         "key", "cases", "failures", "summary", "evidence_digest",
                                        "evidence_covered"};

Result<CurrentChecklist> JudgeCurrent(soci::session& sql, const Deps& deps, long long application_id,
                                      const std::string& city_code) {
  CurrentChecklist out;
  out.key = CurrentKey(sql, application_id);
  out.profile = ProfileOf(sql, out.key, city_code);
  LT_ASSIGN_OR_RETURN(out.checklist, Judge(sql, deps, application_id, out.key, out.profile));
  return out;
}

// kJudgedParts of a checklist judged now.
json JudgedPart(const CurrentChecklist& current, const Deps& deps) {
  const standard::Profile* profile = deps.profiles->Find(current.profile);
  const Checklist& c = current.checklist;
  return {{"profile",
           {{"name", current.profile},
            {"title", profile ? profile->title : ""},
            {"version", profile ? profile->version : ""}}},
          {"key", KeyJson(current.key)},
          {"cases", c.cases},
          {"failures", c.failures},
          {"summary", c.summary},
          {"evidence_digest", c.chain.Digest()},
          {"evidence_covered", c.chain.Covered()}};
}

}  // namespace

Result<json> SandboxService::Conformance(const Principal& p, long long application_id) {
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    LT_ASSIGN_OR_RETURN(AppRow app, LoadApplication(sql, application_id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, application_id, app.city_code, app.vendor_id));
    // Decided: the checklist of the report the decision was taken on.
    if (auto frozen = FrozenReport(sql, application_id)) {
      return json{{"application_id", application_id},  {"profile", (*frozen)["profile"].value("name", "")},
                  {"key", (*frozen)["key"]},           {"cases", (*frozen)["cases"]},
                  {"failures", (*frozen)["failures"]}, {"delay_problems", json::array()},
                  {"summary", (*frozen)["summary"]},   {"frozen_at", (*frozen)["frozen_at"]}};
    }
    LT_ASSIGN_OR_RETURN(CurrentChecklist current, JudgeCurrent(sql, deps_, application_id, app.city_code));
    const Checklist& c = current.checklist;
    return json{{"application_id", application_id},
                {"profile", current.profile},
                {"key", KeyJson(current.key)},
                {"cases", c.cases},
                {"failures", c.failures},
                {"delay_problems", c.delay_problems},
                {"summary", c.summary},
                {"frozen_at", nullptr}};
  });
}

Result<std::map<long long, json>> SandboxService::ConformanceSummaries(const Principal& p,
                                                                       const std::vector<long long>& ids) {
  return deps_.db.Read<std::map<long long, json>>([&](soci::session& sql) -> Result<std::map<long long, json>> {
    std::map<long long, json> out;
    for (long long id : ids) {
      auto app = LoadApplication(sql, id);
      if (!app.ok() && app.error().code != ErrorCode::kNotFound) return app.take_error();
      if (!app.ok() || !RequireApplicationInScope(sql, p, id, app->city_code, app->vendor_id).ok()) continue;
      if (auto frozen = FrozenReport(sql, id)) {
        out[id] = (*frozen)["summary"];
        continue;
      }
      LT_ASSIGN_OR_RETURN(CurrentChecklist current, JudgeCurrent(sql, deps_, id, app->city_code));
      out[id] = std::move(current.checklist.summary);
    }
    return out;
  });
}

std::optional<json> SandboxService::FrozenReport(soci::session& sql, long long application_id) {
  std::string text;
  sql << "SELECT report FROM decided_reports WHERE application_id = :a", soci::use(application_id), soci::into(text);
  if (!sql.got_data()) return std::nullopt;
  json report = json::parse(text, nullptr, false);
  if (report.is_discarded()) return std::nullopt;
  return report;
}

Result<json> SandboxService::Report(const Principal& p, long long application_id) {
  const Instant now = deps_.clock.Now();
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    LT_ASSIGN_OR_RETURN(AppRow app, LoadApplication(sql, application_id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, application_id, app.city_code, app.vendor_id));
    return ShownReport(sql, deps_, application_id, now);
  });
}

Result<json> SandboxService::ShownReport(soci::session& sql, const Deps& deps, long long application_id, Instant now) {
  if (auto frozen = FrozenReport(sql, application_id)) return *std::move(frozen);
  return BuildReport(sql, deps, application_id, now);
}

Result<json> SandboxService::BuildReport(soci::session& sql, const Deps& deps, long long application_id, Instant now) {
  LT_ASSIGN_OR_RETURN(AppRow app, LoadApplication(sql, application_id));
  // Path 2: the vendor is connected in city B already; city B's report is what city A's
  // reviewer is shown: the success the application links, else the vendor's latest
  // success there, else (nothing passed there on this platform) its latest joint test
  // there, marked as such.
  long long source_app = application_id;
  std::string path, connected;
  long long submitted_at = 0, linked = 0;
  soci::indicator ci = soci::i_null, submitted = soci::i_null, li = soci::i_null;
  sql << "SELECT path, connected_city_code, submitted_at, connected_application_id FROM applications WHERE id = :a",
      soci::use(application_id), soci::into(path), soci::into(connected, ci), soci::into(submitted_at, submitted),
      soci::into(linked, li);
  const bool path_two = path == "connected_elsewhere" && ci == soci::i_ok && !connected.empty();
  if (path_two) {
    if (li == soci::i_ok) {
      source_app = linked;
    } else {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT a.id FROM applications a JOIN test_keys k ON k.application_id = a.id "
                          "WHERE a.vendor_id = :v AND a.city_code = :c "
                          "ORDER BY CASE WHEN a.state = 'succeeded' THEN 0 ELSE 1 END, a.id DESC LIMIT 1",
           soci::use(app.vendor_id), soci::use(connected));
      for (const soci::row& r : rows) source_app = GetInt(r, 0);
    }
  }
  LT_ASSIGN_OR_RETURN(AppRow shown, LoadApplication(sql, source_app));
  // What the report says of the joint test: city B's decided report when its decision
  // kept one, else the checklist judged now.
  json judged, source_frozen_at = nullptr;
  if (auto frozen = source_app != application_id ? FrozenReport(sql, source_app) : std::nullopt) {
    for (const char* part : kJudgedParts) judged[part] = (*frozen)[part];
    source_frozen_at = (*frozen)["frozen_at"];
  } else {
    LT_ASSIGN_OR_RETURN(CurrentChecklist current, JudgeCurrent(sql, deps, source_app, shown.city_code));
    judged = JudgedPart(current, deps);
  }
  // A path-2 application takes the same steps: once it has a key of its own here, its
  // own joint test is what the report shows and the city decides on, city B's report
  // beside it as the proof it was (source: its verdict's summary and digest). Before
  // that, city B's report is what there is to show.
  std::optional<json> own_test;
  if (path_two && CurrentKey(sql, application_id)) {
    LT_ASSIGN_OR_RETURN(CurrentChecklist mine, JudgeCurrent(sql, deps, application_id, app.city_code));
    own_test = JudgedPart(mine, deps);
  }
  const std::string shown_profile = judged["profile"].value("name", "");
  // The application's own city: its name for the report, its profile to compare city B's with.
  std::string city_name, own_profile;
  sql << "SELECT name, profile FROM cities WHERE code = :c", soci::use(app.city_code), soci::into(city_name),
      soci::into(own_profile);
  json source = nullptr;
  if (path_two) {
    std::string b;
    sql << "SELECT name FROM cities WHERE code = :c", soci::use(connected), soci::into(b);
    const bool found = source_app != application_id;
    // A passing report: city B recorded 联调成功 and its report shows every required
    // case passed. A success recorded on a report that does not is told as such.
    const bool succeeded = found && shown.state == domain::AppState::kSucceeded;
    const json& summary = judged["summary"];
    const bool all_passed = summary.is_object() && summary.value("all_required_passed", false);
    const bool passed = succeeded && all_passed;
    const bool same_profile = found && shown_profile == own_profile;
    std::string note = !found ? "在" + b + "未找到该企业的联调记录"
                       : passed ? "已在" + b + "联调成功" + (own_test ? "" : "，以下为该市的联调测试报告")
                       : succeeded ? "已在" + b + "记录联调成功，但该市的测试报告中必测用例未全部通过（" +
                                         std::to_string(summary.value("required_passed", 0)) + "/" +
                                         std::to_string(summary.value("required", 0)) + "）" +
                                         (own_test ? "" : "，以下为该报告")
                                   : "在" + b + "尚未联调成功" + (own_test ? "" : "，以下为该市最近一次联调的测试报告");
    if (found && !same_profile) note += "（该市接口标准为 " + shown_profile + "，与本市 " + own_profile + " 不同）";
    // The products of this application that city B's joint test did not cover: its
    // report says nothing of them, and the reader is told so.
    json uncovered = json::array();
    if (found) {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT p.name, p.model FROM application_products ap JOIN products p ON p.id = ap.product_id "
                          "WHERE ap.application_id = :a AND ap.product_id NOT IN "
                          "(SELECT product_id FROM application_products WHERE application_id = :b) ORDER BY p.id",
           soci::use(application_id), soci::use(source_app));
      for (const soci::row& r : rows) {
        const std::string model = GetText(r, 1);
        uncovered.push_back(GetText(r, 0) + (model.empty() ? "" : " " + model));
      }
    }
    if (!uncovered.empty()) {
      std::string names;
      for (const auto& n : uncovered) names += (names.empty() ? "" : "、") + n.get<std::string>();
      note += "；本申请的产品 " + names + " 不在该市联调的产品之列，该市的报告不涉及";
    }
    if (own_test) note += "；以下为本申请在本市的联调测试报告";
    source = {{"city_code", connected},
              {"city_name", b},
              {"application_id", found ? json(source_app) : json(nullptr)},
              {"state", found ? json(domain::ToString(shown.state)) : json(nullptr)},
              {"state_name", found ? json(domain::ChineseName(shown.state)) : json(nullptr)},
              {"passed", passed},
              {"same_profile", same_profile},
              {"uncovered_products", uncovered},
              // City B's decided report, kept when it recorded its result: the time it
              // was kept; null when its checklist is judged on the evidence as it stands.
              {"frozen_at", source_frozen_at},
              {"note", note},
              // City B's verdict, which the report shows itself until this application
              // has a key of its own.
              {"summary", found ? judged["summary"] : json(nullptr)},
              {"evidence_digest", found ? judged["evidence_digest"] : json(nullptr)},
              // Whether the report shows this application's own joint test (true) or
              // city B's.
              {"own_test", own_test.has_value()}};
  }
  if (own_test) judged = *std::move(own_test);
  std::string vendor_name, credit_code;
  sql << "SELECT name, COALESCE(released_code, credit_code) FROM vendors WHERE id = :v", soci::use(app.vendor_id),
      soci::into(vendor_name), soci::into(credit_code);
  json products = json::array();
  soci::rowset<soci::row> prows =
      (sql.prepare << "SELECT p.name, p.model, p.kind, p.version FROM products p JOIN application_products ap "
                      "ON ap.product_id = p.id WHERE ap.application_id = :a ORDER BY p.id",
       soci::use(application_id));
  for (const soci::row& r : prows) {
    const std::string kind = GetText(r, 2);
    const auto name = ProductKindNames().find(kind);
    products.push_back({{"name", GetText(r, 0)},
                        {"model", GetText(r, 1)},
                        {"kind", kind},
                        {"kind_name", name == ProductKindNames().end() ? kind : name->second},
                        {"version", GetText(r, 3)}});
  }
  json report{{"title", "联调测试报告"},
              {"application",
               {{"id", application_id},
                {"state", domain::ToString(app.state)},
                {"state_name", domain::ChineseName(app.state)},
                {"path", path},
                {"submitted_at", submitted == soci::i_ok ? json(FormatInstant(FromUnix(submitted_at))) : json(nullptr)},
                {"city_code", app.city_code},
                {"city_name", city_name}}},
              {"vendor", {{"name", vendor_name}, {"credit_code", credit_code}}},
              {"products", products},
              {"generated_at", FormatInstant(now)},
              {"source", source},
              {"frozen_at", nullptr}};
  report.update(judged);
  return report;
}

std::string KeptReportText(const json& report) { return report.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string KeptReportDigest(std::string_view kept_text) { return "sha256:" + crypto::Sha256Hex(kept_text); }

std::string ReportDigestCheck::Explanation() const {
  std::vector<std::string> why;
  if (!key_belongs) why.push_back("报告所述的测试密钥 " + app_key + " 不是为报告所述的申请签发的");
  if (!source_found) why.push_back("报告所引用的他市留存的联调测试报告在数据库中不存在");
  if (!decision_found) why.push_back("报告称其为记录联调结论时留存的报告，但所述申请没有联调结论记录");
  if (!verdict_matches) {
    why.push_back("报告的测试结论与申请 " + std::to_string(verdict_compared_with.value_or(0)) +
                  " 就同一测试密钥、同一证据范围留存的报告不一致：同一证据应得出同一结论，除非其间开启了故障场景，"
                  "否则报告的结论已被改动");
  }
  if (!ContentDigestMatches()) {
    why.push_back(std::string(kept ? "报告内容" : "所引用的他市留存报告") + "与记录联调结论时写入历史记录（第 " +
                  std::to_string(content_history_seq.value_or(0)) + " 条）的报告摘要不一致：报告在结论记录后被改动");
  }
  if (!evidence_matches) {
    if (!coverage_recorded) {
      why.push_back("该报告未记录所涵盖的证据范围，已按该测试密钥的全部证据计算，报告生成后新增的证据也会造成不一致");
    } else {
      const std::string counts = "该范围内现有 " + std::to_string(rows) + " 条证据，报告生成时为 " +
                                 (rows_recorded ? std::to_string(*rows_recorded) : std::string("—")) + " 条";
      if (rows_recorded && rows < *rows_recorded) {
        why.push_back(counts + "：有证据在报告生成后被删除");
      } else if (rows_recorded && rows > *rows_recorded) {
        why.push_back(counts + "：多出的证据或是报告生成时尚未提交的请求（并发写入），或是此后被加入");
      } else {
        why.push_back("报告所涵盖的证据在其生成后被改动");
      }
    }
  }
  std::string out;
  for (const std::string& w : why) out += (out.empty() ? "" : "；") + w;
  return out;
}

json ReportDigestCheck::ToJson() const {
  return {{"matches", matches},
          {"explanation", matches ? json(nullptr) : json(Explanation())},
          {"evidence_matches", evidence_matches},
          {"rows_recorded", rows_recorded ? json(*rows_recorded) : json(nullptr)},
          {"recorded_digest", recorded},
          {"recomputed_digest", recomputed},
          {"key_app_id", app_key.empty() ? json(nullptr) : json(app_key)},
          {"rows", rows},
          {"last_id", last_id ? json(*last_id) : json(nullptr)},
          {"coverage_recorded", coverage_recorded},
          {"report_digest", content_digest},
          {"report_digest_recorded", content_recorded ? json(*content_recorded) : json(nullptr)},
          {"report_digest_history_seq", content_history_seq ? json(*content_history_seq) : json(nullptr)},
          {"report_digest_application_id", content_application ? json(*content_application) : json(nullptr)},
          {"key_belongs", key_belongs},
          {"verdict_matches", verdict_matches},
          {"verdict_compared_with", verdict_compared_with ? json(*verdict_compared_with) : json(nullptr)},
          {"kept", kept}};
}

Result<ReportDigestCheck> SandboxService::CheckReportDigest(soci::session& sql, const json& report) {
  const auto digest = report.is_object() ? report.find("evidence_digest") : report.end();
  if (!report.is_object() || digest == report.end() || !digest->is_string()) {
    return MakeError(ErrorCode::kInvalidField, "不是联调测试报告：缺少证据摘要（evidence_digest）",
                     {{"field", "evidence_digest"}});
  }
  ReportDigestCheck out;
  out.recorded = digest->get<std::string>();
  // Reports kept before they named their last row cover every row of the key then.
  std::optional<long long> through;
  if (const auto covered = report.find("evidence_covered"); covered != report.end() && covered->is_object()) {
    out.coverage_recorded = true;
    const auto last = covered->find("last_id");
    if (last == covered->end() || !(last->is_number_integer() || last->is_null())) {
      return MakeError(ErrorCode::kInvalidField, "报告的证据范围（evidence_covered.last_id）无效",
                       {{"field", "evidence_covered"}});
    }
    if (last->is_number_integer()) through = last->get<long long>();
    if (const auto rows = covered->find("rows"); rows != covered->end() && rows->is_number_integer()) {
      out.rows_recorded = rows->get<long long>();
    }
  }
  EvidenceChain chain;
  std::optional<long long> key_owner;  // the application the report's key was issued for
  const auto key = report.find("key");
  if (key != report.end() && key->is_object()) {
    const auto app_id = key->find("app_id");
    if (app_id == key->end() || !app_id->is_string()) {
      return MakeError(ErrorCode::kInvalidField, "报告的测试密钥（key.app_id）无效", {{"field", "key"}});
    }
    out.app_key = app_id->get<std::string>();
    long long key_id = 0, owner = 0;
    sql << "SELECT id, application_id FROM test_keys WHERE app_key = :k", soci::use(out.app_key), soci::into(key_id),
        soci::into(owner);
    key_owner = owner;
    if (!sql.got_data()) {
      return MakeError(ErrorCode::kNotFound, "报告所述的测试密钥在数据库中不存在：" + out.app_key, {{"field", "key"}});
    }
    // A report that names its last row as none covers no row (a key that had received
    // nothing); one that names none at all, every row of the key.
    if (through || !out.coverage_recorded) {
      const long long last = through.value_or(std::numeric_limits<long long>::max());
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT " << kChainedColumns
                       << " FROM sandbox_evidence WHERE key_id = :k AND id <= :t ORDER BY id",
           soci::use(key_id), soci::use(last));
      for (const soci::row& r : rows) chain.Add(r);
    }
  }
  out.rows = chain.rows;
  out.last_id = chain.last_id;
  out.recomputed = chain.Digest();
  out.evidence_matches = out.recomputed == out.recorded;
  // What the report says of itself is not taken on trust: its key must be the named
  // application's (or, for a path-2 report, city B's application's, whose joint test it
  // shows); a report naming itself kept is compared with that decision's history entry;
  // and whatever it says of itself, its verdict (profile, key, cases, failures, summary,
  // evidence digest and range) must be the one the key's application kept for the same
  // evidence: the same rows judged give the same verdict, so a copy with frozen_at taken
  // away or its cases edited does not pass as a report built earlier.
  out.content_digest = ReportContentDigest(report);
  const auto integer = [](const json& holder, const char* field) -> std::optional<long long> {
    const auto v = holder.is_object() ? holder.find(field) : holder.end();
    return v != holder.end() && v->is_number_integer() ? std::optional<long long>(v->get<long long>()) : std::nullopt;
  };
  const auto says_kept = [](const json& holder) {
    const auto frozen = holder.is_object() ? holder.find("frozen_at") : holder.end();
    return frozen != holder.end() && !frozen->is_null();
  };
  const std::optional<long long> named = integer(report.value("application", json()), "id");
  const json source = report.value("source", json());
  const std::optional<long long> city_b = integer(source, "application_id");
  if (key_owner) out.key_belongs = key_owner == named || (city_b && key_owner == city_b);
  const auto compare_with_decision = [&](long long application_id, std::string content) {
    out.content_application = application_id;
    out.content_digest = std::move(content);
    auto decision = FindDecisionReportDigest(sql, application_id);
    out.decision_found = decision.has_value();
    if (decision) {
      out.content_recorded = decision->digest;
      if (decision->digest) out.content_history_seq = decision->seq;
    }
  };
  // Kept reports read once each: on path 2 city B's is both the source and the key's.
  std::map<long long, std::optional<json>> kept_reports;
  const auto kept_report = [&](long long application_id) -> const std::optional<json>& {
    auto it = kept_reports.find(application_id);
    if (it == kept_reports.end()) it = kept_reports.emplace(application_id, FrozenReport(sql, application_id)).first;
    return it->second;
  };
  out.kept = says_kept(report);
  if (out.kept) {
    if (named) {
      compare_with_decision(*named, out.content_digest);
    } else {
      out.decision_found = false;  // kept, it says, by no application's decision
    }
  } else if (city_b && says_kept(source)) {
    // A path-2 report built now on city B's kept report: that report, as the database
    // keeps it, against city B's decision.
    const std::optional<json>& kept = kept_report(*city_b);
    out.source_found = kept.has_value();
    if (kept) compare_with_decision(*city_b, ReportContentDigest(*kept));
  }
  if (key_owner && out.key_belongs) {
    if (const std::optional<json>& kept = kept_report(*key_owner);
        kept && kept->value("key", json()).value("app_id", "") == out.app_key &&
        kept->value("evidence_covered", json()) == report.value("evidence_covered", json())) {
      out.verdict_compared_with = *key_owner;
      for (const char* part : kJudgedParts) {
        if (report.value(part, json()) != kept->value(part, json())) out.verdict_matches = false;
      }
    }
  }
  out.matches = out.evidence_matches && out.ContentMatches();
  return out;
}

Result<json> SandboxService::VerifyReport(const Principal& p, long long application_id) {
  const Instant now = deps_.clock.Now();
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    LT_ASSIGN_OR_RETURN(AppRow app, LoadApplication(sql, application_id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, application_id, app.city_code, app.vendor_id));
    LT_ASSIGN_OR_RETURN(json report, ShownReport(sql, deps_, application_id, now));
    LT_ASSIGN_OR_RETURN(ReportDigestCheck check, CheckReportDigest(sql, report));
    json out = check.ToJson();
    out["application_id"] = application_id;
    out["frozen_at"] = report["frozen_at"];
    out["source_frozen_at"] = report["source"].is_object() ? report["source"]["frozen_at"] : json(nullptr);
    return out;
  });
}

Result<json> SandboxService::Faults(const Principal& p, long long application_id) {
  return deps_.db.Read<json>([&](soci::session& sql) -> Result<json> {
    LT_ASSIGN_OR_RETURN(AppRow app, LoadApplication(sql, application_id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, application_id, app.city_code, app.vendor_id));
    json out = json::object();
    const standard::Profile* profile =
        deps_.profiles->Find(ProfileOf(sql, CurrentKey(sql, application_id), app.city_code));
    for (const auto& s : kFaultScenarios) {
      const bool available = s != "delay_async" || !profile || profile->async_enabled;
      out[s] = {{"enabled", false}, {"armed", false}, {"available", available}};
    }
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT scenario, enabled, armed FROM sandbox_faults WHERE application_id = :a",
         soci::use(application_id));
    for (const soci::row& r : rows) {
      json& scenario = out[GetText(r, 0)];
      scenario["enabled"] = GetInt(r, 1) != 0;
      scenario["armed"] = GetInt(r, 2) != 0;
    }
    return json{{"application_id", application_id}, {"scenarios", out}};
  });
}

Result<json> SandboxService::SetFaults(const Principal& p, long long application_id, const json& switches) {
  if (p.role != domain::Role::kCityReviewer) return MakeError(ErrorCode::kForbidden);
  if (!switches.is_object() || switches.empty()) {
    return MakeError(ErrorCode::kInvalidField, "请指定要开关的故障场景", {{"field", "scenarios"}});
  }
  for (auto it = switches.begin(); it != switches.end(); ++it) {
    if (std::find(kFaultScenarios.begin(), kFaultScenarios.end(), it.key()) == kFaultScenarios.end()) {
      return MakeError(ErrorCode::kInvalidField, "未知的故障场景：" + it.key(), {{"field", it.key()}});
    }
    if (!it->is_boolean())
      return MakeError(ErrorCode::kInvalidField, "故障场景开关须为 true 或 false", {{"field", it.key()}});
  }
  const Instant now = deps_.clock.Now();
  auto done = deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    LT_ASSIGN_OR_RETURN(AppRow app, LockApplication(sql, application_id));
    LT_RETURN_IF_ERROR(RequireApplicationInScope(sql, p, app.id, app.city_code, app.vendor_id));
    LT_RETURN_IF_ERROR(domain::RequireAllowed(app.state, domain::AppActivity::kSetFaultScenarios));
    // Delayed results need asynchronous results: a profile that answers every method
    // at once has none to delay, and its case could never be met.
    if (switches.value("delay_async", false)) {
      const std::string profile_name = ProfileOf(sql, CurrentKey(sql, application_id), app.city_code);
      const standard::Profile* profile = deps_.profiles->Find(profile_name);
      if (profile && !profile->async_enabled) {
        return MakeError(ErrorCode::kInvalidField,
                         "该城市接口标准（" + profile->title + "）同步应答，没有可延迟的异步结果",
                         {{"field", "delay_async"}, {"profile", profile_name}});
      }
    }
    for (auto it = switches.begin(); it != switches.end(); ++it) {
      const int on = it->get<bool>() ? 1 : 0;
      long long at = ToUnix(now);
      const std::string scenario = it.key();
      sql << "INSERT INTO sandbox_faults (application_id, scenario, enabled, armed, switched_at) "
             "VALUES (:a, :s, :e, :e2, :t) ON CONFLICT (application_id, scenario) DO UPDATE SET "
             "enabled = excluded.enabled, armed = excluded.armed, switched_at = excluded.switched_at",
          soci::use(application_id), soci::use(scenario), soci::use(on), soci::use(on), soci::use(at);
      LT_RETURN_IF_ERROR(AppendHistory(sql, HistoryEntry{.entity = "application",
                                                         .entity_id = application_id,
                                                         .application_id = application_id,
                                                         .city_code = app.city_code,
                                                         .vendor_id = app.vendor_id,
                                                         .actor = Actor::Of(p),
                                                         .action = on ? "fault_on" : "fault_off",
                                                         .before = "",
                                                         .after = scenario,
                                                         .reason = "",
                                                         .at = now}));
    }
    return Ok{};
  });
  if (!done.ok()) return done.take_error();
  return Faults(p, application_id);
}

}  // namespace liantiao::services
