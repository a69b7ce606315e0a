#include "standard/schema.h"

#include <string>

#include <gtest/gtest.h>

#include "standard/profile.h"
#include "standard/validate.h"

namespace liantiao::standard {
namespace {

const CivilNow kNow{"2026-10-20", "2026-10-20 10:00:00", "2026-10"};

DictionaryIndex Dictionaries() {
  std::string error;
  DictionaryIndex index;
  index.emplace(
      "kinds", Dictionary::Build("kinds", json::parse(R"({"title": "类别", "codes": {"1": "一", "2": "二"}})"), error));
  return index;
}

Result<std::shared_ptr<const Schema>> Compile(const std::string& text) {
  return Schema::Compile(json::parse(text), Dictionaries());
}

// The error of a schema that must not compile, or "(compiled)".
std::string ErrorOf(const std::string& text) {
  auto compiled = Compile(text);
  return compiled.ok() ? "(compiled)" : compiled.error().message;
}

TEST(Schema, KeywordsAreReadIntoTheTree) {
  auto s = Compile(R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x", "title": "t",
      "type": "object", "required": ["b"], "additionalProperties": false, "properties": {
      "b": {"type": ["integer", "string"], "x-dict": "kinds"},
      "a": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "string", "x-encrypted": true,
            "minLength": 2, "maxLength": 4, "x-check": "id_number", "x-type-field": "t"}},
      "c": {"type": "string", "x-format": "month", "x-not-future": true, "x-not-before": "d",
            "x-required-when": {"b": 2}, "description": "注释", "$comment": "", "deprecated": false},
      "d": {"type": "string", "x-image": {"max_bytes": 1024, "types": ["png"]}}}})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const Schema& root = **s;
  EXPECT_EQ(root.types, Schema::kObject);
  EXPECT_TRUE(root.closed);
  EXPECT_EQ(root.required, std::vector<std::string>{"b"});
  // Members in name order, found by name.
  EXPECT_EQ(root.property_names, (std::vector<std::string>{"a", "b", "c", "d"}));
  ASSERT_NE(root.Property("b"), nullptr);
  EXPECT_EQ(root.Property("b")->types, Schema::kInteger | Schema::kString);
  EXPECT_EQ(root.Property("b")->dict->title, "类别");
  EXPECT_EQ(root.Property("e"), nullptr);
  EXPECT_EQ(root.Property(""), nullptr);
  const Schema& a = *root.Property("a");
  EXPECT_EQ(a.min_items, 1u);
  EXPECT_EQ(a.max_items, 3u);
  ASSERT_NE(a.items, nullptr);
  EXPECT_TRUE(a.items->encrypted);
  EXPECT_EQ(a.items->min_length, 2u);
  EXPECT_EQ(a.items->max_length, 4u);
  EXPECT_EQ(a.items->check, TextCheck::kIdNumber);
  EXPECT_EQ(a.items->type_field, "t");
  const Schema& c = *root.Property("c");
  EXPECT_EQ(c.format, TextFormat::kMonth);
  EXPECT_EQ(c.format_name, "month");
  EXPECT_TRUE(c.not_future);
  EXPECT_EQ(c.not_before, "d");
  EXPECT_EQ(c.required_when, (std::vector<std::pair<std::string, std::string>>{{"b", "2"}}));
  // Only the member with rules between siblings is listed for them.
  EXPECT_EQ(root.sibling_rules, std::vector<std::size_t>{2});
  ASSERT_TRUE(root.Property("d")->image.has_value());
  EXPECT_EQ(root.Property("d")->image->max_bytes, 1024u);
  EXPECT_EQ(root.Property("d")->image->types_text, "png");
}

