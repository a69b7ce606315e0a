#include <algorithm>
#include <cstdio>
#include <future>
#include <iomanip>
#include <map>
#include <sstream>

#include <spdlog/spdlog.h>

#include "core/json_text.h"
#include "crypto/crypto.h"
#include "domain/credit_code.h"
#include "services/sandbox_internal.h"
#include "services/sandbox_nonce_window.h"
#include "services/sandbox_refusal_budget.h"
#include "services/sandbox_service.h"
#include "services/sandbox_statements.h"
#include "standard/request.h"
#include "storage/row.h"

namespace liantiao::services {

using sandbox::EffectResult;
using sandbox::FaultState;
using sandbox::KeyRow;
using sandbox::Refusal;
using storage::GetInt;
using storage::GetOptInt;
using storage::GetText;

json SandboxIdentity::ToJson() const {
  return {{"project_code", project_code}, {"corp_code", corp_code}, {"corp_name", corp_name}};
}

SandboxIdentity IdentityOfKey(long long key_id, const std::string& city_code, Instant issued_at, int scheme) {
  const std::string day = FormatDay(ShanghaiDay(issued_at));  // 2026-11-24
  std::ostringstream seq;
  seq << std::setw(4) << std::setfill('0') << (key_id % 10000);
  // A 9-character organisation code "LT…" that no real enterprise has (a real one is
  // digits, or issued from a region's letter block, never "LT" and digits).
  std::ostringstream org;
  if (scheme == kIdentityUncheckedOrganization) {
    org << "LT" << std::setw(7) << std::setfill('0') << (key_id % 10000000);
  } else {
    org << "LT" << std::setw(6) << std::setfill('0') << (key_id % 1000000);
    org << domain::OrganizationCheckCharacter(org.str());
  }
  SandboxIdentity id;
  id.project_code = city_code + day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2) + seq.str();
  // 9 = registered by the market regulator, 1 = enterprise; then the division and the
  // organisation code.
  id.corp_code = domain::CompleteCreditCode("91" + city_code + org.str());
  id.corp_name = "联调测试建设工程有限公司";
  return id;
}

std::string SandboxEndpoint(const Deps& deps, const std::string& city_code, const std::string& profile,
                            const std::string& test_env) {
  if (test_env != "sandbox" && !test_env.empty()) return test_env;
  const standard::Profile* p = deps.profiles->Find(profile);
  const std::string base = deps.config.sandbox_base_url + "/" + city_code + "/";
  if (p && p->style == "per_method") return base + "{method}";
  return base + (p ? p->endpoint_path : std::string("open.api"));
}

