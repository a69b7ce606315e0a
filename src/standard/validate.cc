#include "standard/validate.h"

#include <chrono>
#include <regex>
#include <unordered_map>

#include "crypto/crypto.h"
#include "domain/credit_code.h"

namespace liantiao::standard {

namespace {

// std::regex compiles slowly; the profiles hold a few dozen patterns, compiled once
// per thread (std::regex objects are not safe to share while matching).
const std::regex& CachedRegex(const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    std::regex re;
    try {
      re = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      re = std::regex("$^");  // a broken pattern matches nothing, so it is noticed
    }
    it = cache.emplace(pattern, std::move(re)).first;
  }
  return it->second;
}

std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool RealDate(int y, int m, int d) {
  return std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                                     std::chrono::day(static_cast<unsigned>(d))).ok();
}

// yyyy-MM-dd
bool IsDate(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && AllDigits(s.substr(0, 4)) &&
         AllDigits(s.substr(5, 2)) && AllDigits(s.substr(8, 2)) &&
         RealDate(Num(s.substr(0, 4)), Num(s.substr(5, 2)), Num(s.substr(8, 2)));
}
// yyyy-MM-dd HH:mm:ss
bool IsDateTime(std::string_view s) {
  return s.size() == 19 && IsDate(s.substr(0, 10)) && s[10] == ' ' && s[13] == ':' && s[16] == ':' &&
         AllDigits(s.substr(11, 2)) && AllDigits(s.substr(14, 2)) && AllDigits(s.substr(17, 2)) &&
         Num(s.substr(11, 2)) < 24 && Num(s.substr(14, 2)) < 60 && Num(s.substr(17, 2)) < 60;
}
// yyyy-MM
bool IsMonth(std::string_view s) {
  return s.size() == 7 && s[4] == '-' && AllDigits(s.substr(0, 4)) && AllDigits(s.substr(5, 2)) &&
         Num(s.substr(5, 2)) >= 1 && Num(s.substr(5, 2)) <= 12;
}

std::string TypeOf(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

bool TypeMatches(const json& types, const json& v) {
  const std::string actual = TypeOf(v);
  auto one = [&](const std::string& t) { return t == actual || (t == "number" && actual == "integer"); };
  if (types.is_string()) return one(types.get<std::string>());
  if (types.is_array()) {
    for (const auto& t : types) {
      if (t.is_string() && one(t.get<std::string>())) return true;
    }
  }
  return false;
}

// The scalar as the dictionaries and patterns see it: numbers as their JSON text
// (8000.123 and 1e+20 as written, so a decimal(16,2) pattern refuses them).
std::optional<std::string> ScalarText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return std::nullopt;
}

// Sniffs an image from its first bytes.
std::string ImageType(std::string_view bytes) {
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
      static_cast<unsigned char>(bytes[1]) == 0xD8 && static_cast<unsigned char>(bytes[2]) == 0xFF) {
    return "jpg";
  }
  if (bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "png";
  if (bytes.size() >= 2 && bytes.substr(0, 2) == "BM") return "bmp";
  if (bytes.size() >= 6 && bytes.substr(0, 3) == "GIF") return "gif";
  return "";
}

class Validator {
 public:
  Validator(const Profile& profile, const CivilNow& now) : profile_(profile), now_(now) {}

