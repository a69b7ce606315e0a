#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "crypto/interface_crypto.h"
#include "standard/profile.h"

// The request as it travels: a form of string fields, signed and with sensitive
// fields encrypted as the profile says. Shared by the sandbox (verifying) and the
// device simulator (signing), so both sides are the same code reading the same data.
namespace liantiao::standard {

using Form = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded. A bad %-escape, an empty name or more than
// kMaxFormFields distinct names → kInvalidField. Repeated names keep the first value (as
// the reference servers do).
// A request of the standard has about ten parameters; the bound keeps the lookups of
// ParseForm and FormValue (a scan, the cheapest for ten) from growing with the body.
inline constexpr std::size_t kMaxFormFields = 64;
Result<Form> ParseForm(std::string_view body);
std::string EncodeForm(const Form& form);
const std::string* FormValue(const Form& form, std::string_view name);

// A request as it goes on the wire, by the profile's transport.encoding: "form", every
// parameter in the form-encoded body (no query); "json", the parameter of the `data`
// role is the body and the others are the query string (form-encoded, without "?").
struct WireRequest {
  std::string query;
  std::string content_type;
  std::string body;
  // Where to send it: `url` with the query appended (after "?", or "&" if it has one).
  std::string Target(std::string url) const {
    if (!query.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + query;
    return url;
  }
};
WireRequest ToWire(const Profile& profile, const Form& form);
// The form a received request carries: the body's ("form"), or the query string's
// parameters and the body under the `data` parameter's name ("json"), which the query
// may not name too. A form that does not parse → kInvalidField.
Result<Form> FromWire(const Profile& profile, std::string_view query, std::string_view body);

// How a signing string is lower-cased: as Java's String.toLowerCase, JavaScript's
// and Python's do (every cased letter: ＡＢＣ, Ä, Д), or as PHP's strtolower (ASCII
// letters only). The reference clients are split between the two.
enum class LowerCase { kUnicode, kAscii };

// The string that is hashed: the signed fields, sorted by name in ASCII order,
// joined as the profile says, the secret suffix appended, optionally lower-cased
// (text that is not valid UTF-8 only in ASCII).
std::string SigningString(const Profile& profile, const Form& form, std::string_view secret,
                          LowerCase lower = LowerCase::kUnicode);

// A profile bound to one key's secret: signs, verifies and (de)crypts fields.
class KeyCodec {
 public:
  // Fails when the secret does not fit the profile's cipher (e.g. too short).
  static Result<KeyCodec> Make(const Profile& profile, std::string secret);

  std::string Sign(const Form& form, LowerCase lower = LowerCase::kUnicode) const;
  // Either way of lower-casing verifies.
  bool Verify(const Form& form, std::string_view sign) const;
  std::string EncryptField(std::string_view plaintext) const;
  // Wrong encoding, prefix or padding → kInvalidField.
  Result<std::string> DecryptField(std::string_view text) const;

 private:
  KeyCodec(const Profile& profile, std::string secret, crypto::DigestAlgorithm digest, crypto::FieldCipher cipher)
      : profile_(&profile), secret_(std::move(secret)), digest_(digest), cipher_(std::move(cipher)) {}
  const Profile* profile_;
  std::string secret_;
  crypto::DigestAlgorithm digest_;
  crypto::FieldCipher cipher_;
};

}  // namespace liantiao::standard