namespace sandbox {

std::string Dump(const json& value) {
  // Decrypted fields may hold bytes that are not UTF-8 (a GBK client): replace them
  // rather than throw.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A mainland mobile number as a whole run of digits: 11 of them, 1 then 3 to 9.
bool IsMobile(std::string_view run) { return run.size() == 11 && run[0] == '1' && run[1] >= '3' && run[1] <= '9'; }

// `text` with each whole run of digits (an ID number's final X included) that `mask`
// answers for replaced by that answer; nullopt when there is none, so that text with
// nothing to mask is not copied. A plain scan: this runs on every answer's message and
// every string member of a kept request.
template <typename Mask>
std::optional<std::string> MaskRuns(std::string_view text, Mask mask) {
  std::optional<std::string> out;
  std::size_t copied = 0;  // text[0, copied) is in *out
  for (std::size_t i = 0; i < text.size();) {
    if (!IsDigit(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;  // the whole run of digits from i
    while (end < text.size() && IsDigit(text[end])) ++end;
    if (end - i == 17 && end < text.size() && (text[end] == 'X' || text[end] == 'x')) ++end;
    if (std::optional<std::string> masked = mask(text.substr(i, end - i))) {
      if (!out) out.emplace();
      out->append(text.substr(copied, i - copied)).append(*masked);
      copied = end;
    }
    i = end;
  }
  if (out) out->append(text.substr(copied));
  return out;
}

std::optional<std::string> MaskPhoneRun(std::string_view run) {
  if (IsMobile(run)) return standard::MaskPhone(run);
  return std::nullopt;
}

}  // namespace

// Personal numbers in free text, masked: ID-like numbers (17 digits and a check
// character), bank card numbers (16 to 19 digits) and mobile numbers, each a whole run
// of digits.
std::string MaskText(std::string text) {
  auto masked = MaskRuns(text, [](std::string_view run) -> std::optional<std::string> {
    if (run.size() >= 16 && run.size() <= 19) return standard::MaskNumber(run);
    return MaskPhoneRun(run);
  });
  return masked ? std::move(*masked) : std::move(text);
}

std::string MaskPersonal(std::string text, const std::vector<std::string>& values) {
  for (const std::string& value : values) {
    const std::string masked = standard::MaskNumber(value);
    for (std::size_t at = text.find(value); at != std::string::npos; at = text.find(value, at + masked.size())) {
      text.replace(at, value.size(), masked);
    }
  }
  return MaskText(std::move(text));
}

std::string SerialCode(const std::string& prefix, Instant at, long long id) {
  const std::string iso = FormatInstant(at);  // 2026-11-24T10:05:00+08:00
  // Written by hand rather than through an ostringstream: every accepted write
  // request's serial is made inside the write transaction.
  char tail[48];
  std::snprintf(tail, sizeof tail, "-%.4s%.2s%.2s%.2s-1-%04lld", iso.c_str(), iso.c_str() + 5, iso.c_str() + 8,
                iso.c_str() + 11, id);
  return (prefix.empty() ? std::string("request") : prefix) + tail;
}

std::optional<long long> SerialNumber(std::string_view serial) {
  const std::size_t dash = serial.rfind('-');
  const std::string_view digits = dash == std::string_view::npos ? serial : serial.substr(dash + 1);
  // 18 digits at most: no overflow.
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  long long n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace sandbox

namespace {

// The request as far as the pipeline got, for the answer and the evidence.
struct Exchange {
  const standard::Profile* profile = nullptr;
  std::string city_code;
  std::optional<KeyRow> key;
  std::string method;
  standard::Form form;
  json data;  // decrypted when it got that far
  bool data_parsed = false;
  std::string outcome = "refused";
  std::optional<Refusal> refusal;
  // The data's other violations after the one refused for (kept in the evidence).
  std::vector<Refusal> other_violations;
  // One-off faults armed as last read, in the order they fire: the write transaction
  // fires the first it can still disarm (another request may have fired it since).
  std::vector<const sandbox::OneOffFault*> armed_faults;
  std::vector<std::string> tags;
  std::string digest;
  std::string error, error_path;
};

// Writes JSON text into one string. nlohmann's public dump() builds a serializer for
// every call (a 512-character indent string, localeconv(), a shared output adapter):
// most of the cost of dumping a short string or a number. The masked request is
// written a member at a time, so it keeps one serializer for the whole request:
// nlohmann's detail::serializer, the one dump() itself uses.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out)
      : out_(out),
        // Decrypted fields may hold bytes that are not UTF-8 (a GBK client): replaced,
        // as sandbox::Dump does.
        serializer_(nlohmann::detail::output_adapter<char>(out), ' ', json::error_handler_t::replace) {}
  void Value(const json& value) { serializer_.dump(value, false, false, 0); }
  void Key(std::string_view name) {
    // Member names are the standard's field names, plain ASCII: written as they are,
    // without the copy a json value of the name would take. Anything else is escaped.
    const bool plain =
        std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
    if (plain) {
      ((out_ += '"').append(name) += '"') += ':';
      return;
    }
    Value(json(std::string(name)));
    out_ += ':';
  }
  void Char(char c) { out_ += c; }

 private:
  std::string& out_;
  nlohmann::detail::serializer<json> serializer_;
};

// Writes `value` with what the evidence must not keep masked: encrypted fields
// (personal numbers), phone numbers (x-mask, and mobile numbers anywhere in a string) and
// images (summarised). Walks the method's schema beside the data and writes the rest as it
// is: the text a masked copy would dump to, without copying the data. A member the
// standard does not define is a client's own addition: ID-like and bank card numbers in
// it are masked too (not in the members it defines: a project code has 18 digits).
void WriteMasked(const standard::Schema& schema, const json& value, JsonWriter& out) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (schema.image) return out.Value("<图片 " + std::to_string(text.size()) + " 字符>");
    if (schema.encrypted) return out.Value(standard::MaskNumber(text));
    if (schema.mask_phone) return out.Value(standard::MaskPhone(text));
    // Free text (a remark, a name) may still hold somebody's mobile number; only those:
    // a defined member's other long numbers (a project code has 18 digits) are data.
    if (auto masked = sandbox::MaskRuns(text, sandbox::MaskPhoneRun)) return out.Value(*masked);
  } else if (value.is_object() && !schema.properties.empty()) {
    out.Char('{');
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it != value.begin()) out.Char(',');
      out.Key(it.key());
      if (const standard::Schema* member = schema.Property(it.key())) {
        WriteMasked(*member, it.value(), out);
      } else if (it.value().is_string()) {
        out.Value(sandbox::MaskText(it.value().get<std::string>()));
      } else {
        out.Value(it.value());
      }
    }
    return out.Char('}');
  } else if (value.is_array() && schema.items) {
    out.Char('[');
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out.Char(',');
      WriteMasked(*schema.items, value[i], out);
    }
    return out.Char(']');
  }
  out.Value(value);
}

// The request as it is kept: personal numbers masked, images summarised, the
// signature shortened. Nothing here lets anyone replay or re-identify. A JSON object
// of the form's fields by name, the data under "data" whatever the profile calls it.
// `spec` is the method the pipeline found for the request (null when it found none).
std::string MaskedRequest(const Exchange& x, const standard::MethodSpec* spec) {
  const standard::Profile* p = x.profile;
  // The key's secret, under whatever name a client sends it (a field of its own, or
  // inside another value): kept as *** like the profile's own names for it.
  const auto carries_secret = [&](std::string_view value) {
    return x.key && x.key->secret.size() >= 8 && value.find(x.key->secret) != std::string_view::npos;
  };
  // The data is parsed only once the pipeline found the method: then it is written
  // masked from x.data, where "data" comes in the fields' order.
  const standard::MethodSpec* method = x.data_parsed && p ? spec : nullptr;
  const std::string* data_param = p ? &p->Param("data") : nullptr;
  const std::string* sign_param = p ? &p->Param("sign") : nullptr;
  // The fields as kept, put in name order below; a name sent twice keeps its last value.
  struct Field {
    std::string_view name;
    json value;  // unused for the parsed data, written from x.data
  };
  std::vector<Field> fields;
  fields.reserve(x.form.size() + 1);
  for (const auto& [name, value] : x.form) {
    if (data_param && name == *data_param) continue;
    if (name == "appsecret" || name == "secret" || carries_secret(value)) {
      fields.push_back({name, "***"});
    } else if (sign_param && name == *sign_param) {
      fields.push_back({name, value.size() > 12 ? value.substr(0, 8) + "…" : value});
    } else {
      fields.push_back({name, value.size() > 200 ? value.substr(0, 200) + "…" : value});
    }
  }
  if (method) {
    fields.push_back({"data", nullptr});
  } else if (data_param) {
    const std::string* raw = standard::FormValue(x.form, *data_param);
    if (raw && carries_secret(*raw)) {
      fields.push_back({"data", "***"});
    } else if (raw) {
      fields.push_back({"data", sandbox::MaskText(raw->size() > 300 ? raw->substr(0, 300) + "…" : *raw)});
    }
  }
  std::stable_sort(fields.begin(), fields.end(), [](const Field& a, const Field& b) { return a.name < b.name; });
  std::string text;
  JsonWriter out(text);
  out.Char('{');
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i + 1 < fields.size() && fields[i + 1].name == fields[i].name) continue;  // a later one wins
    if (text.size() > 1) out.Char(',');
    out.Key(fields[i].name);
    if (method && fields[i].name == "data") {
      WriteMasked(*method->data_schema, x.data, out);
    } else {
      out.Value(fields[i].value);
    }
  }
  out.Char('}');
  return text;
}