  void Check(const json& schema, const json& value, const std::string& path, const json* parent) {
    if (!schema.is_object()) return;
    if (schema.contains("type") && !TypeMatches(schema["type"], value)) {
      Add("type", path, {{"value", Short(value)}});
      return;
    }
    if (value.is_object()) CheckObject(schema, value, path);
    if (value.is_array()) CheckArray(schema, value, path);
    if (schema.contains("enum") && schema["enum"].is_array()) {
      const auto& e = schema["enum"];
      if (std::find(e.begin(), e.end(), value) == e.end()) Add("enum", path, {{"value", Short(value)}});
    }
    if (value.is_number()) {
      const double d = value.get<double>();
      if (schema.contains("minimum") && d < schema["minimum"].get<double>()) Add("minimum", path, {});
      if (schema.contains("maximum") && d > schema["maximum"].get<double>()) Add("maximum", path, {});
    }
    const auto text = ScalarText(value);
    if (!text) return;
    if (schema.contains("x-dict")) {
      const std::string dict = schema["x-dict"].get<std::string>();
      if (!profile_.InDictionary(dict, *text)) {
        Add("dict", path, {{"dict", profile_.DictionaryTitle(dict)}, {"value", *text}});
        return;
      }
    }
    if (!value.is_string()) {
      // A number where the schema also takes text (amounts, hours) is held to the same
      // pattern as its text would be.
      if (schema.contains("pattern") && !std::regex_search(*text, CachedRegex(schema["pattern"].get<std::string>()))) {
        Add("pattern", path, {});
      }
      return;
    }
    const std::string& s = value.get_ref<const std::string&>();
    if (schema.contains("minLength") && Utf8Length(s) < schema["minLength"].get<std::size_t>()) {
      Add(s.empty() ? "required" : "min_length", path, {});
      return;
    }
    if (schema.contains("maxLength") && Utf8Length(s) > schema["maxLength"].get<std::size_t>()) {
      Add("max_length", path, {{"max", schema["maxLength"].dump()}});
      return;
    }
    if (schema.contains("pattern") && !std::regex_search(s, CachedRegex(schema["pattern"].get<std::string>()))) {
      Add("pattern", path, {});
      return;
    }
    if (schema.contains("x-format")) {
      const std::string f = schema["x-format"].get<std::string>();
      const bool ok = f == "date"               ? IsDate(s)
                      : f == "datetime"         ? IsDateTime(s)
                      : f == "month"            ? IsMonth(s)
                      : f == "date_or_datetime" ? IsDate(s) || IsDateTime(s)
                                                : true;
      if (!ok) {
        Add("format_" + f, path, {{"value", s}});
        return;
      }
      if (schema.value("x-not-future", false)) {
        const std::string& limit = f == "month" ? now_.month : IsDate(s) ? now_.today : now_.now;
        if (s > limit) {
          Add("not_future", path, {{"value", s}});
          return;
        }
      }
    }
    if (schema.contains("x-check")) {
      const std::string check = schema["x-check"].get<std::string>();
      if (check == "id_number") {
        const std::string type_field = schema.value("x-type-field", "idCardType");
        std::string type = "01";
        if (parent && parent->contains(type_field)) type = ScalarText((*parent)[type_field]).value_or("01");
        const bool ok = type == "01" ? IsValidIdNumber(s, now_.today) : !s.empty() && Utf8Length(s) <= 30;
        if (!ok) Add("id_number", path, {});
      } else if (check == "credit_code") {
        if (!domain::CheckCreditCode(s).ok()) Add("credit_code", path, {{"value", s}});
      }
    }
    if (schema.contains("x-image")) CheckImage(schema["x-image"], s, path);
  }

  std::vector<Violation> Take() { return std::move(violations_); }

