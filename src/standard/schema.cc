#include "standard/schema.h"

#include <algorithm>
#include <array>

namespace liantiao::standard {

namespace {

// Keywords that only annotate or identify (JSON Schema's own): accepted and ignored, so
// a schema written with an editor's help loads as it is.
constexpr std::array<std::string_view, 8> kAnnotations = {"title",    "description", "examples", "default",
                                                          "$comment", "$schema",     "$id",      "deprecated"};

class Compiler {
 public:
  explicit Compiler(const DictionaryIndex& dictionaries) : dictionaries_(dictionaries) {}

  // Fills `out` from `source`; false with error() set on the first problem.
  bool Node(const json& source, const std::string& where, Schema& out) {
    if (!source.is_object()) return Fail(where, "应为对象");
    for (auto it = source.begin(); it != source.end(); ++it) {
      if (!Keyword(it.key(), it.value(), where, out)) return false;
    }
    if (out.check == TextCheck::kNone && source.contains("x-type-field")) {
      return Fail(where + "/x-type-field", "只用于 x-check: id_number");
    }
    for (std::size_t i = 0; i < out.properties.size(); ++i) {
      const Schema& member = out.properties[i];
      if (!member.required_when.empty() || !member.not_before.empty()) out.sibling_rules.push_back(i);
    }
    return true;
  }

  const std::string& error() const { return error_; }

 private:
  bool Keyword(const std::string& key, const json& v, const std::string& where, Schema& out) {
    const std::string at = where + "/" + key;
    if (key == "type") return Types(v, at, out.types);
    if (key == "enum") {
      if (!v.is_array()) return Fail(at, "应为数组");
      out.has_enum = true;
      out.enum_values.assign(v.begin(), v.end());
      return true;
    }
    if (key == "minimum" || key == "maximum") {
      if (!v.is_number()) return Fail(at, "应为数字");
      (key == "minimum" ? out.minimum : out.maximum) = v.get<double>();
      return true;
    }
    if (key == "minLength") return Count(v, at, out.min_length);
    if (key == "maxLength") return Count(v, at, out.max_length);
    if (key == "minItems") return Count(v, at, out.min_items);
    if (key == "maxItems") return Count(v, at, out.max_items);
    if (key == "pattern") {
      if (!v.is_string()) return Fail(at, "应为字符串");
      try {
        out.pattern = std::make_shared<const std::regex>(v.get<std::string>(), std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        return Fail(at, "不是有效的正则表达式");
      }
      return true;
    }
    if (key == "x-dict") {
      auto d = v.is_string() ? dictionaries_.find(v.get<std::string>()) : dictionaries_.end();
      if (d == dictionaries_.end()) {
        error_ = "schema 引用的字典 " + v.dump() + " 在 dictionaries.json 中不存在";
        return false;
      }
      out.dict = d->second;
      return true;
    }
    if (key == "x-format") {
      static const std::map<std::string, TextFormat, std::less<>> kFormats = {
          {"date", TextFormat::kDate},
          {"datetime", TextFormat::kDateTime},
          {"month", TextFormat::kMonth},
          {"date_or_datetime", TextFormat::kDateOrDateTime}};
      auto f = v.is_string() ? kFormats.find(v.get<std::string>()) : kFormats.end();
      if (f == kFormats.end()) return Fail(at, "只能是 date、datetime、month 或 date_or_datetime");
      out.format = f->second;
      out.format_name = f->first;
      return true;
    }
    if (key == "x-not-future") return Flag(v, at, out.not_future);
    if (key == "x-encrypted") return Flag(v, at, out.encrypted);
    if (key == "x-mask") {
      if (v != "phone") return Fail(at, "只能是 phone");
      out.mask_phone = true;
      return true;
    }
    if (key == "x-check") {
      if (v == "id_number") {
        out.check = TextCheck::kIdNumber;
      } else if (v == "credit_code") {
        out.check = TextCheck::kCreditCode;
      } else {
        return Fail(at, "只能是 id_number 或 credit_code");
      }
      return true;
    }
    if (key == "x-type-field") {
      if (!v.is_string()) return Fail(at, "应为字符串");
      out.type_field = v.get<std::string>();
      return true;
    }
    if (key == "x-image") return Image(v, at, out);
    if (key == "x-messages") {
      if (!v.is_object()) return Fail(at, "应为 {错误键: 提示文字} 对象");
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!it->is_string()) return Fail(at + "/" + it.key(), "应为字符串");
        out.messages.emplace(it.key(), it->get<std::string>());
      }
      return true;
    }
    if (key == "required") {
      if (!v.is_array()) return Fail(at, "应为字段名数组");
      for (const auto& r : v) {
        if (!r.is_string()) return Fail(at, "应为字段名数组");
        out.required.push_back(r.get<std::string>());
      }
      return true;
    }
    if (key == "properties") {
      if (!v.is_object()) return Fail(at, "应为对象");
      // nlohmann::json keeps an object's members sorted by name: the compiled members
      // are in the same order, so a member is found by binary search.
      for (auto it = v.begin(); it != v.end(); ++it) {
        out.property_names.push_back(it.key());
        out.properties.emplace_back();
        if (!Node(it.value(), at + "/" + it.key(), out.properties.back())) return false;
      }
      return true;
    }
    if (key == "additionalProperties") {
      if (!v.is_boolean()) return Fail(at, "只能是 true 或 false");
      out.closed = !v.get<bool>();
      return true;
    }
    if (key == "items") {
      auto items = std::make_shared<Schema>();
      if (!Node(v, at, *items)) return false;
      out.items = std::move(items);
      return true;
    }
    if (key == "x-required-when") {
      if (!v.is_object()) return Fail(at, "应为 {\"字段名\": 取值} 对象");
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!it->is_string() && !it->is_number()) return Fail(at, "取值应为字符串或数字");
        out.required_when.emplace_back(it.key(), it->is_string() ? it->get<std::string>() : it->dump());
      }
      return true;
    }
    if (key == "x-not-before") {
      if (!v.is_string() || v.get<std::string>().empty()) return Fail(at, "应为同级日期字段名");
      out.not_before = v.get<std::string>();
      return true;
    }
    if (std::find(kAnnotations.begin(), kAnnotations.end(), key) != kAnnotations.end()) return true;
    return Fail(at, "不是支持的 schema 关键字（见 docs/profiles.md）");
  }

  bool Types(const json& v, const std::string& at, std::uint8_t& out) {
    static const std::map<std::string, std::uint8_t, std::less<>> kTypes = {
        {"string", Schema::kString},   {"integer", Schema::kInteger}, {"number", Schema::kNumber},
        {"boolean", Schema::kBoolean}, {"array", Schema::kArray},     {"object", Schema::kObject},
        {"null", Schema::kNull}};
    const auto one = [&](const json& t) {
      auto found = t.is_string() ? kTypes.find(t.get<std::string>()) : kTypes.end();
      if (found == kTypes.end()) return false;
      out |= found->second;
      return true;
    };
    if (v.is_array() && !v.empty()) {
      for (const auto& t : v) {
        if (!one(t)) return Fail(at, "只能是 JSON 类型名或其数组");
      }
      return true;
    }
    return one(v) || Fail(at, "只能是 JSON 类型名或其数组");
  }

  bool Count(const json& v, const std::string& at, std::optional<std::size_t>& out) {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<long long>() >= 0)) {
      return Fail(at, "应为非负整数");
    }
    out = v.get<std::size_t>();
    return true;
  }

  bool Flag(const json& v, const std::string& at, bool& out) {
    if (!v.is_boolean()) return Fail(at, "只能是 true 或 false");
    out = v.get<bool>();
    return true;
  }

  bool Image(const json& v, const std::string& at, Schema& out) {
    if (!v.is_object()) return Fail(at, "应为 {\"max_bytes\", \"types\"} 对象");
    ImageRule rule;
    if (auto m = v.find("max_bytes"); m != v.end()) {
      std::optional<std::size_t> max;
      if (!Count(*m, at + "/max_bytes", max)) return false;
      rule.max_bytes = *max;
    }
    if (auto t = v.find("types"); t != v.end()) {
      if (!t->is_array() || t->empty()) return Fail(at + "/types", "应为图片类型数组");
      rule.types.clear();
      for (const auto& type : *t) {
        if (!type.is_string()) return Fail(at + "/types", "应为图片类型数组");
        rule.types.push_back(type.get<std::string>());
      }
    }
    for (const auto& type : rule.types) rule.types_text += (rule.types_text.empty() ? "" : ",") + type;
    out.image = std::move(rule);
    return true;
  }

  bool Fail(const std::string& at, const std::string& what) {
    error_ = "schema " + (at.empty() ? std::string("/") : at) + " " + what;
    return false;
  }

  const DictionaryIndex& dictionaries_;
  std::string error_;
};

}  // namespace

