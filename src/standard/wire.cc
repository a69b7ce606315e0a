#include "standard/wire.h"

#include <algorithm>
#include <cctype>

#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "crypto/crypto.h"

namespace liantiao::standard {

namespace {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool IsValidUtf8(std::string_view s) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

// A-Z only, as the C locale's tolower, without its call per character: the whole
// signing string of every request passes through here.
void LowerAscii(std::string& s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c - 'A') < 26) c = static_cast<char>(c + ('a' - 'A'));
  }
}

// Full Unicode lower-casing in the root locale, which is what Java's
// String.toLowerCase(Locale.ROOT) gives; a table of our own would fall behind Unicode.
void LowerUnicode(std::string& s) {
  if (IsAscii(s) || !IsValidUtf8(s)) {
    LowerAscii(s);
    return;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.toLower(icu::Locale::getRoot());
  s.clear();
  u.toUTF8String(s);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      const int hi = i + 1 < s.size() ? HexDigit(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? HexDigit(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return MakeError(ErrorCode::kInvalidField, "表单编码无效");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void Escape(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

std::string SecretPart(std::string_view secret, std::string_view how) {
  if (how == "secret_prefix_8") return std::string(secret.substr(0, 8));
  if (how == "secret_prefix_16") return std::string(secret.substr(0, 16));
  if (how == "zero") return std::string(16, '\0');
  if (how == "none") return {};
  return std::string(secret);
}

}  // namespace

Result<Form> ParseForm(std::string_view body) {
  Form form;
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t amp = std::min(body.find('&', start), body.size());
    const std::string_view pair = body.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    LT_ASSIGN_OR_RETURN(std::string name, Unescape(pair.substr(0, eq)));
    if (name.empty()) return MakeError(ErrorCode::kInvalidField, "表单字段名为空");
    std::string value;
    if (eq != std::string_view::npos) {
      LT_ASSIGN_OR_RETURN(value, Unescape(pair.substr(eq + 1)));
    }
    if (FormValue(form, name)) continue;
    if (form.size() == kMaxFormFields) {
      return MakeError(ErrorCode::kInvalidField, "表单字段过多（最多 " + std::to_string(kMaxFormFields) + " 个）");
    }
    form.emplace_back(std::move(name), std::move(value));
  }
  return form;
}

std::string EncodeForm(const Form& form) {
  std::string out;
  for (const auto& [name, value] : form) {
    if (!out.empty()) out += '&';
    Escape(out, name);
    out += '=';
    Escape(out, value);
  }
  return out;
}

WireRequest ToWire(const Profile& profile, const Form& form) {
  if (!profile.JsonBody()) return {"", "application/x-www-form-urlencoded; charset=UTF-8", EncodeForm(form)};
  WireRequest wire{"", "application/json; charset=UTF-8", ""};
  const std::string& body_name = profile.Param("data");
  Form query;
  for (const auto& field : form) {
    if (field.first == body_name) {
      wire.body = field.second;
    } else {
      query.push_back(field);
    }
  }
  wire.query = EncodeForm(query);
  return wire;
}

Result<Form> FromWire(const Profile& profile, std::string_view query, std::string_view body) {
  if (!profile.JsonBody()) return ParseForm(body);
  LT_ASSIGN_OR_RETURN(Form form, ParseForm(query));
  const std::string& body_name = profile.Param("data");
  // The body is the parameter of that name: one in the query string too would leave
  // what was signed to a guess.
  if (FormValue(form, body_name)) {
    return MakeError(ErrorCode::kInvalidField, "查询参数 " + body_name + " 与请求体重名");
  }
  form.emplace_back(body_name, std::string(body));
  return form;
}

const std::string* FormValue(const Form& form, std::string_view name) {
  for (const auto& [k, v] : form) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string SigningString(const Profile& profile, const Form& form, std::string_view secret, LowerCase lower) {
  std::vector<const std::pair<std::string, std::string>*> fields;
  const std::string& sign_name = profile.Param("sign");
  const std::vector<std::string>& listed = profile.signature.fields;
  for (const auto& f : form) {
    if (f.first == sign_name) continue;
    if (!listed.empty() && std::find(listed.begin(), listed.end(), f.first) == listed.end()) continue;
    fields.push_back(&f);
  }
  std::sort(fields.begin(), fields.end(), [](auto* a, auto* b) { return a->first < b->first; });
  const SignatureSpec& s = profile.signature;
  std::string out =
      s.secret_prefix.empty() ? std::string() : FillMessage(s.secret_prefix, {{"secret", std::string(secret)}});
  const std::size_t pairs_start = out.size();
  for (const auto* f : fields) {
    if (out.size() > pairs_start) out += s.pair_separator;
    out += f->first;
    out += s.kv_separator;
    out += f->second;
  }
  out += FillMessage(s.secret_suffix, {{"secret", std::string(secret)}});
  if (s.lowercase_input) {
    if (lower == LowerCase::kUnicode) {
      LowerUnicode(out);
    } else {
      LowerAscii(out);
    }
  }
  return out;
}

Result<KeyCodec> KeyCodec::Make(const Profile& profile, std::string secret) {
  LT_ASSIGN_OR_RETURN(auto digest, crypto::ParseDigestAlgorithm(profile.signature.algorithm));
  const CipherSpec& c = profile.cipher;
  if (secret.size() < 16) return MakeError(ErrorCode::kInvalidField, "密钥长度不足");
  LT_ASSIGN_OR_RETURN(auto cipher,
                      crypto::FieldCipher::Make(c.algorithm, SecretPart(secret, c.key), SecretPart(secret, c.iv)));
  return KeyCodec(profile, std::move(secret), digest, std::move(cipher));
}

std::string KeyCodec::Sign(const Form& form, LowerCase lower) const {
  std::string hex = crypto::DigestHex(digest_, SigningString(*profile_, form, secret_, lower));
  if (profile_->signature.upper_output) {
    std::transform(hex.begin(), hex.end(), hex.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  }
  return hex;
}

bool KeyCodec::Verify(const Form& form, std::string_view sign) const {
  if (crypto::ConstantTimeEquals(Sign(form), sign)) return true;
  // The ASCII-only lower-casing differs only where a signed value has a non-ASCII
  // letter with a lower case; anywhere else it would hash the same string again.
  if (!profile_->signature.lowercase_input) return false;
  const bool all_ascii = std::all_of(form.begin(), form.end(), [](const auto& f) { return IsAscii(f.second); });
  return !all_ascii && crypto::ConstantTimeEquals(Sign(form, LowerCase::kAscii), sign);
}

std::string KeyCodec::EncryptField(std::string_view plaintext) const {
  const std::string raw = cipher_.Encrypt(plaintext);
  const CipherSpec& c = profile_->cipher;
  return c.prefix + (c.encoding == "hex" ? crypto::HexEncode(raw) : crypto::Base64Encode(raw));
}

Result<std::string> KeyCodec::DecryptField(std::string_view text) const {
  const CipherSpec& c = profile_->cipher;
  if (!c.prefix.empty()) {
    if (text.rfind(c.prefix, 0) != 0) return MakeError(ErrorCode::kInvalidField, "密文缺少前缀");
    text.remove_prefix(c.prefix.size());
  }
  LT_ASSIGN_OR_RETURN(std::string raw, c.encoding == "hex" ? crypto::HexDecode(text) : crypto::Base64Decode(text));
  return cipher_.Decrypt(raw);
}

}  // namespace liantiao::standard