// A profile author's mistake is found when the profile loads, named by its place in
// the schema; before compiling, most of these were ignored on every request (an
// unknown keyword, a misspelt format) or refused every value (a broken pattern).
TEST(Schema, AMistakeInASchemaIsAnErrorNamingItsPlace) {
  const auto error_at = [](const std::string& text, const std::string& where) {
    const std::string error = ErrorOf(text);
    EXPECT_NE(error.find(where), std::string::npos) << text << " → " << error;
  };
  error_at(R"({"properties": {"a": {"maxlength": 3}}})", "/properties/a/maxlength");
  // JSON Schema's own `format` is not ours (x-format is): refused rather than ignored.
  error_at(R"({"items": {"format": "date"}})", "/items/format");
  error_at(R"({"properties": {"a": {"maxLength": "3"}}})", "/properties/a/maxLength");
  error_at(R"({"properties": {"a": {"minLength": -1}}})", "/properties/a/minLength");
  error_at(R"({"properties": {"a": {"type": "text"}}})", "/properties/a/type");
  error_at(R"({"properties": {"a": {"type": []}}})", "/properties/a/type");
  error_at(R"({"items": {"pattern": "(["}})", "/items/pattern");
  error_at(R"({"items": {"x-format": "time"}})", "/items/x-format");
  error_at(R"({"items": {"x-check": "phone"}})", "/items/x-check");
  error_at(R"({"items": {"x-type-field": "t"}})", "/items/x-type-field");
  error_at(R"({"items": {"x-image": {"types": []}}})", "/items/x-image/types");
  error_at(R"({"items": {"x-image": {"max_bytes": "50KB"}}})", "/items/x-image/max_bytes");
  error_at(R"({"items": {"x-required-when": {"b": true}}})", "/items/x-required-when");
  error_at(R"({"items": {"x-not-before": ""}})", "/items/x-not-before");
  error_at(R"({"items": {"x-encrypted": "yes"}})", "/items/x-encrypted");
  error_at(R"({"items": {"x-mask": "email"}})", "/items/x-mask");
  error_at(R"({"additionalProperties": {}})", "/additionalProperties");
  error_at(R"({"required": ["a", 1]})", "/required");
  error_at(R"({"enum": "a"})", "/enum");
  error_at(R"({"maximum": "9"})", "/maximum");
  error_at(R"({"properties": {"a": 1}})", "/properties/a");
  error_at(R"([])", "schema /");
  error_at(R"({"properties": {"a": {"x-dict": "kindz"}}})", "\"kindz\"");
}

TEST(Schema, ADictionaryAnswersByCodeOrByPrefix) {
  std::string error;
  auto exact = Dictionary::Build("d", json::parse(R"({"codes": {"CNY": "人民币"}})"), error);
  ASSERT_NE(exact, nullptr) << error;
  EXPECT_EQ(exact->title, "d") << "a dictionary without a title is named by its name";
  EXPECT_TRUE(exact->Contains("CNY"));
  EXPECT_FALSE(exact->Contains("CN"));
  EXPECT_FALSE(exact->Contains("CNYX"));
  auto prefix = Dictionary::Build("d", json::parse(R"({"codes": {"44": "广东"}, "match": "prefix"})"), error);
  ASSERT_NE(prefix, nullptr) << error;
  EXPECT_TRUE(prefix->Contains("440106"));
  EXPECT_FALSE(prefix->Contains("4"));
  EXPECT_FALSE(prefix->Contains(""));
  EXPECT_EQ(Dictionary::Build("d", json::parse(R"({"codes": []})"), error), nullptr);
  EXPECT_NE(error.find("codes"), std::string::npos) << error;
}

// The compiled tree is what requests are judged by: a number held to a dictionary is
// compared as its text, and violations name their place in the data.
TEST(Schema, TheValidatorWalksTheCompiledTree) {
  auto s = Compile(R"({"type": "object", "properties": {"list": {"type": "array", "items": {"type": "object",
      "required": ["kind"], "properties": {"kind": {"type": ["integer", "string"], "x-dict": "kinds"}}}}}})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto kinds = [&](const std::string& data) {
    std::string out;
    for (const auto& v : ValidateData(**s, json::parse(data), kNow)) out += v.kind + "@" + v.path + " ";
    return out;
  };
  EXPECT_EQ(kinds(R"({"list": [{"kind": 1}, {"kind": "2"}]})"), "");
  EXPECT_EQ(kinds(R"({"list": [{"kind": 3}, {}, {"kind": true}]})"),
            "dict@[list][0][kind] required@[list][1][kind] type@[list][2][kind] ");
}

}  // namespace
}  // namespace liantiao::standard