std::shared_ptr<const Dictionary> Dictionary::Build(const std::string& name, const json& entry, std::string& error) {
  if (!entry.is_object() || !entry.contains("codes") || !entry["codes"].is_object()) {
    error = "字典 " + name + " 缺少 codes";
    return nullptr;
  }
  const std::string match = entry.value("match", "equal");
  if (match != "equal" && match != "prefix") {
    error = "字典 " + name + " 的 match 只能是 equal 或 prefix";
    return nullptr;
  }
  auto d = std::make_shared<Dictionary>();
  d->name = name;
  d->title = entry.contains("title") && entry["title"].is_string() ? entry["title"].get<std::string>() : name;
  d->prefix = match == "prefix";
  const json& codes = entry["codes"];
  d->codes.reserve(codes.size());
  for (auto it = codes.begin(); it != codes.end(); ++it) d->codes.insert(it.key());
  return d;
}

bool Dictionary::Contains(std::string_view code) const {
  if (!prefix) return codes.find(code) != codes.end();
  for (std::size_t n = 1; n <= code.size(); ++n) {
    if (codes.find(code.substr(0, n)) != codes.end()) return true;
  }
  return false;
}

const Schema* Schema::Property(std::string_view name) const {
  auto it = std::lower_bound(property_names.begin(), property_names.end(), name,
                             [](const std::string& a, std::string_view b) { return a < b; });
  if (it == property_names.end() || *it != name) return nullptr;
  return &properties[static_cast<std::size_t>(it - property_names.begin())];
}

Result<std::shared_ptr<const Schema>> Schema::Compile(const json& source, const DictionaryIndex& dictionaries) {
  Compiler compiler(dictionaries);
  auto root = std::make_shared<Schema>();
  if (!compiler.Node(source, "", *root)) return MakeError(ErrorCode::kConfigError, compiler.error());
  return std::shared_ptr<const Schema>(std::move(root));
}

}  // namespace liantiao::standard
