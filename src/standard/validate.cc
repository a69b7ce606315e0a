#include "standard/validate.h"

#include <chrono>
#include <regex>

#include "crypto/crypto.h"
#include "domain/credit_code.h"

namespace liantiao::standard {

namespace {

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
                                     std::chrono::day(static_cast<unsigned>(d)))
      .ok();
}

// yyyy-MM-dd
bool IsDate(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && AllDigits(s.substr(0, 4)) && AllDigits(s.substr(5, 2)) &&
         AllDigits(s.substr(8, 2)) && RealDate(Num(s.substr(0, 4)), Num(s.substr(5, 2)), Num(s.substr(8, 2)));
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

std::uint8_t TypeBit(const json& v) {
  switch (v.type()) {
    case json::value_t::string:
      return Schema::kString;
    case json::value_t::boolean:
      return Schema::kBoolean;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return Schema::kInteger;
    case json::value_t::number_float:
      return Schema::kNumber;
    case json::value_t::array:
      return Schema::kArray;
    case json::value_t::object:
      return Schema::kObject;
    default:
      return Schema::kNull;
  }
}

bool TypeMatches(std::uint8_t types, const json& v) {
  if (types == 0) return true;
  const std::uint8_t actual = TypeBit(v);
  // An integer is also a number.
  return (types & actual) != 0 || (actual == Schema::kInteger && (types & Schema::kNumber) != 0);
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

// Where the walk is in the data, kept as a stack and written out ("[dataList][0][date]")
// only when a violation names it: most requests have none.
class DataPath {
 public:
  void Push(std::string_view key) { parts_.push_back({key, 0}); }
  void Push(std::size_t index) { parts_.push_back({{}, index}); }
  void Pop() { parts_.pop_back(); }

  // The path, with `member` appended when it is given.
  std::string Render(std::string_view member = {}) const {
    std::string out;
    for (const auto& part : parts_) {
      out += '[';
      if (part.key.data() != nullptr) {
        out += part.key;
      } else {
        out += std::to_string(part.index);
      }
      out += ']';
    }
    if (member.data() != nullptr) (out += '[').append(member) += ']';
    return out;
  }

 private:
  struct Part {
    std::string_view key;  // null for an array index
    std::size_t index;
  };
  std::vector<Part> parts_;
};

class Validator {
 public:
  explicit Validator(const CivilNow& now) : now_(now) {}

  void Check(const Schema& schema, const json& value, const json* parent) {
    const Schema* outer = std::exchange(current_, &schema);
    CheckValue(schema, value, parent);
    current_ = outer;
  }

  std::vector<Violation> Take() { return std::move(violations_); }

 private:
  void CheckValue(const Schema& schema, const json& value, const json* parent) {
    if (!TypeMatches(schema.types, value)) {
      Add("type", {{"value", Short(value)}});
      return;
    }
    if (value.is_object()) CheckObject(schema, value);
    if (value.is_array()) CheckArray(schema, value);
    if (schema.has_enum &&
        std::find(schema.enum_values.begin(), schema.enum_values.end(), value) == schema.enum_values.end()) {
      Add("enum", {{"value", Short(value)}});
    }
    if (value.is_number()) {
      const double d = value.get<double>();
      if (schema.minimum && d < *schema.minimum) Add("minimum", {});
      if (schema.maximum && d > *schema.maximum) Add("maximum", {});
      if (schema.dict || schema.pattern) CheckNumberText(schema, value.dump());
    }
    if (value.is_string()) CheckText(schema, value.get_ref<const std::string&>(), parent);
  }

  // A number where the schema names a dictionary or a pattern is held to them as its
  // JSON text (8000.123 and 1e+20 as written, so a decimal(16,2) pattern refuses them).
  void CheckNumberText(const Schema& schema, const std::string& text) {
    if (schema.dict && !schema.dict->Contains(text)) {
      Add("dict", {{"dict", schema.dict->title}, {"value", text}});
      return;
    }
    if (schema.pattern && !std::regex_search(text, *schema.pattern)) Add("pattern", {});
  }

  void CheckText(const Schema& schema, const std::string& s, const json* parent) {
    if (schema.dict && !schema.dict->Contains(s)) {
      Add("dict", {{"dict", schema.dict->title}, {"value", s}});
      return;
    }
    if (schema.min_length && Utf8Length(s) < *schema.min_length) {
      Add(s.empty() ? "required" : "min_length", {});
      return;
    }
    if (schema.max_length && Utf8Length(s) > *schema.max_length) {
      Add("max_length", {{"max", std::to_string(*schema.max_length)}});
      return;
    }
    if (schema.pattern && !std::regex_search(s, *schema.pattern)) {
      Add("pattern", {});
      return;
    }
    if (schema.format != TextFormat::kNone) {
      const bool ok = schema.format == TextFormat::kDate       ? IsDate(s)
                      : schema.format == TextFormat::kDateTime ? IsDateTime(s)
                      : schema.format == TextFormat::kMonth    ? IsMonth(s)
                                                               : IsDate(s) || IsDateTime(s);
      if (!ok) {
        Add("format_" + schema.format_name, {{"value", s}});
        return;
      }
      if (schema.not_future) {
        const std::string& limit = schema.format == TextFormat::kMonth ? now_.month : IsDate(s) ? now_.today : now_.now;
        if (s > limit) {
          Add("not_future", {{"value", s}});
          return;
        }
      }
    }
    if (schema.check == TextCheck::kIdNumber) {
      std::string type = "01";
      if (parent) {
        if (auto t = parent->find(schema.type_field); t != parent->end()) type = ScalarText(*t).value_or("01");
      }
      const bool ok = type == "01" ? IsValidIdNumber(s, now_.today) : !s.empty() && Utf8Length(s) <= 30;
      if (!ok) Add("id_number", {});
    } else if (schema.check == TextCheck::kCreditCode) {
      if (const auto check = domain::CheckCreditCode(s); !check.ok()) {
        Add("credit_code", {{"value", s}});
        if (check.well_formed) violations_.back().notable = "credit_code_checksum";
      }
    }
    if (schema.image) CheckImage(*schema.image, s);
  }

  void CheckObject(const Schema& schema, const json& value) {
    for (const auto& key : schema.required) {
      auto it = value.find(key);
      if (it == value.end() || it->is_null() || (it->is_string() && it->get_ref<const std::string&>().empty())) {
        AddAt(key, "required", {});
      }
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it->is_null()) continue;
      if (const Schema* member = schema.Property(it.key())) {
        path_.Push(it.key());
        Check(*member, it.value(), &value);
        path_.Pop();
      } else if (schema.closed) {
        AddAt(it.key(), "unknown_field", {});
      }
    }
    for (std::size_t i : schema.sibling_rules) {
      CheckSiblings(schema.property_names[i], schema.properties[i], value);
    }
  }

  // Rules between members of one object, named on the member they constrain:
  // `x-required-when: {"isBackPay": "1"}` (required while a sibling has that value) and
  // `x-not-before: "startDate"` (a date or date-time not earlier than the sibling's).
  void CheckSiblings(const std::string& key, const Schema& spec, const json& object) {
    const auto text_of = [&](const std::string& name) -> std::optional<std::string> {
      auto it = object.find(name);
      return it == object.end() ? std::nullopt : ScalarText(*it);
    };
    const auto own = text_of(key);
    if (!own || own->empty()) {
      for (const auto& [sibling, expected] : spec.required_when) {
        const auto actual = text_of(sibling);
        if (actual && *actual == expected) {
          AddAt(key, "required", {});
          return;
        }
      }
    }
    if (!spec.not_before.empty() && own && !own->empty()) {
      // Compared as text: both members already hold to their own date formats, and a
      // date sorts before the date-times of its day.
      const auto earlier = text_of(spec.not_before);
      if (earlier && !earlier->empty() && *own < earlier->substr(0, own->size())) {
        AddAt(key, "date_order", {{"other", "[" + spec.not_before + "]"}});
      }
    }
  }

  void CheckArray(const Schema& schema, const json& value) {
    if (schema.min_items && value.size() < *schema.min_items) Add("min_items", {});
    if (schema.max_items && value.size() > *schema.max_items) {
      Add("max_items", {{"max", std::to_string(*schema.max_items)}});
    }
    if (!schema.items) return;
    for (std::size_t i = 0; i < value.size(); ++i) {
      path_.Push(i);
      Check(*schema.items, value[i], &value);
      path_.Pop();
    }
  }

  void CheckImage(const ImageRule& rule, const std::string& s) {
    std::string_view payload = s;
    if (payload.rfind("data:", 0) == 0) {
      const auto comma = payload.find(',');
      if (comma == std::string_view::npos || payload.substr(0, comma).find(";base64") == std::string_view::npos) {
        Add("image_type", {{"types", rule.types_text}});
        return;
      }
      payload.remove_prefix(comma + 1);
    }
    auto bytes = crypto::Base64Decode(payload);
    if (!bytes.ok()) {
      Add("image_type", {{"types", rule.types_text}});
      return;
    }
    if (bytes->size() > rule.max_bytes) {
      Add("image_size", {{"max_kb", std::to_string(rule.max_bytes / 1024)}});
      return;
    }
    const std::string type = ImageType(*bytes);
    if (type.empty() || std::find(rule.types.begin(), rule.types.end(), type) == rule.types.end()) {
      Add("image_type", {{"types", rule.types_text}});
    }
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

  // A violation at the current place, or at its member `member`.
  // A violation of the field being checked: worded as its x-messages say, if they do.
  void Add(std::string kind, std::map<std::string, std::string> params) {
    std::string message;
    if (current_) {
      if (auto m = current_->messages.find(kind); m != current_->messages.end()) message = m->second;
    }
    violations_.push_back({std::move(kind), path_.Render({}), std::move(params), std::move(message)});
  }
  void AddAt(std::string_view member, std::string kind, std::map<std::string, std::string> params) {
    violations_.push_back({std::move(kind), path_.Render(member), std::move(params), {}});
  }

  const CivilNow& now_;
  DataPath path_;
  std::vector<Violation> violations_;
  const Schema* current_ = nullptr;  // the schema of the value Check is at
};

void Transform(const Schema& schema, json& value, DataPath& path, EncryptedFields& out,
               const std::function<Result<std::string>(const std::string&)>& fn) {
  if (out.failed_path) return;
  // A number in an encrypted field is its decimal text: encrypted as such, and, where
  // ciphertext is expected, never valid ciphertext.
  if (schema.encrypted && (value.is_number_integer() || value.is_number_unsigned())) value = value.dump();
  if (schema.encrypted && value.is_string()) {
    auto r = fn(value.get_ref<const std::string&>());
    if (!r.ok()) {
      out.failed_path = path.Render();
      return;
    }
    value = std::move(r).value();
    ++out.count;
    return;
  }
  if (value.is_object() && !schema.properties.empty()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (const Schema* member = schema.Property(it.key())) {
        path.Push(it.key());
        Transform(*member, it.value(), path, out, fn);
        path.Pop();
      }
    }
  } else if (value.is_array() && schema.items) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      path.Push(i);
      Transform(*schema.items, value[i], path, out, fn);
      path.Pop();
    }
  }
}

}  // namespace