// The profile's envelope.
json Envelope(const standard::Profile& p, const standard::ErrorEntry& e, const std::string& message, json data) {
  json out;
  if (p.integer_codes) {
    try {
      out[p.code_field] = std::stoll(e.code);
    } catch (...) {
      out[p.code_field] = e.code;
    }
  } else {
    out[p.code_field] = e.code;
  }
  out[p.message_field] = message;
  out[p.data_field] = std::move(data);
  return out;
}

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : " ") + t;
  return out;
}

// One request from its arrival to its answer, shared by the checks on the HTTP
// thread, the write unit in the group commit and the answer after the commit.
struct Pending {
  SandboxCall call;
  std::function<void(SandboxReply)> done;
  Instant now;
  std::shared_ptr<const standard::ProfileSet> profiles;  // keeps x.profile and method alive
  Exchange x;
  std::shared_ptr<const sandbox::KnownKey> known;  // keeps `codec` alive
  const standard::KeyCodec* codec = nullptr;
  const standard::MethodSpec* method = nullptr;
  FaultState faults;
  std::string masked_request;
  json answer;
  // `answer` as text when the evidence kept it unchanged: written once, for both.
  std::string answer_text;
  long long evidence_id = 0;
  // What the write unit found or stored that KnownObjects keeps, once it committed.
  std::vector<std::string> observed;
};

}  // namespace

namespace {

// PostgreSQL: the async results and evidence of a batch written together before its
// COMMIT (sandbox::Statements::BeginBatch says why only there).
storage::Database::Deferral BatchWrites(storage::Database& db) {
  if (db.dialect() != storage::Dialect::kPostgres) return {};
  return {[&db](soci::session& sql, bool defer) { db.Local<sandbox::Statements>(sql).BeginBatch(db, defer); },
          [&db](soci::session& sql) { db.Local<sandbox::Statements>(sql).FlushBatch(); }};
}

}  // namespace

// PostgreSQL: two writers, whose batches wait for round trips side by side. One leaves
// the connection idle during every round trip (a quarter of the throughput); more than
// two split the queue into smaller batches, each with its own commit, and on two cores
// ran slower with a higher p99 (three and four writers measured, docs/benchmarks.md).
SandboxService::SandboxService(Deps& deps)
    : deps_(deps),
      known_objects_(std::make_unique<sandbox::KnownObjects>()),
      nonces_(std::make_unique<sandbox::NonceLedger>(deps.db)),
      unsigned_refusals_(
          std::make_unique<sandbox::UnsignedRefusalBudget>(deps.config.sandbox_unsigned_refusals_per_hour)),
      writer_(deps.db, 256, deps.db.dialect() == storage::Dialect::kPostgres ? 2 : 1, nullptr,
              std::chrono::milliseconds(5), BatchWrites(deps.db)) {}

SandboxService::~SandboxService() = default;

Result<std::pair<std::string, std::string>> SandboxService::CityProfile(const std::string& city_code) {
  // A city's profile changes when an admin says so; reading it per request would be
  // one more transaction on the hot path. Cached briefly, and dropped at once when this
  // process changes a city.
  const Instant now = deps_.session_clock.Now();
  {
    std::lock_guard lock(cities_mu_);
    auto it = cities_.find(city_code);
    if (it != cities_.end() && now < it->second.until) return std::make_pair(it->second.profile, it->second.test_env);
  }
  std::string profile, test_env;
  auto read = deps_.db.Read<Ok>([&](soci::session& sql) -> Result<Ok> {
    sql << "SELECT profile, test_env FROM cities WHERE code = :c", soci::use(city_code), soci::into(profile),
        soci::into(test_env);
    if (!sql.got_data()) profile.clear();
    return Ok{};
  });
  if (!read.ok()) return read.take_error();
  std::lock_guard lock(cities_mu_);
  cities_[city_code] = {profile, test_env, now + std::chrono::seconds(5)};
  return std::make_pair(profile, test_env);
}

void SandboxService::ForgetCities() {
  std::lock_guard lock(cities_mu_);
  cities_.clear();
}

