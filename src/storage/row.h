#pragma once

#include <optional>
#include <string>

#include <soci/soci.h>

namespace liantiao::storage {

// Typed reads of a dynamic soci::row that work the same on both backends. SQLite and
// PostgreSQL report integer columns as dt_integer or dt_long_long depending on the
// declared type and the expression (COUNT, SUM), and aggregates can come back as
// double or text; these helpers accept each of them so repository code does not care.
long long GetInt(const soci::row& row, std::size_t column);
std::optional<long long> GetOptInt(const soci::row& row, std::size_t column);
std::string GetText(const soci::row& row, std::size_t column);  // NULL reads as ""
std::optional<std::string> GetOptText(const soci::row& row, std::size_t column);
double GetDouble(const soci::row& row, std::size_t column);

// Binding an optional value: soci::use(value, indicator).
struct OptionalInt {
  long long value = 0;
  soci::indicator ind = soci::i_null;
  OptionalInt() = default;
  explicit OptionalInt(std::optional<long long> v) : value(v.value_or(0)), ind(v ? soci::i_ok : soci::i_null) {}
};
struct OptionalText {
  std::string value;
  soci::indicator ind = soci::i_null;
  OptionalText() = default;
  explicit OptionalText(std::optional<std::string> v) : value(v.value_or("")), ind(v ? soci::i_ok : soci::i_null) {}
};

}  // namespace liantiao::storage
