#pragma once

// Shared between the sandbox's pipeline (sandbox_pipeline.cc), its effects on the
// per-key store (sandbox_effects.cc) and its views (sandbox_views.cc). Not part of
// the services interface.

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include <soci/soci.h>

#include "services/deps.h"
#include "services/sandbox_service.h"
#include "standard/profile.h"
#include "standard/validate.h"
#include "standard/wire.h"

namespace liantiao::services::sandbox {

// Why a request was not accepted: a catalogue key of the profile, the JSON path
// and the values that fill its message.
struct Refusal {
  std::string error;
  std::string path;
  std::map<std::string, std::string> params;
  std::string message;  // the field's own wording (a schema's x-messages), else the catalogue's
};

struct KeyRow {
  long long id = 0;
  long long application_id = 0;
  std::string city_code, profile, app_key;
  std::string secret;
  Instant issued_at, expires_at;
  bool revoked = false;
  // The test project and contractor the key was provisioned with: worked out once per
  // key read, not once per request in the write transaction.
  SandboxIdentity identity;
};

// Objects of the keys' stores known to exist: the rules' "is this worker registered",
// "does this team exist" answered without a query. Objects are never changed or
// deleted, so a fact once true stays true, in this process and in any other; a fact is
// added only after the transaction that read or wrote it committed (SandboxService's
// answer step), never from inside one that could still roll back.
class KnownObjects {
 public:
  // "key_id|kind|natural_key", or "key_id|kind|#id" for an object by its id.
  static std::string Fact(long long key_id, std::string_view kind, std::string_view natural_key);
  static std::string FactById(long long key_id, std::string_view kind, long long id);
  bool Contains(const std::string& fact) const;
  void Add(const std::vector<std::string>& facts);

 private:
  // Bounded by what the keys' traffic stored; still, a cache must not grow without end.
  static constexpr std::size_t kMaxFacts = 200000;
  mutable std::shared_mutex mu_;
  std::unordered_set<std::string> facts_;
};

// The facts of one authenticated, decoded request that the effects work on.
struct Context {
  const standard::Profile& profile;
  const standard::MethodSpec& method;
  const KeyRow& key;
  const standard::KeyCodec& codec;
  const json& data;  // decrypted; the request's own, not a copy
  Instant now;
  std::string today;  // yyyy-MM-dd in Beijing time
  bool delay_async = false;
  const KnownObjects* known = nullptr;
  // Facts the effect found or stored, for `known` once the transaction committed.
  std::vector<std::string>* observed = nullptr;
};

// What an effect did. A sync refusal leaves the store unchanged; an asynchronous
// failure is accepted now and reported through AsyncHandleResult.Query.
struct EffectResult {
  std::optional<Refusal> refusal;        // answered at once
  std::optional<Refusal> async_failure;  // accepted; the async result is "failed"
  json answer_data;                      // `data` of the answer (sync methods, queries)
  json async_result;                     // `result` of the async answer on success
  // A fetched async result as the evidence keeps it, when that is not answer_data's
  // `result` with ID-like numbers masked (sandbox_async.masked_result).
  std::string evidence_result;
  std::vector<std::string> tags;
};

class Statements;  // sandbox_statements.h

// `statements` are those of the connection `sql` (storage::Database::Local).
EffectResult RunEffect(soci::session& sql, Statements& statements, Context& ctx);

// The requestSerialCode of the asynchronous result numbered `id`, written at `at`:
// "team-add-2026112410-1-0262" (method prefix, hour in Beijing time, sequence).
std::string SerialCode(const std::string& prefix, Instant at, long long id);
// The sequence number a serial ends in; nullopt when it ends in no number.
std::optional<long long> SerialNumber(std::string_view serial);

std::string MaskText(std::string text);  // ID-like, bank card and mobile numbers in free text
// `text` with each of `values` (the request's encrypted values: ID, passport and bank
// card numbers, which a message may repeat) masked as its field is in the kept
// request, then MaskText.
std::string MaskPersonal(std::string text, const std::vector<std::string>& values);
std::string Dump(const json& value);  // JSON text; invalid UTF-8 replaced, never thrown

}  // namespace liantiao::services::sandbox