Result<long long> SandboxService::PurgeOldNonces(Instant now) {
  // Every window ends in this hour and reaches back into the last one at most.
  const long long before = ToUnix(now) / sandbox::kNonceHour - 1;
  return deps_.db.Transact<long long>([&](soci::session& sql) -> Result<long long> {
    soci::statement st = (sql.prepare << "DELETE FROM sandbox_recent_nonces WHERE hour < :h", soci::use(before));
    st.execute(true);
    // The log's rows come about in the order of their times, so the first row inside
    // the window is found without an index, reading about what is deleted. Only rows
    // before it go, all older than the window; one a little out of order stays until
    // the next sweep. The last row always stays: the next seq is one more than it.
    const long long since = before * sandbox::kNonceHour;
    soci::statement log =
        (sql.prepare << "DELETE FROM sandbox_nonce_log WHERE seq < COALESCE("
                        "(SELECT seq FROM sandbox_nonce_log WHERE seen_at >= :t ORDER BY seq LIMIT 1), "
                        "(SELECT MAX(seq) FROM sandbox_nonce_log), 0)",
         soci::use(since, "t"));
    log.execute(true);
    return static_cast<long long>(st.get_affected_rows() + log.get_affected_rows());
  });
}

namespace sandbox {

struct KnownKey {
  KeyRow key;  // the secret opened, when secret_opened
  bool secret_opened = false;
  FaultState faults;
  // Built for `profile`, kept alive by `profiles`; nullopt when the secret does not
  // fit the profile's cipher.
  const standard::Profile* profile = nullptr;
  std::shared_ptr<const standard::ProfileSet> profiles;
  std::optional<standard::KeyCodec> codec;
  std::uint64_t db_epoch = 0, faults_epoch = 0;
  Instant until;
};

}  // namespace sandbox

Result<std::shared_ptr<const sandbox::KnownKey>> SandboxService::FindKey(const std::string& app_key,
                                                                         const standard::Profile& profile) {
  // A read transaction, opening the sealed secret and deriving the cipher's key cost
  // about a sixth of a request, for a row that changes a few times in its life. Held
  // here while nothing could have changed it: every change to a key or its fault
  // switches goes through Database::Transact (which moves the write epoch) or is a
  // one-off fault firing here; the second's limit covers other processes.
  const Instant now = deps_.session_clock.Now();
  const std::uint64_t db_epoch = deps_.db.WriteEpoch();
  const std::uint64_t faults_epoch = faults_fired_.load(std::memory_order_acquire);
  {
    std::lock_guard lock(keys_mu_);
    auto it = keys_.find(app_key);
    if (it != keys_.end()) {
      const sandbox::KnownKey& k = *it->second;
      if (k.db_epoch == db_epoch && k.faults_epoch == faults_epoch && now < k.until && k.profile == &profile) {
        return it->second;
      }
    }
  }
  FaultState faults;
  auto row = deps_.db.Read<std::optional<KeyRow>>([&](soci::session& sql) -> Result<std::optional<KeyRow>> {
    auto& statements = deps_.db.Local<sandbox::Statements>(sql);
    auto k = statements.Key(app_key);
    if (k) faults = statements.Faults(k->application_id);
    return k;
  });
  if (!row.ok()) return row.take_error();
  // An unknown app key is not remembered: anyone can send any number of them.
  if (!*row) return std::shared_ptr<const sandbox::KnownKey>();
  auto known = std::make_shared<sandbox::KnownKey>();
  known->key = std::move(**row);
  known->faults = faults;
  known->db_epoch = db_epoch;
  known->faults_epoch = faults_epoch;
  known->until = now + std::chrono::seconds(1);
  known->profile = &profile;
  known->profiles = deps_.profiles;
  if (auto secret = deps_.secrets.Open(known->key.secret); secret.ok()) {
    known->key.secret = std::move(secret).value();
    known->secret_opened = true;
    if (auto c = standard::KeyCodec::Make(profile, known->key.secret); c.ok())
      known->codec.emplace(std::move(c).value());
  }
  std::lock_guard lock(keys_mu_);
  // Bounded by the keys ever issued; still, a cache must not grow without end.
  constexpr std::size_t kMaxKeys = 10000;
  if (keys_.size() >= kMaxKeys) keys_.clear();
  keys_[app_key] = known;
  return std::shared_ptr<const sandbox::KnownKey>(std::move(known));
}

// Whether the request's effect would be taken (neither refused nor failed
// asynchronously), tried under a savepoint and undone: the store is as it was, and what
// the effect found is not remembered.
bool EffectWouldBeTaken(soci::session& sql, sandbox::Statements& statements, sandbox::Context ctx) {
  std::vector<std::string> discarded;
  ctx.observed = &discarded;
  sql << "SAVEPOINT fault_trial";
  const EffectResult r = sandbox::RunEffect(sql, statements, ctx);
  sql << "ROLLBACK TO SAVEPOINT fault_trial";
  sql << "RELEASE SAVEPOINT fault_trial";
  return !r.refusal && !r.async_failure;
}

// The message of a refusal: its own text (a business rule's) or the profile's for its
// catalogue key, with its parameters filled in.
std::string RefusalMessage(const standard::Profile& p, const Refusal& refusal, const std::string& method) {
  auto params = refusal.params;
  params["path"] = refusal.path;
  if (!params.contains("method")) params["method"] = method;
  return standard::FillMessage(refusal.message.empty() ? p.Error(refusal.error).message : refusal.message, params);
}

