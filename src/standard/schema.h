#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

// A method's JSON Schema compiled once, when its profile loads: the keywords of
// docs/profiles.md ("The schema language") read into plain members, dictionaries and
// patterns resolved. The validator, the field cipher and the masked evidence walk this
// tree beside the request's data; before, each of them looked every keyword up by name
// in the schema's JSON for every node of every request.
namespace liantiao::standard {

using json = nlohmann::json;

// One dictionary of a profile (dictionaries.json or dictionaries/<name>.json), indexed.
struct Dictionary {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::string name, title;
  // "match": "prefix": the codes are the beginnings a valid value has (行政区划: a
  // province, or one of its prefectures).
  bool prefix = false;
  std::unordered_set<std::string, Hash, std::equal_to<>> codes;

  // Reads a dictionary entry ({"title", "codes": {code: label}, "match"}); null with
  // `error` set when the entry is malformed.
  static std::shared_ptr<const Dictionary> Build(const std::string& name, const json& entry, std::string& error);
  bool Contains(std::string_view code) const;
};

using DictionaryIndex = std::map<std::string, std::shared_ptr<const Dictionary>, std::less<>>;

enum class TextFormat : std::uint8_t { kNone, kDate, kDateTime, kMonth, kDateOrDateTime };
enum class TextCheck : std::uint8_t { kNone, kIdNumber, kCreditCode };

struct ImageRule {
  std::size_t max_bytes = 51200;
  std::vector<std::string> types{"jpg", "jpeg", "png"};
  std::string types_text;  // "jpg,jpeg,png", for the message
};

// One node of a compiled schema: what a value at this place must be.
struct Schema {
  // `type`: a bit per JSON type; none set accepts any value. `number` accepts integers.
  enum TypeBit : std::uint8_t {
    kString = 1,
    kInteger = 2,
    kNumber = 4,
    kBoolean = 8,
    kArray = 16,
    kObject = 32,
    kNull = 64,
  };
  std::uint8_t types = 0;

  // values
  bool has_enum = false;
  std::vector<json> enum_values;
  std::optional<double> minimum, maximum;
  std::shared_ptr<const Dictionary> dict;  // x-dict
  // std::regex matching is const ([res.on.data.races]): one compiled pattern serves
  // every thread.
  std::shared_ptr<const std::regex> pattern;

  // strings
  std::optional<std::size_t> min_length, max_length;  // in characters
  TextFormat format = TextFormat::kNone;
  std::string format_name;  // as written: "date", … (the violation is "format_<name>")
  bool not_future = false;
  TextCheck check = TextCheck::kNone;
  std::string type_field = "idCardType";  // x-type-field, for x-check id_number
  std::optional<ImageRule> image;
  bool encrypted = false;
  // x-mask: "phone": a personal phone number, kept in the evidence as 138****1000.
  bool mask_phone = false;

  // objects
  std::vector<std::string> required;
  std::vector<std::string> property_names;  // sorted, as nlohmann::json orders an object's members
  std::vector<Schema> properties;           // in property_names' order
  bool closed = false;                      // additionalProperties: false
  // Members with a rule between siblings (x-required-when, x-not-before), by index.
  std::vector<std::size_t> sibling_rules;

  // arrays
  std::optional<std::size_t> min_items, max_items;
  std::shared_ptr<const Schema> items;

  // rules between siblings, on the member they constrain
  std::vector<std::pair<std::string, std::string>> required_when;  // sibling → value as text
  std::string not_before;                                          // sibling date

  // x-messages: this field's own wording of a violation, replacing the catalogue's
  // message for that error (real servers word some fields' refusals their own way).
  std::map<std::string, std::string, std::less<>> messages;

  // The schema of member `name`, or null.
  const Schema* Property(std::string_view name) const;

  // Compiles `source` (a JSON Schema in the subset of docs/profiles.md), resolving
  // x-dict against `dictionaries`. A keyword of the wrong shape, an unknown x-format or
  // x-check, a pattern that does not compile or a dictionary the profile lacks is an
  // error naming the keyword's place, so a broken profile fails at load rather than on
  // a vendor's request.
  static Result<std::shared_ptr<const Schema>> Compile(const json& source, const DictionaryIndex& dictionaries);
};

}  // namespace liantiao::standard
