// libFuzzer target: the sandbox's handling of an untrusted request body
// (services/sandbox_pipeline.cc steps 2, 3, 5 and 7) without the database.
//
// Input: the first byte picks the profile and the method (selector.h), the rest is the
// form body (for a JSON-body profile, the query string, a newline and the body). Crashes, sanitizer reports and the
// properties checked with
// __builtin_trap are findings. Run with scripts/fuzz [SECONDS].
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "selector.h"
#include "standard/conformance.h"
#include "standard/profile.h"
#include "standard/request.h"
#include "standard/validate.h"
#include "standard/wire.h"

namespace liantiao::fuzz {
namespace {

using standard::Form;
using standard::KeyCodec;
using standard::Profile;
using json = nlohmann::json;

struct Target {
  const Profile* profile;
  std::vector<const standard::MethodSpec*> methods;
  KeyCodec codec;
};

const std::vector<Target>& Targets() {
  static const std::vector<Target> targets = [] {
    auto loaded = standard::ProfileSet::LoadDirectory(LIANTIAO_SOURCE_DIR "/spec/profiles");
    if (!loaded.ok()) {
      std::fprintf(stderr, "sandbox_fuzz: cannot load the profiles: %s\n", loaded.error().message.c_str());
      std::abort();
    }
    static const standard::ProfileSet set = std::move(loaded).value();
    std::vector<Target> out;
    for (std::string_view name : kProfiles) {
      const Profile* p = set.Find(name);
      if (p == nullptr || p->methods.empty()) {
        std::fprintf(stderr, "sandbox_fuzz: profile %.*s missing or without methods\n", static_cast<int>(name.size()),
                     name.data());
        std::abort();
      }
      auto codec = KeyCodec::Make(*p, kSecret);
      if (!codec.ok()) std::abort();
      out.push_back({p, Methods(*p), std::move(codec).value()});
    }
    return out;
  }();
  return targets;
}

// A fixed "now" (2026-10-20 10:00:00 Beijing time): the date rules must not depend on
// when the fuzzer runs, or a finding would not reproduce.
const standard::CivilNow& Now() {
  static const standard::CivilNow now =
      standard::CivilNow::At(Instant(std::chrono::sys_days(std::chrono::year(2026) / 10 / 20)) + std::chrono::hours(2));
  return now;
}

void Check(bool property) {
  if (!property) __builtin_trap();
}

// Decryption of arbitrary text, as any x-encrypted field or the data parameter may hold.
void Decrypt(const KeyCodec& codec, std::string_view text) {
  auto plain = codec.DecryptField(text);
  if (plain.ok()) Check(codec.DecryptField(codec.EncryptField(*plain)).value() == *plain);
}

// Per-string checks the sandbox runs on personal numbers and evidence.
void Strings(const KeyCodec& codec, std::string_view s, const standard::CivilNow& now) {
  (void)standard::IsValidIdNumber(s, now.today);
  Check(standard::MaskNumber(s).size() == s.size());
  Decrypt(codec, s);
  // Encrypting then decrypting any text gives it back.
  auto back = codec.DecryptField(codec.EncryptField(s));
  Check(back.ok() && *back == s);
}

// The conformance judge over a few request facts drawn from the bytes.
void Judge(const Target& t, std::string_view bytes) {
  static const std::vector<std::string> kOutcomes = {"accepted", "refused", "fault"};
  static const std::vector<std::string> kTags = {
      "signed",        "encrypted_field",       "head_image",   "entry_in", "entry_out", "direction_in",
      "direction_out", "fetched_after_pending", "async_failed", "corrected"};
  const Profile& p = *t.profile;
  std::vector<standard::RequestFacts> requests;
  for (std::size_t i = 0; i + 3 <= bytes.size() && requests.size() < 8; i += 3) {
    const auto m = static_cast<unsigned char>(bytes[i]);
    const auto o = static_cast<unsigned char>(bytes[i + 1]);
    const auto tags = static_cast<unsigned char>(bytes[i + 2]);
    standard::RequestFacts r;
    r.id = static_cast<long long>(requests.size()) + 1;
    r.method = m < t.methods.size() ? t.methods[m]->name : std::string(1, static_cast<char>(m));
    r.outcome = kOutcomes[o % kOutcomes.size()];
    for (std::size_t b = 0; b < 8; ++b) {
      if (tags & (1u << b)) r.tags.push_back(kTags[(b + o) % kTags.size()]);
    }
    if (o & 0x80) r.tags.push_back("fetched:" + t.methods[(m + o) % t.methods.size()]->name);
    requests.push_back(std::move(r));
  }
  std::set<std::string> scenarios;
  std::size_t bit = 0;
  for (const auto& c : p.cases) {
    if (!c.scenario.empty() && !bytes.empty() && (static_cast<unsigned char>(bytes[0]) >> (bit++ % 8)) & 1) {
      scenarios.insert(c.scenario);
    }
  }
  const auto results = standard::JudgeCases(p, requests, scenarios);
  Check(results.size() == p.cases.size());
  for (const auto& r : results) {
    Check(r.status == "pass" || r.status == "fail" || r.status == "pending");
    for (long long id : r.evidence_ids) Check(id >= 1 && id <= static_cast<long long>(requests.size()));
  }
}

void Run(const Target& t, const standard::MethodSpec& method, std::string_view input) {
  const Profile& p = *t.profile;
  const auto [query, body] = SplitInput(p, input);
  const standard::CivilNow& now = Now();

  // Arbitrary substrings of the raw bytes as ciphertext, and the judge.
  if (!body.empty()) {
    const std::size_t from = static_cast<unsigned char>(body[0]) % body.size();
    const std::size_t len = body.size() > 1 ? static_cast<unsigned char>(body[1]) % (body.size() - from + 1) : 0;
    Decrypt(t.codec, body.substr(from, len));
  }
  Judge(t, body);

  // 2. Parse: size, form, the common parameters.
  if (body.size() > p.max_body_bytes) return;
  auto parsed = standard::FromWire(p, query, body);
  if (!parsed.ok()) return;
  const Form& form = *parsed;
  // What a sender writes of a form reads back as that form (a JSON body's parameter
  // last, as the sandbox appends it).
  const standard::WireRequest wire = standard::ToWire(p, form);
  auto again = standard::FromWire(p, wire.query, wire.body);
  Check(again.ok() && *again == form);
  for (const char* role : {"app_id", "method", "timestamp", "nonce", "data", "sign"}) {
    (void)standard::FormValue(form, p.Param(role));
  }
  for (const auto& name : p.required_params) (void)standard::FormValue(form, name);
  for (const auto& [name, value] : p.fixed_params) (void)standard::FormValue(form, name);
  if (const std::string* named = standard::FormValue(form, p.Param("method"))) (void)p.FindMethod(*named);
  for (const auto& [name, value] : form) Strings(t.codec, value, now);

  // 3. The timestamp is read as std::get_time reads it (the fast path reads it itself).
  if (const std::string* ts = standard::FormValue(form, p.Param("timestamp"))) {
    Check(standard::ParseTimestamp(*ts, p.timestamp_format) ==
          standard::ParseTimestampWithGetTime(*ts, p.timestamp_format));
  }

  // 5. Signature over the received raw values.
  (void)standard::SigningString(p, form, kSecret);
  const std::string* sign = standard::FormValue(form, p.Param("sign"));
  (void)t.codec.Verify(form, sign ? std::string_view(*sign) : std::string_view());

  // 7. data: JSON object, decrypted fields, schema. Parsed and changed in place as the
  // pipeline does (a copy of deeply nested JSON is a recursion the pipeline never makes).
  const std::string* raw = standard::FormValue(form, p.Param("data"));
  json data = json::parse(raw ? *raw : std::string("{}"), nullptr, false);
  if (data.is_discarded() || !data.is_object()) return;
  (void)standard::TransformEncrypted(*method.data_schema, data,
                                     [&](const std::string& v) { return t.codec.DecryptField(v); });
  for (const auto& v : standard::ValidateData(*method.data_schema, data, now)) {
    (void)standard::ViolationMessage(p, v);
  }
}

}  // namespace
}  // namespace liantiao::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  using namespace liantiao::fuzz;
  if (size == 0) return 0;
  const Target& t = Targets()[ProfileIndex(bytes[0])];
  const auto& method = *t.methods[MethodIndex(bytes[0], t.methods.size())];
  Run(t, method, std::string_view(reinterpret_cast<const char*>(bytes + 1), size - 1));
  return 0;
}