// Step 8 of HandleAsync: the request's effect on its key's store, its answer and its
// evidence, as one unit of a group-commit batch. May run more than once (see
// storage::GroupCommit); its only effects outside the database are on `pending`.
Status StoreAndRecord(storage::Database& db, const sandbox::KnownObjects& known, sandbox::NonceLedger& nonces,
                      Pending& pending, soci::session& sql) {
  const SandboxCall& call = pending.call;
  const Instant now = pending.now;
  Exchange& x = pending.x;
  const standard::Profile& p = *x.profile;
  const standard::MethodSpec* method = pending.method;
  const standard::KeyCodec* codec = pending.codec;
  const FaultState& faults = pending.faults;
  const std::string& masked_request = pending.masked_request;
  const auto& success = p.Error("success");
  json& answer = pending.answer;
  long long& evidence_id = pending.evidence_id;
  pending.observed.clear();  // a batch that runs again starts over
  pending.answer_text.clear();
  auto& statements = db.Local<sandbox::Statements>(sql);
  std::vector<std::string> tags = x.tags;
  std::string outcome = x.outcome;
  std::optional<Refusal> refusal = x.refusal;
  std::string serial;
  json answer_data = nullptr;
  std::optional<Refusal> async_error;  // accepted now, failed in the async result
  std::string evidence_result;         // a fetched async result as the evidence keeps it
  // The document numbers the request sent, which a refusal's or an async result's text
  // may repeat: looked for only when there is such a text.
  std::optional<std::vector<std::string>> personal_values;
  const auto personal = [&]() -> const std::vector<std::string>& {
    if (!personal_values) {
      personal_values.emplace();
      if (method && x.data_parsed) {
        // The walk that decrypted them, run on a copy that keeps each value as it is.
        json copy = x.data;
        standard::TransformEncrypted(*method->data_schema, copy, [&](const std::string& v) -> Result<std::string> {
          if (!v.empty()) personal_values->push_back(v);
          return v;
        });
      }
    }
    return *personal_values;
  };
  const long long key_id = x.key ? x.key->id : 0;
  // A one-off fault fires once: only the request whose transaction disarms it fires it.
  // A request that read it armed before another's disarming committed is served as if
  // it never was (row lock on PostgreSQL, the one writer on SQLite). It fires only on a
  // request whose effect the store would take, so that the retry it asks for, the same
  // data, is accepted; one the business rules refuse meets them instead, and the fault
  // waits for the next.
  if (!x.armed_faults.empty() && outcome == "accepted" &&
      EffectWouldBeTaken(sql, statements,
                         sandbox::Context{p, *method, *x.key, *codec, x.data, now, FormatDay(ShanghaiDay(now)),
                                          faults.delay_async, &known, nullptr})) {
    for (const sandbox::OneOffFault* fault : x.armed_faults) {
      if (!statements.DisarmFault(x.key->application_id, fault->scenario)) continue;
      outcome = "fault";
      refusal = Refusal{fault->error, "", {}};
      break;
    }
  }
  if (outcome == "accepted") {
    const std::string* nonce = standard::FormValue(x.form, p.Param("nonce"));
    if (nonce && !nonce->empty()) {
      if (!nonces.Claim(sql, statements, key_id, *nonce, ToUnix(now), p.NonceWindowSeconds())) {
        outcome = "refused";
        refusal = Refusal{"nonce_replayed", "", {}};
      }
    }
  }
  if (outcome == "accepted") {
    sandbox::Context ctx{
        p,      *method,          *x.key, *codec, x.data, now, FormatDay(ShanghaiDay(now)), faults.delay_async,
        &known, &pending.observed};
    EffectResult r = sandbox::RunEffect(sql, statements, ctx);
    tags.insert(tags.end(), r.tags.begin(), r.tags.end());
    if (r.refusal) {
      outcome = "refused";
      refusal = r.refusal;
    } else {
      if (method->async) {
        const bool failed = r.async_failure.has_value();
        std::string client_result = sandbox::Dump(r.async_result);
        std::string masked_result;
        if (failed) {
          auto params = r.async_failure->params;
          params["path"] = r.async_failure->path;
          client_result = standard::FillMessage(p.Error(r.async_failure->error).message, params);
          masked_result = sandbox::MaskPersonal(client_result, personal());
          if (masked_result == client_result) masked_result.clear();
        }
        const int status = failed ? p.status_failed : p.status_succeeded;
        const int pending_polls = faults.delay_async ? 2 : 0;
        const long long number =
            statements.InsertAsync(key_id, x.method, status, client_result, masked_result, pending_polls, ToUnix(now));
        serial = sandbox::SerialCode(method->serial_prefix, now, number);
        if (failed) {
          tags.push_back("async_failed");
          async_error = r.async_failure;
        }
        answer_data = json{{p.serial_field, serial}};
      } else if (r.async_failure) {
        // A profile without asynchronous processing reports the failure at once.
        outcome = "refused";
        refusal = r.async_failure;
      } else {
        answer_data = r.answer_data;
        evidence_result = std::move(r.evidence_result);
      }
    }
  }
  std::string message;
  if (refusal) {
    message = RefusalMessage(p, *refusal, x.method);
    answer = Envelope(p, p.Error(refusal->error), message, nullptr);
  } else {
    message = success.message;
    answer = Envelope(p, success, message, answer_data);
  }
  // Only requests naming an issued key come here: HandleAsync answers the others itself
  // (a request can be accepted only with a key, and a refusal without one is never
  // recorded). Evidence: what was asked, what was answered, why. A query's rows are summed up, and
  // personal numbers in the message or an async result masked; an answer with none of
  // these (every accepted write) is kept as sent, and its text is sent as written here.
  const std::string masked_message = refusal ? sandbox::MaskPersonal(message, personal()) : sandbox::MaskText(message);
  const auto answered_data = answer.find(p.data_field);
  const bool data_object = answered_data != answer.end() && answered_data->is_object();
  const bool has_rows = data_object && answered_data->contains("rows");
  const bool has_result = data_object && answered_data->contains("result") && (*answered_data)["result"].is_string();
  std::string response;
  if (!has_rows && !has_result && masked_message == message) {
    response = pending.answer_text = sandbox::Dump(answer);
  } else {
    json kept = answer;
    if (has_rows) kept[p.data_field]["rows"] = std::to_string(kept[p.data_field]["rows"].size()) + " 行";
    kept[p.message_field] = masked_message;
    if (has_result) {
      json& result = kept[p.data_field]["result"];
      result = sandbox::MaskText(evidence_result.empty() ? result.get<std::string>() : std::move(evidence_result));
    }
    response = sandbox::Dump(kept);
  }
  const std::optional<Refusal>& why = refusal ? refusal : async_error;
  sandbox::EvidenceRow row;
  row.application_id = x.key->application_id;
  row.key_id = x.key->id;
  row.city_code = call.city_code;
  row.received_at = ToUnix(now);
  row.method = x.method;
  row.outcome = outcome;
  row.code = refusal ? p.Error(refusal->error).code : success.code;
  row.error = why ? why->error : "";
  row.rule_path = why ? why->path : "";
  row.message = masked_message;
  row.latency_us = call.elapsed_us();
  row.tags = JoinTags(tags);
  row.serial = serial;
  row.data_digest = x.digest;
  row.request = masked_request;
  row.response = std::move(response);
  if (refusal && !x.other_violations.empty()) {
    json others = json::array();
    for (const Refusal& v : x.other_violations) {
      others.push_back({{"rule", v.error},
                        {"path", v.path},
                        {"message", sandbox::MaskPersonal(RefusalMessage(p, v, x.method), personal())}});
    }
    row.violations = sandbox::Dump(others);
  }
  x.outcome = outcome;
  x.error = row.error;
  x.error_path = row.rule_path;
  statements.InsertEvidence(std::move(row), evidence_id);
  return OkStatus();
}