CivilNow CivilNow::At(Instant t) {
  const std::string iso = FormatInstant(t);  // 2026-10-10T23:59:59+08:00
  return {iso.substr(0, 10), iso.substr(0, 10) + " " + iso.substr(11, 8), iso.substr(0, 7)};
}

std::vector<Violation> ValidateData(const Schema& schema, const json& data, const CivilNow& now) {
  Validator v(now);
  v.Check(schema, data, nullptr);
  return v.Take();
}

std::string ViolationMessage(const Profile& profile, const Violation& v) {
  auto params = v.params;
  params["path"] = v.path;
  const ErrorEntry& e = profile.Error(v.kind);
  if (!v.message.empty()) return FillMessage(v.message, params);
  return FillMessage(e.message.empty() ? v.path + "参数值不正确" : e.message, params);
}

EncryptedFields TransformEncrypted(const Schema& schema, json& data,
                                   const std::function<Result<std::string>(const std::string&)>& transform) {
  EncryptedFields out;
  DataPath path;
  Transform(schema, data, path, out, transform);
  return out;
}

bool IsValidIdNumber(std::string_view id, std::string_view today) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  if (id.size() != 18 || !AllDigits(id.substr(0, 17))) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id[static_cast<std::size_t>(i)] - '0') * kWeights[i];
  if (kCheck[sum % 11] != id[17]) return false;
  const std::string birth =
      std::string(id.substr(6, 4)) + "-" + std::string(id.substr(10, 2)) + "-" + std::string(id.substr(12, 2));
  // A real day after 1900-01-01 and before today (reference/interface-research.md 5.1).
  return IsDate(birth) && birth > "1900-01-01" && birth < today;
}

std::string MaskNumber(std::string_view value) {
  if (value.size() <= 10) return std::string(value.size(), '*');
  return std::string(value.substr(0, 6)) + std::string(value.size() - 10, '*') +
         std::string(value.substr(value.size() - 4));
}

std::string MaskPhone(std::string_view value) {
  if (value.size() < 8) return std::string(value.size(), '*');
  return std::string(value.substr(0, 3)) + std::string(value.size() - 7, '*') +
         std::string(value.substr(value.size() - 4));
}

}  // namespace liantiao::standard
