#include "services/probe_service.h"

#include <algorithm>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/json_text.h"
#include "core/utf8.h"
#include "crypto/crypto.h"
#include "services/sandbox_internal.h"
#include "standard/request.h"
#include "standard/wire.h"
#include "storage/row.h"

namespace liantiao::services {

using storage::GetInt;
using storage::GetText;

namespace {

constexpr std::size_t kMaxResponseBytes = 2048;
constexpr std::size_t kMaxMessageBytes = 500;

// A key due for a probe, as read before any network traffic.
struct DueKey {
  long long application_id = 0, key_id = 0;
  std::string app_key, secret_sealed, profile, city_code, test_env;
};

// What one probe found, ready to be recorded.
struct ProbeResult {
  std::string method, outcome, code, error, message, request, response;
  long long latency_us = 0;  // the exchange's time, as the HTTP layer measured it
};

// Text from another system as it may be stored: valid UTF-8 (a GBK answer or a
// truncated sequence would be refused by PostgreSQL), no NUL, at most `max_bytes`
// bytes cut at a character boundary with "…" marking the cut.
std::string SafeText(std::string_view in, std::size_t max_bytes) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(std::min(in.size(), max_bytes) + 4);
  std::size_t i = 0;
  while (i < in.size()) {
    const std::size_t len = Utf8SequenceLength(in, i);
    const bool ok = len > 0;
    const std::string_view piece = !ok || in[i] == '\0' ? kReplacement : in.substr(i, len);
    if (out.size() + piece.size() > max_bytes) {
      out += "…";
      break;
    }
    out += piece;
    i += ok ? len : 1;
  }
  return out;
}

std::string CodeText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

std::string StripSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The request as it is kept: no secret, the signature shortened.
std::string MaskedRequest(const standard::Profile& p, const standard::Form& form) {
  json out = json::object();
  for (const auto& [name, value] : form) {
    if (name == p.Param("sign")) {
      out[name] = value.size() > 12 ? value.substr(0, 8) + "…" : value;
    } else if (name == p.Param("data")) {
      json data = ParseJsonBounded(value);
      out[name] = data.is_discarded() ? json(value) : data;
    } else {
      out[name] = value;
    }
  }
  return out.dump();
}

// Sends one signed request of the profile's probe method and judges the answer.
ProbeResult Probe(const Deps& deps, const DueKey& k, const standard::Profile& p, Instant now) {
  ProbeResult r;
  json data = json::object();
  if (p.FindMethod("CheckSign.Query")) {
    r.method = "CheckSign.Query";
  } else {
    r.method = p.async_query_method;
    data[p.serial_field] = "";
  }
  r.outcome = "refused";
  r.error = "probe_failed";

  auto secret = deps.secrets.Open(k.secret_sealed);
  if (!secret.ok()) {
    r.message = "测试密钥无法解封，未能探测";
    return r;
  }
  auto codec = standard::KeyCodec::Make(p, std::move(secret).value());
  if (!codec.ok()) {
    r.message = "测试密钥与接口标准不符，未能探测：" + codec.error().message;
    return r;
  }
  const std::string nonce = crypto::HexEncode(crypto::RandomBytes(8));
  const standard::Form form = standard::BuildRequest(p, *codec, k.app_key, r.method, std::move(data), now, nonce);
  r.request = MaskedRequest(p, form);
  const std::string url = p.style == "per_method" ? StripSlash(k.test_env) + "/" + r.method : k.test_env;
  const standard::WireRequest wire = standard::ToWire(p, form);

  auto answer = deps.poster->Post(wire.Target(url), wire.content_type, wire.body);
  if (!answer.ok()) {
    r.latency_us = answer.error().details.value("elapsed_us", 0LL);
    r.message = SafeText("测试环境无法连接：" + answer.error().message, kMaxMessageBytes);
    return r;
  }
  const auto& [status, body, elapsed_us] = *answer;
  r.latency_us = elapsed_us;
  r.response = SafeText(sandbox::MaskText(body), kMaxResponseBytes);
  const json envelope = ParseJsonBounded(body);
  const bool is_envelope = !envelope.is_discarded() && envelope.is_object();
  std::string message;
  if (is_envelope) {
    r.code = SafeText(CodeText(envelope.value(p.code_field, json())), 64);
    const json m = envelope.value(p.message_field, json());
    message = m.is_string() ? m.get<std::string>() : "";
  }
  const bool http_ok = status >= 200 && status < 300;
  if (http_ok && is_envelope && envelope.contains(p.code_field) && r.code == p.Error("success").code) {
    r.outcome = "accepted";
    r.error.clear();
    r.message = SafeText(sandbox::MaskText(message), kMaxMessageBytes);
    return r;
  }
  if (!http_ok) {
    r.message = "测试环境应答 HTTP " + std::to_string(status) + (message.empty() ? "" : "：" + message);
  } else if (!is_envelope) {
    r.message = "测试环境的应答不是 JSON";
  } else if (!envelope.contains(p.code_field)) {
    r.message = "测试环境的应答缺少 " + p.code_field + " 字段";
  } else {
    r.message = message.empty() ? "测试环境拒绝了测试密钥（" + r.code + "）" : message;
  }
  r.message = SafeText(sandbox::MaskText(r.message), kMaxMessageBytes);
  return r;
}

}  // namespace