// Step 9: the answer, once the unit's batch committed (or failed).
void Answer(Pending& pending, const Status& write, std::atomic<std::uint64_t>& faults_fired,
            sandbox::KnownObjects& known) {
  const Exchange& x = pending.x;
  const standard::Profile& p = *x.profile;
  if (write.ok()) known.Add(pending.observed);
  // The cached fault switches said armed, and one of them fired, here or before: they
  // are read again.
  if (!x.armed_faults.empty()) faults_fired.fetch_add(1, std::memory_order_acq_rel);
  if (!write.ok()) {
    spdlog::error("sandbox {}: {}", pending.call.city_code, write.error().message);
    const auto& e = p.Error("server_error");
    return pending.done({Envelope(p, e, e.message, nullptr).dump(), 0, "refused", "server_error"});
  }
  std::string text = pending.answer_text.empty() ? sandbox::Dump(pending.answer) : std::move(pending.answer_text);
  pending.done({std::move(text), pending.evidence_id, x.outcome, x.error, x.error_path});
}

SandboxReply SandboxService::Handle(const SandboxCall& call) {
  std::promise<SandboxReply> reply;
  std::future<SandboxReply> answered = reply.get_future();
  HandleAsync(call, [&reply](SandboxReply r) { reply.set_value(std::move(r)); });
  return answered.get();
}

