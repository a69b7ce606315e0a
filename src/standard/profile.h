#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "standard/schema.h"

// An interface-standard profile (docs/profiles.md): transport, signature, cipher,
// methods with the JSON Schema of their data, dictionaries, the error catalogue and
// the conformance cases, all read from data files.
namespace liantiao::standard {

using json = nlohmann::json;

struct SignatureSpec {
  std::string algorithm = "sha256";  // sha256, md5, sm3
  std::string pair_separator = "&";
  std::string kv_separator = "=";
  std::string secret_prefix;  // text put before the sorted pairs, {secret} replaced
  std::string secret_suffix = "&appsecret={secret}";
  // The parameters signed, when present; empty: every parameter but the sign. A listed
  // set lets a server ignore what a client sends beyond the standard (an `appsecret`).
  std::vector<std::string> fields;
  bool lowercase_input = true;
  bool upper_output = false;
};

struct CipherSpec {
  std::string algorithm = "aes-256-cbc";
  std::string key = "secret";           // secret, secret_prefix_8, secret_prefix_16
  std::string iv = "secret_prefix_16";  // secret_prefix_16, zero, none
  std::string encoding = "base64";      // base64, hex
  std::string prefix;                   // e.g. "des:"
};

struct ErrorEntry {
  std::string code;
  std::string message;  // may hold {path}, {param}, {max_kb}, {types}, {dict}, {value}, {method}
  bool async = false;   // reported through the asynchronous result
};

// A query's filter (the method file's `filters`): when the request sends `param`, only
// the stored rows whose `field` equals it are answered; with `prefix`, those whose
// field starts with it (a day naming the records of that day's date-times).
struct QueryFilter {
  std::string param, field;
  bool prefix = false;
};

struct MethodSpec {
  std::string name, title, clause;
  bool async = false;
  std::string serial_prefix;
  std::string effect;
  std::vector<std::string> rules;
  std::vector<QueryFilter> filters;
  // Values this method's requests may give a fixed parameter (transport.fixed) besides
  // the profile's own, e.g. CheckSign.Query's `version` 1.1 (the method file's
  // `also_accepts`).
  std::map<std::string, std::vector<std::string>> also_accepts;
  // The JSON Schema of `data`, compiled at load (schema.h): what the validator, the
  // field cipher and the evidence walk.
  std::shared_ptr<const Schema> data_schema;
  bool HasRule(std::string_view rule) const;
  bool AlsoAccepts(const std::string& param, const std::string& value) const;
};

struct Condition {
  std::string method, outcome, tag, error;  // empty: any
};

struct ConformanceCase {
  std::string id, title, clause, scenario;
  bool required = false;
  std::vector<Condition> all, none;
  // The case is pending until a request matches one of these (a scenario's effect
  // showing itself, e.g. a result answered "pending"); empty: judged from the start.
  std::vector<Condition> until;
};

struct Example {
  std::string method;
  std::string name;  // file name without .json
  json body;         // {description, given, data, expect}
};

// The longest nonce window a profile may have: the sandbox keeps the nonces of the last
// two hours of arrival, filed by hour.
inline constexpr long long kMaxNonceWindowSeconds = 3600;

// What a profile may name in `noted` (standard::Violation::notable).
inline constexpr std::string_view kNotableViolations[] = {"credit_code_checksum"};

struct Profile {
  std::string name, title, version, extends;
  // transport
  std::string style = "single_endpoint";  // or per_method
  std::string endpoint_path = "open.api";
  // The form may also come as the query string of a GET (transport.http_methods).
  bool accepts_get = false;
  // How the parameters travel (transport.encoding): "form", every one of them in an
  // application/x-www-form-urlencoded body; or "json", the body is the business data
  // itself (application/json), carried as the parameter of the `data` role, and the
  // other parameters are the URL's query string (Meizhou's 数据对接标准, research §3.2).
  std::string encoding = "form";
  bool JsonBody() const { return encoding == "json"; }
  std::size_t max_body_bytes = 1 << 20;
  // role (app_id, method, …) → field name; a role mapped to "" is not sent (a standard
  // without a nonce)
  std::map<std::string, std::string, std::less<>> params;
  std::vector<std::string> required_params;
  std::map<std::string, std::string> fixed_params;
  SignatureSpec signature;
  std::string timestamp_format = "%Y%m%d%H%M%S";
  long long max_skew_seconds = 600;
  long long nonce_window_seconds = 900;
  // How long a key's nonce may not repeat: the standard's window, widened to twice the
  // skew, since a request signed at t is accepted from t - skew to t + skew and a
  // replay must meet the nonce it copies. At most kMaxNonceWindowSeconds (checked on
  // load).
  long long NonceWindowSeconds() const { return std::max(nonce_window_seconds, 2 * max_skew_seconds); }
  // Longer nonces are refused: clients send 6 to 36 characters (research §2.3), and
  // every nonce is stored for its window.
  std::size_t nonce_max_length = 64;
  CipherSpec cipher;
  // envelope
  std::string code_field = "code", message_field = "message", data_field = "data";
  bool integer_codes = false;
  // async
  std::string serial_field = "requestSerialCode";
  std::string async_query_method = "AsyncHandleResult.Query";
  int status_pending = 0, status_failed = 10, status_succeeded = 20;
  bool async_enabled = true;  // false: every method is answered at once
  std::map<std::string, ErrorEntry> errors;
  // Violations the sandbox accepts and notes in the evidence (a `noted:` tag) instead of
  // refusing, each one of kNotableViolations (profile.json `noted`).
  std::set<std::string, std::less<>> noted;
  DictionaryIndex dictionaries;  // by name (dictionaries.json and dictionaries/*.json)
  std::map<std::string, MethodSpec> methods;
  // Every property name some method's schema marks `x-encrypted`: the fields the
  // standard sends encrypted, in requests and in query answers alike.
  std::set<std::string, std::less<>> cipher_fields;
  // Every property name some method's schema checks as an image (`x-image`): what the
  // sandbox's store keeps as a size rather than the photograph.
  std::set<std::string, std::less<>> image_fields;
  std::vector<ConformanceCase> cases;
  std::vector<Example> examples;

