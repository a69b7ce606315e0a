#include "standard/request.h"

#include <ctime>
#include <iomanip>
#include <sstream>

#include "standard/validate.h"

namespace liantiao::standard {

std::string FormatTimestamp(Instant t, const std::string& format) {
  const std::string iso = FormatInstant(t);  // 2026-10-10T23:59:59+08:00, Beijing time
  std::tm tm{};
  tm.tm_year = std::stoi(iso.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(iso.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(iso.substr(8, 2));
  tm.tm_hour = std::stoi(iso.substr(11, 2));
  tm.tm_min = std::stoi(iso.substr(14, 2));
  tm.tm_sec = std::stoi(iso.substr(17, 2));
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, format.c_str(), &tm);
  return std::string(buf, n);
}

namespace {

std::optional<Instant> ToInstant(int year, int month, int day, int hour, int minute, int second) {
  const CivilDay ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return StartOfDay(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
}

}  // namespace

std::optional<Instant> ParseTimestampWithGetTime(std::string_view text, const std::string& format) {
  // std::get_time reads a text that ends before the pattern does as if the rest were
  // zero ("2026-10-20 10:00" for %Y-%m-%d %H:%M:%S); a final character in both, that
  // no directive reads, makes it read the pattern to its end.
  std::tm tm{};
  std::istringstream in{std::string(text) + '\x01'};
  in >> std::get_time(&tm, (format + '\x01').c_str());
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return ToInstant(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

namespace {

// ParseTimestamp and ParseWireTimestamp: as std::get_time reads, or (`exact`) only what
// FormatTimestamp writes: every field at its full width (a year from 1000 on), a second
// up to 59, the pattern's other characters (whitespace included) as they are, nothing
// skipped.
std::optional<Instant> ReadTimestamp(std::string_view text, const std::string& format, bool exact) {
  const auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  int fields[6] = {-1, -1, -1, -1, -1, -1};  // year, month, day, hour, minute, second
  // A pattern with another directive: std::get_time reads it, and an exact reading
  // also writes it back.
  const auto other = [&]() -> std::optional<Instant> {
    auto at = ParseTimestampWithGetTime(text, format);
    if (exact && at && FormatTimestamp(*at, format) != text) return std::nullopt;
    return at;
  };
  std::size_t at = 0;
  while (!exact && at < text.size() && space(text[at])) ++at;  // as the stream's sentry skips it
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (!exact && space(format[i])) {  // any run of whitespace, none included
      while (at < text.size() && space(text[at])) ++at;
      continue;
    }
    if (format[i] != '%') {
      if (at >= text.size() || (exact ? text[at] != format[i] : lower(text[at]) != lower(format[i]))) {
        return std::nullopt;
      }
      ++at;
      continue;
    }
    if (++i == format.size()) return other();
    int field, width, low, high;
    switch (format[i]) {
      case 'Y':  // exactly: four digits, as strftime writes a year from 1000 on
        field = 0, width = 4, low = exact ? 1000 : 0, high = 9999;
        break;
      case 'm':
        field = 1, width = 2, low = 1, high = 12;
        break;
      case 'd':
        field = 2, width = 2, low = 1, high = 31;
        break;
      case 'H':
        field = 3, width = 2, low = 0, high = 23;
        break;
      case 'M':
        field = 4, width = 2, low = 0, high = 59;
        break;
      case 'S':
        field = 5, width = 2, low = 0, high = exact ? 59 : 60;
        break;
      default:
        return other();
    }
    if (!exact && field == 2 && at < text.size() && space(text[at])) ++at;  // a day may be " 1"
    int value = 0, digits = 0;
    while (digits < width && at < text.size() && text[at] >= '0' && text[at] <= '9') {
      value = value * 10 + (text[at++] - '0');
      ++digits;
    }
    if (digits == 0 || (exact && digits != width) || value < low || value > high) return std::nullopt;
    fields[field] = value;
  }
  if (at != text.size()) return std::nullopt;
  // A field the pattern leaves out is what std::get_time leaves of a zeroed std::tm.
  const int defaults[6] = {1900, 1, 0, 0, 0, 0};
  for (int f = 0; f < 6; ++f) {
    if (fields[f] < 0) fields[f] = defaults[f];
  }
  return ToInstant(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
}

}  // namespace

std::optional<Instant> ParseTimestamp(std::string_view text, const std::string& format) {
  return ReadTimestamp(text, format, false);
}

std::optional<Instant> ParseWireTimestamp(std::string_view text, const std::string& format) {
  return ReadTimestamp(text, format, true);
}

Form BuildRequest(const Profile& profile, const KeyCodec& codec, const std::string& app_id, const std::string& method,
                  json data, Instant now, const std::string& nonce) {
  if (const MethodSpec* m = profile.FindMethod(method)) {
    TransformEncrypted(*m->data_schema, data,
                       [&](const std::string& v) -> Result<std::string> { return codec.EncryptField(v); });
  }
  Form form;
  form.emplace_back(profile.Param("app_id"), app_id);
  if (profile.style == "single_endpoint") form.emplace_back(profile.Param("method"), method);
  for (const auto& [name, value] : profile.fixed_params) form.emplace_back(name, value);
  form.emplace_back(profile.Param("timestamp"), FormatTimestamp(now, profile.timestamp_format));
  if (!profile.Param("nonce").empty()) form.emplace_back(profile.Param("nonce"), nonce);
  form.emplace_back(profile.Param("data"), data.dump());
  form.emplace_back(profile.Param("sign"), codec.Sign(form));
  return form;
}

std::string EndpointFor(const Profile& profile, const std::string& method) {
  return profile.style == "per_method" ? method : profile.endpoint_path;
}

}  // namespace liantiao::standard