void SandboxService::HandleAsync(SandboxCall incoming, std::function<void(SandboxReply)> done) {
  auto pending = std::make_shared<Pending>();
  pending->call = std::move(incoming);
  pending->done = std::move(done);
  pending->now = deps_.clock.Now();
  pending->profiles = deps_.profiles;
  const SandboxCall& call = pending->call;
  const Instant now = pending->now;
  Exchange& x = pending->x;
  x.city_code = call.city_code;

  // Everything before the write transaction only reads; a refusal is answered and
  // recorded without touching the key's store.
  auto refuse = [&](std::string error, std::string path = {}, std::map<std::string, std::string> params = {}) {
    x.outcome = "refused";
    x.refusal = Refusal{std::move(error), std::move(path), std::move(params)};
  };

  // 1. The city and its profile.
  std::string profile_name, test_env;
  auto city = CityProfile(call.city_code);
  if (city.ok()) std::tie(profile_name, test_env) = *city;
  x.profile = profile_name.empty() ? nullptr : deps_.profiles->Find(profile_name);
  if (!city.ok() || x.profile == nullptr || test_env != "sandbox") {
    // No test environment is hosted here for this city: nothing to answer in a profile.
    static const standard::Profile kFallback = [] {
      standard::Profile p;
      p.errors["unknown_method"] = {"-3", "该城市的测试环境不在本平台", false};
      return p;
    }();
    const auto& e = kFallback.Error("unknown_method");
    return pending->done({Envelope(kFallback, e, e.message, nullptr).dump(), 0, "refused", "unknown_method"});
  }
  const standard::Profile& p = *x.profile;
  // A standard with a single endpoint is served at that path only: elsewhere the city's
  // server has no page (HTTP 404), and nothing is recorded, as no key is involved.
  if (p.style == "single_endpoint" && call.endpoint != p.endpoint_path) {
    const auto& e = p.Error("unknown_method");
    SandboxReply reply{Envelope(p, e, "接口地址不存在：" + call.endpoint, nullptr).dump(), 0, "refused",
                       "unknown_method"};
    reply.http_status = 404;
    return pending->done(std::move(reply));
  }
  // A GET where the standard asks for a POST, or a method no standard takes: the city's
  // server would not take it (HTTP 405), and nothing is recorded, as no key was read.
  const bool via_get = call.http_method == "GET";
  if (call.http_method != "POST" && !(via_get && p.accepts_get)) {
    const auto& e = p.Error("malformed_form");
    const std::string message =
        "请求方式不支持：" + call.http_method + (p.accepts_get ? "，请使用 POST 或 GET" : "，请使用 POST");
    SandboxReply reply{Envelope(p, e, message, nullptr).dump(), 0, "refused", "malformed_form"};
    reply.http_status = 405;
    reply.allow = p.accepts_get ? "POST, GET" : "POST";
    return pending->done(std::move(reply));
  }
  if (via_get) x.tags.push_back("via_get");

  // 2. Parse: size, form, the common parameters.
  auto& known = pending->known;
  auto& codec = pending->codec;
  auto& method = pending->method;
  auto& faults = pending->faults;
  [&] {
    if (call.body.size() > p.max_body_bytes) {
      return refuse("body_too_large", "", {{"max_kb", std::to_string(p.max_body_bytes / 1024)}});
    }
    auto form = standard::FromWire(p, call.query, call.body);
    if (!form.ok()) return refuse("malformed_form");
    x.form = std::move(form).value();
    // A form refused for its parameters still names its key: the refusal is recorded
    // as that key's evidence, as every later one is, while the answer stays the form's.
    auto refuse_form = [&](std::string error, std::map<std::string, std::string> params) {
      const std::string* app_id = standard::FormValue(x.form, p.Param("app_id"));
      if (app_id && !app_id->empty()) {
        if (auto found = FindKey(*app_id, p); found.ok() && *found) x.key = (*found)->key;
      }
      refuse(std::move(error), "", std::move(params));
    };
    const std::string* method_field = standard::FormValue(x.form, p.Param("method"));
    const bool method_in_path = p.style == "per_method" && call.endpoint != p.endpoint_path;
    x.method = method_in_path ? call.endpoint : (method_field ? *method_field : "");
    // Where the path names the method, a method field naming another contradicts it:
    // which of the two the client meant is not for the sandbox to guess.
    if (method_in_path && method_field && !method_field->empty() && *method_field != x.method) {
      return refuse_form("malformed_form", {{"param", p.Param("method")}});
    }
    for (const auto& name : p.required_params) {
      const std::string* v = standard::FormValue(x.form, name);
      if (!v || v->empty()) return refuse_form("missing_param", {{"param", name}});
    }
    if (x.method.empty()) return refuse_form("missing_param", {{"param", p.Param("method")}});
    for (const auto& [name, value] : p.fixed_params) {
      const std::string* v = standard::FormValue(x.form, name);
      if (v && *v != value) {
        const standard::MethodSpec* m = p.FindMethod(x.method);
        if (!m || !m->AlsoAccepts(name, *v)) return refuse_form("malformed_form", {{"param", name}});
      }
    }
    if (const std::string* nonce = standard::FormValue(x.form, p.Param("nonce"));
        nonce && nonce->size() > p.nonce_max_length) {
      return refuse_form("malformed_form", {{"param", p.Param("nonce")}});
    }

    // 3. The key: known, not revoked, not expired, this city's and issued for the
    // profile the city speaks now (a city moved to another standard needs new keys:
    // the old one's codec and store belong to the old standard).
    const std::string* app_id = standard::FormValue(x.form, p.Param("app_id"));
    auto found = FindKey(app_id ? *app_id : "", p);
    if (!found.ok()) return refuse("server_error");
    if (!*found) return refuse("unknown_app");
    known = std::move(found).value();
    x.key = known->key;
    faults = known->faults;
    if (!known->secret_opened) return refuse("server_error");
    // A refusal before the signature is checked still tells whether the key's holder
    // sent it: anyone who learnt an app_id can send a request naming it, and these
    // refusals are attached to the vendor's complaints as the platform's evidence.
    // Checked on these refusals only; an accepted request is verified below anyway.
    auto refuse_keyed = [&](const char* error) {
      const std::string* sign = standard::FormValue(x.form, p.Param("sign"));
      if (known->codec && sign && known->codec->Verify(x.form, *sign)) x.tags.push_back("signed");
      return refuse(error);
    };
    if (x.key->revoked) return refuse_keyed("key_revoked");
    if (now > x.key->expires_at) return refuse_keyed("key_expired");
    if (x.key->city_code != call.city_code || x.key->profile != p.name) return refuse_keyed("wrong_city");

    // 4. Freshness: timestamp within the skew. The nonce is checked where it is
    // stored, in the write transaction: a replay is refused there atomically.
    const std::string* ts = standard::FormValue(x.form, p.Param("timestamp"));
    auto when = ts ? standard::ParseWireTimestamp(*ts, p.timestamp_format) : std::nullopt;
    if (!when) return refuse_keyed("timestamp_format");
    if (std::chrono::abs(*when - now) > std::chrono::seconds(p.max_skew_seconds)) {
      return refuse_keyed("timestamp_skew");
    }

    // 5. Signature over the received raw values.
    if (!known->codec) return refuse("server_error");
    codec = &*known->codec;
    const std::string* sign = standard::FormValue(x.form, p.Param("sign"));
    if (!sign || !codec->Verify(x.form, *sign)) return refuse("bad_signature");
    x.tags.push_back("signed");

    method = p.FindMethod(x.method);
    if (!method) return refuse("unknown_method", "", {{"method", x.method}});

    // 7. data: JSON object, decrypted fields, schema.
    const std::string* raw = standard::FormValue(x.form, p.Param("data"));
    // No payload of the standard nests deeper than a few levels; a deeper one is
    // refused before anything recurses over it.
    json data = raw ? ParseJsonBounded(*raw) : json::object();
    if (data.is_discarded() || !data.is_object()) return refuse("invalid_json");
    auto decrypted = standard::TransformEncrypted(*method->data_schema, data,
                                                  [&](const std::string& v) { return codec->DecryptField(v); });
    if (decrypted.failed_path) {
      x.data = std::move(data);
      return refuse("decrypt_failed", *decrypted.failed_path);
    }
    if (decrypted.count > 0) x.tags.push_back("encrypted_field");
    x.data = std::move(data);
    x.data_parsed = true;
    x.digest = crypto::Sha256Hex(x.method + "\n" + sandbox::Dump(x.data));
    // "Not in the future" allows the device's clock the lead its timestamp is allowed: a
    // gate a few seconds ahead of the server records attendance at "now" by its own clock.
    auto violations = standard::ValidateData(*method->data_schema, x.data,
                                             standard::CivilNow::At(now + std::chrono::seconds(p.max_skew_seconds)));
    // What the profile accepts and notes instead (Profile::noted), tagged once each.
    std::erase_if(violations, [&](const standard::Violation& v) {
      if (v.notable.empty() || !p.noted.contains(v.notable)) return false;
      const std::string tag = "noted:" + v.notable;
      if (std::find(x.tags.begin(), x.tags.end(), tag) == x.tags.end()) x.tags.push_back(tag);
      return true;
    });
    if (!violations.empty()) {
      // The first decides the answer; the others are kept for the evidence, so that a
      // vendor mends them all at once. A list of many workers could break one rule many
      // times; the first few say what to mend.
      constexpr std::size_t kKeptViolations = 20;
      const auto as_refusal = [](standard::Violation& v) {
        return Refusal{std::move(v.kind), std::move(v.path), std::move(v.params), std::move(v.message)};
      };
      x.outcome = "refused";
      x.refusal = as_refusal(violations.front());
      for (std::size_t i = 1; i < violations.size() && i <= kKeptViolations; ++i) {
        x.other_violations.push_back(as_refusal(violations[i]));
      }
      return;
    }
    // A write whose data passed takes an armed one-off fault instead of its answer, so
    // that the retry the fault asks for (the same data) is one the sandbox accepts: a
    // fault spent on data refused anyway would leave the client's correct retry refused
    // too. Whether the fault still is armed is decided in the write transaction
    // (StoreAndRecord).
    if (!x.method.ends_with(".Query")) x.armed_faults = faults.armed_once;
    if (x.data.contains("workerList") && x.data["workerList"].is_array()) {
      for (const auto& w : x.data["workerList"]) {
        if (w.is_object() && w.contains("headImage")) {
          x.tags.push_back("head_image");
          break;
        }
      }
    }
    x.outcome = "accepted";
  }();

  // A refusal that is not recorded is answered here, without a turn of the writer: one
  // that names no issued key (it belongs to no application, nobody could see its
  // evidence, and recording it would only let anyone fill the database), and one of a
  // key whose signature did not verify beyond the hour's number for the key
  // (sandbox_refusal_budget.h).
  if (x.outcome == "refused" && x.refusal) {
    bool record = x.key.has_value();
    if (record && std::find(x.tags.begin(), x.tags.end(), "signed") == x.tags.end()) {
      switch (unsigned_refusals_->Take(x.key->id, ToUnix(now))) {
        case sandbox::UnsignedRefusalBudget::Verdict::kRecord:
          break;
        case sandbox::UnsignedRefusalBudget::Verdict::kRecordLast:
          x.tags.push_back("unsigned_cap");
          break;
        case sandbox::UnsignedRefusalBudget::Verdict::kSkip:
          record = false;
          break;
      }
    }
    if (!record) {
      const Refusal& r = *x.refusal;
      return pending->done({sandbox::Dump(Envelope(p, p.Error(r.error), RefusalMessage(p, r, x.method), nullptr)), 0,
                            "refused", r.error, r.path});
    }
  }

  // 8. Store, answer and record in one transaction: an answer that says "accepted" is
  // never given for a request whose evidence is not committed. The transaction is shared
  // with the requests that wait for the writer at the same time (group commit), run one
  // after another in the order they arrived; this function may therefore run more than
  // once (storage::GroupCommit), and keeps its effects outside the database to the
  // variables it sets. This thread returns once the unit is queued; the answer goes out
  // from the group commit's answering thread after the commit.
  // What the request was does not depend on the transaction: masked here, outside the
  // writer's turn.
  if (x.key) pending->masked_request = MaskedRequest(x, pending->method);
  writer_.Submit([this, pending](
                     soci::session& sql) { return StoreAndRecord(deps_.db, *known_objects_, *nonces_, *pending, sql); },
                 [this, pending](Status write) { Answer(*pending, write, faults_fired_, *known_objects_); });
}

}  // namespace liantiao::services