  const MethodSpec* FindMethod(std::string_view method) const;
  // The catalogue entry for a failure key; a profile without one falls back to the
  // generic "-1"/"9999" entry so an answer is always well-formed.
  const ErrorEntry& Error(std::string_view key) const;
  // The field name of a common parameter ("app_id" → "appid").
  const std::string& Param(std::string_view role) const;
  // The dictionary's Chinese title, or its name.
  std::string DictionaryTitle(std::string_view name) const;
  // Whether `code` is in the dictionary: one of its codes, or for a dictionary with
  // "match": "prefix", a value that starts with one of them.
  bool InDictionary(std::string_view name, std::string_view code) const;
};

// The text of every file of one profile folder: relative path → contents.
using ProfileFiles = std::map<std::string, std::string>;

class ProfileSet {
 public:
  // Builds every profile from the folders' files, resolving `extends`. A broken file
  // fails the whole set with a message naming the profile and file: a city must
  // never be served by half a standard.
  static Result<ProfileSet> Build(const std::map<std::string, ProfileFiles>& folders);
  // Reads spec/profiles-style folders from disk (the only I/O of this layer).
  static Result<ProfileSet> LoadDirectory(const std::string& dir);

  const Profile* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::shared_ptr<const Profile>, std::less<>> profiles_;
};

// What a person choosing a city's standard needs to know of each loaded profile:
// name, title, version, what it extends, its signature and cipher, and how many
// methods and conformance cases it has. Sorted by name.
json DescribeProfiles(const ProfileSet& set);

// Fills a message template: {name} → value.
std::string FillMessage(std::string text, const std::map<std::string, std::string>& values);

}  // namespace liantiao::standard