Result<json> ProbeService::ProbeDue(Instant now) {
  json summary = {{"probed", 0}, {"working", 0}, {"failed", 0}};
  if (deps_.poster == nullptr) return summary;
  const long long now_s = ToUnix(now);
  const long long since = now_s - deps_.config.probe_interval.count();

  // 1. Which keys are due: read, then let go of the database before any network call.
  auto load = [&](soci::session& sql) -> Result<std::vector<DueKey>> {
    std::vector<DueKey> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT a.id, k.id, k.app_key, k.secret_sealed, k.profile, k.city_code, c.test_env "
                        "FROM applications a "
                        "JOIN cities c ON c.code = a.city_code "
                        "JOIN test_keys k ON k.application_id = a.id "
                        "WHERE a.state = 'joint_testing' AND c.test_env <> 'sandbox' "
                        "AND k.id = (SELECT MAX(k2.id) FROM test_keys k2 WHERE k2.application_id = a.id) "
                        "AND k.revoked_at IS NULL AND k.expires_at >= :now "
                        "AND NOT EXISTS (SELECT 1 FROM sandbox_evidence e WHERE e.key_id = k.id "
                        "AND e.source = 'probe' AND e.received_at > :since) "
                        "ORDER BY k.id",
         soci::use(now_s), soci::use(since));
    for (const soci::row& r : rows) {
      out.push_back(DueKey{GetInt(r, 0), GetInt(r, 1), GetText(r, 2), GetText(r, 3), GetText(r, 4), GetText(r, 5),
                           GetText(r, 6)});
    }
    return out;
  };
  LT_ASSIGN_OR_RETURN(std::vector<DueKey> due, deps_.db.Read<std::vector<DueKey>>(load));

  // 2. Each key claimed before its probe: several servers on one database run this
  // round, and a key due for all of them (its last probe's evidence older than the
  // interval, the new one not recorded while the city's system answers) is probed by
  // the one whose claim takes. A claim older than the interval is spent (a server that
  // stopped mid-probe). The conditional update decides: on PostgreSQL the second
  // claimant waits for the first's row lock and then finds the claim taken.
  auto claim = [&](const DueKey& k) -> Result<bool> {
    return deps_.db.Transact<bool>([&](soci::session& sql) -> Result<bool> {
      soci::statement st = (sql.prepare << "UPDATE test_keys SET probe_claimed_at = :now WHERE id = :k "
                                           "AND (probe_claimed_at IS NULL OR probe_claimed_at <= :since)",
                            soci::use(now_s, "now"), soci::use(k.key_id, "k"), soci::use(since, "since"));
      st.execute(true);
      return st.get_affected_rows() == 1;
    });
  };

  int probed = 0, working = 0, failed = 0;
  for (const DueKey& k : due) {
    const standard::Profile* p = deps_.profiles->Find(k.profile);
    if (p == nullptr) {
      spdlog::warn("probe: key {} names unknown profile {}", k.key_id, k.profile);
      continue;
    }
    auto mine = claim(k);
    if (!mine.ok()) {
      spdlog::error("probe: key {} not claimed: {}", k.key_id, mine.error().message);
      continue;
    }
    if (!*mine) continue;  // another server probes it this round
    // 3. The network call, outside any transaction.
    const ProbeResult r = Probe(deps_, k, *p, now);
    // 4. The record: complaint evidence.
    auto written = deps_.db.Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
      sql << "INSERT INTO sandbox_evidence (application_id, key_id, city_code, source, received_at, method, "
             "outcome, code, error, message, latency_us, request, response) VALUES "
             "(:a, :k, :c, 'probe', :t, :m, :o, :code, :e, :msg, :lat, :req, :resp)",
          soci::use(k.application_id), soci::use(k.key_id), soci::use(k.city_code), soci::use(now_s),
          soci::use(r.method), soci::use(r.outcome), soci::use(r.code), soci::use(r.error), soci::use(r.message),
          soci::use(r.latency_us), soci::use(r.request), soci::use(r.response);
      return Ok{};
    });
    if (!written.ok()) {
      spdlog::error("probe: evidence of key {} not recorded: {}", k.key_id, written.error().message);
      continue;
    }
    ++probed;
    if (r.outcome == "accepted") {
      ++working;
    } else {
      ++failed;
      spdlog::info("probe: key {} of application {} failed at {}: {}", k.app_key, k.application_id, k.test_env,
                   r.message);
    }
  }
  summary["probed"] = probed;
  summary["working"] = working;
  summary["failed"] = failed;
  return summary;
}

}  // namespace liantiao::services