 private:
  void CheckObject(const json& schema, const json& value, const std::string& path) {
    if (schema.contains("required")) {
      for (const auto& r : schema["required"]) {
        const std::string key = r.get<std::string>();
        auto it = value.find(key);
        if (it == value.end() || it->is_null() || (it->is_string() && it->get_ref<const std::string&>().empty())) {
          Add("required", path + "[" + key + "]", {});
        }
      }
    }
    // A reference into the profile: json::value would copy the whole subtree per object.
    static const json kNone = json::object();
    const auto found = schema.find("properties");
    const json& props = found != schema.end() && found->is_object() ? *found : kNone;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it->is_null()) continue;
      if (auto prop = props.find(it.key()); prop != props.end()) {
        Check(*prop, it.value(), path + "[" + it.key() + "]", &value);
      } else if (schema.contains("additionalProperties") && schema["additionalProperties"] == false) {
        Add("unknown_field", path + "[" + it.key() + "]", {});
      }
    }
    for (auto it = props.begin(); it != props.end(); ++it) CheckSiblings(it.key(), it.value(), value, path);
  }

  // Rules between members of one object, named on the member they constrain:
  // `x-required-when: {"isBackPay": "1"}` (required while a sibling has that value) and
  // `x-not-before: "startDate"` (a date or date-time not earlier than the sibling's).
  void CheckSiblings(const std::string& key, const json& spec, const json& object, const std::string& path) {
    // Called for every member of every object checked: most have neither rule.
    if (!spec.is_object() || (!spec.contains("x-required-when") && !spec.contains("x-not-before"))) return;
    const auto text_of = [&](const std::string& name) -> std::optional<std::string> {
      auto it = object.find(name);
      return it == object.end() ? std::nullopt : ScalarText(*it);
    };
    const auto own = text_of(key);
    if (spec.contains("x-required-when") && spec["x-required-when"].is_object() && (!own || own->empty())) {
      for (auto& [sibling, expected] : spec["x-required-when"].items()) {
        const auto actual = text_of(sibling);
        if (actual && ScalarText(expected) == actual) {
          Add("required", path + "[" + key + "]", {});
          return;
        }
      }
    }
    if (spec.contains("x-not-before") && spec["x-not-before"].is_string() && own && !own->empty()) {
      const std::string sibling = spec["x-not-before"].get<std::string>();
      // Compared as text: both members already hold to their own date formats, and a
      // date sorts before the date-times of its day.
      const auto earlier = text_of(sibling);
      if (earlier && !earlier->empty() && *own < earlier->substr(0, own->size())) {
        Add("date_order", path + "[" + key + "]", {{"other", "[" + sibling + "]"}});
      }
    }
  }

  void CheckArray(const json& schema, const json& value, const std::string& path) {
    if (schema.contains("minItems") && value.size() < schema["minItems"].get<std::size_t>()) {
      Add("min_items", path, {});
    }
    if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<std::size_t>()) {
      Add("max_items", path, {{"max", schema["maxItems"].dump()}});
    }
    if (!schema.contains("items")) return;
    for (std::size_t i = 0; i < value.size(); ++i) {
      Check(schema["items"], value[i], path + "[" + std::to_string(i) + "]", &value);
    }
  }

  void CheckImage(const json& spec, const std::string& s, const std::string& path) {
    std::string_view payload = s;
    if (payload.rfind("data:", 0) == 0) {
      const auto comma = payload.find(',');
      if (comma == std::string_view::npos || payload.substr(0, comma).find(";base64") == std::string_view::npos) {
        Add("image_type", path, {{"types", Types(spec)}});
        return;
      }
      payload.remove_prefix(comma + 1);
    }
    auto bytes = crypto::Base64Decode(payload);
    if (!bytes.ok()) {
      Add("image_type", path, {{"types", Types(spec)}});
      return;
    }
    const std::size_t max = spec.value("max_bytes", std::size_t{51200});
    if (bytes->size() > max) {
      Add("image_size", path, {{"max_kb", std::to_string(max / 1024)}});
      return;
    }
    const std::string type = ImageType(*bytes);
    const auto allowed = spec.value("types", std::vector<std::string>{"jpg", "jpeg", "png"});
    if (type.empty() || std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
      Add("image_type", path, {{"types", Types(spec)}});
    }
  }

  static std::string Types(const json& spec) {
    std::string out;
    for (const auto& t : spec.value("types", std::vector<std::string>{"jpg", "jpeg", "png"})) {
      out += (out.empty() ? "" : ",") + t;
    }
    return out;
  }

  static std::string Short(const json& v) {
    std::string s;
    if (v.is_string()) {
      s = v.get<std::string>();
    } else {
      DumpPrefix(v, s, 40);
    }
    return s.size() > 40 ? s.substr(0, 40) + "…" : s;
  }

  // Appends v as json::dump would, but stops once `out` is longer than `max`. json::dump
  // recurses once per nesting level, so a value nested a few hundred thousand deep (a
  // 1 MB body of "[[[…") overflowed the stack; here every level adds a character first,
  // so the recursion is at most max + 1 deep.
  static void DumpPrefix(const json& v, std::string& out, std::size_t max) {
    if (!v.is_array() && !v.is_object()) {
      out += v.dump();
      return;
    }
    out += v.is_array() ? '[' : '{';
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (out.size() > max) return;
      if (!first) out += ',';
      first = false;
      if (v.is_object()) out += json(it.key()).dump() + ":";
      DumpPrefix(it.value(), out, max);
    }
    out += v.is_array() ? ']' : '}';
  }

  void Add(std::string kind, std::string path, std::map<std::string, std::string> params) {
    violations_.push_back({std::move(kind), std::move(path), std::move(params)});
  }

  const Profile& profile_;
  const CivilNow& now_;
  std::vector<Violation> violations_;
};

