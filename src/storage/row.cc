#include "storage/row.h"

#include <cmath>
#include <string>

namespace liantiao::storage {

std::optional<long long> GetOptInt(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return row.get<int>(i);
    case soci::dt_long_long:
      return row.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(row.get<unsigned long long>(i));
    case soci::dt_double:
      return std::llround(row.get<double>(i));
    case soci::dt_string: {
      const std::string s = row.get<std::string>(i);
      if (s.empty()) return std::nullopt;
      return std::stoll(s);
    }
    case soci::dt_date:
    case soci::dt_blob:
    case soci::dt_xml:
      break;
  }
  throw soci::soci_error("column " + std::to_string(i) + " is not an integer");
}

long long GetInt(const soci::row& row, std::size_t i) { return GetOptInt(row, i).value_or(0); }

std::optional<std::string> GetOptText(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_string:
    case soci::dt_xml:
      return row.get<std::string>(i);
    case soci::dt_integer:
      return std::to_string(row.get<int>(i));
    case soci::dt_long_long:
      return std::to_string(row.get<long long>(i));
    case soci::dt_unsigned_long_long:
      return std::to_string(row.get<unsigned long long>(i));
    case soci::dt_double:
      return std::to_string(row.get<double>(i));
    case soci::dt_date:
    case soci::dt_blob:
      break;
  }
  throw soci::soci_error("column " + std::to_string(i) + " is not text");
}

std::string GetText(const soci::row& row, std::size_t i) { return GetOptText(row, i).value_or(""); }

double GetDouble(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return 0;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_double:
      return row.get<double>(i);
    case soci::dt_integer:
      return row.get<int>(i);
    case soci::dt_long_long:
      return static_cast<double>(row.get<long long>(i));
    case soci::dt_unsigned_long_long:
      return static_cast<double>(row.get<unsigned long long>(i));
    case soci::dt_string:
      return std::stod(row.get<std::string>(i));
    case soci::dt_date:
    case soci::dt_blob:
    case soci::dt_xml:
      break;
  }
  throw soci::soci_error("column " + std::to_string(i) + " is not a number");
}

}  // namespace liantiao::storage