void Transform(const json& schema, json& value, const std::string& path, EncryptedFields& out,
               const std::function<Result<std::string>(const std::string&)>& fn) {
  if (out.failed_path || !schema.is_object()) return;
  if (schema.value("x-encrypted", false) && value.is_string()) {
    auto r = fn(value.get<std::string>());
    if (!r.ok()) {
      out.failed_path = path;
      return;
    }
    value = std::move(r).value();
    ++out.count;
    return;
  }
  if (value.is_object() && schema.contains("properties")) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (schema["properties"].contains(it.key())) {
        Transform(schema["properties"][it.key()], it.value(), path + "[" + it.key() + "]", out, fn);
      }
    }
  } else if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      Transform(schema["items"], value[i], path + "[" + std::to_string(i) + "]", out, fn);
    }
  }
}

}  // namespace

CivilNow CivilNow::At(Instant t) {
  const std::string iso = FormatInstant(t);  // 2026-10-10T23:59:59+08:00
  return {iso.substr(0, 10), iso.substr(0, 10) + " " + iso.substr(11, 8), iso.substr(0, 7)};
}

std::vector<Violation> ValidateData(const Profile& profile, const json& schema, const json& data,
                                    const CivilNow& now) {
  Validator v(profile, now);
  v.Check(schema, data, "", nullptr);
  return v.Take();
}

std::string ViolationMessage(const Profile& profile, const Violation& v) {
  auto params = v.params;
  params["path"] = v.path;
  const ErrorEntry& e = profile.Error(v.kind);
  return FillMessage(e.message.empty() ? v.path + "参数值不正确" : e.message, params);
}

EncryptedFields TransformEncrypted(const json& schema, json& data,
                                   const std::function<Result<std::string>(const std::string&)>& transform) {
  EncryptedFields out;
  Transform(schema, data, "", out, transform);
  return out;
}

bool IsValidIdNumber(std::string_view id, std::string_view today) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  if (id.size() != 18 || !AllDigits(id.substr(0, 17))) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id[static_cast<std::size_t>(i)] - '0') * kWeights[i];
  if (kCheck[sum % 11] != id[17]) return false;
  const std::string birth = std::string(id.substr(6, 4)) + "-" + std::string(id.substr(10, 2)) + "-" +
                            std::string(id.substr(12, 2));
  return IsDate(birth) && birth >= "1900-01-01" && birth <= today;
}

std::string MaskNumber(std::string_view value) {
  if (value.size() <= 10) return std::string(value.size(), '*');
  return std::string(value.substr(0, 6)) + std::string(value.size() - 10, '*') +
         std::string(value.substr(value.size() - 4));
}

}  // namespace liantiao::standard
