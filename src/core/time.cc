#include "core/time.h"

#include <charconv>
#include <cstdio>

namespace liantiao {

using namespace std::chrono;

long long ToUnix(Instant t) { return t.time_since_epoch().count(); }
Instant FromUnix(long long s) { return Instant{seconds{s}}; }

CivilDay ShanghaiDay(Instant t) { return CivilDay{floor<days>(t + kShanghaiOffset)}; }
Instant StartOfDay(CivilDay day) { return Instant{sys_days{day}} - kShanghaiOffset; }
Instant EndOfDay(CivilDay day) { return StartOfDay(AddDays(day, 1)) - seconds{1}; }
CivilDay AddDays(CivilDay day, int n) { return CivilDay{sys_days{day} + days{n}}; }
bool IsWeekend(CivilDay day) {
  weekday wd{sys_days{day}};
  return wd == Saturday || wd == Sunday;
}

std::string FormatDay(CivilDay d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

std::string FormatInstant(Instant t) {
  Instant local = t + kShanghaiOffset;
  auto day = floor<days>(local);
  hh_mm_ss<seconds> hms{local - day};
  char buf[40];
  CivilDay d{day};
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+08:00", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

Error BadTime(std::string_view text) {
  return MakeError(ErrorCode::kInvalidField, "时间格式无效，应为 ISO 8601（如 2026-10-10T09:00:00+08:00）",
                   {{"value", std::string(text)}});
}

}  // namespace

Result<CivilDay> ParseDay(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !ParseInt(s.substr(0, 4), y) || !ParseInt(s.substr(5, 2), m) ||
      !ParseInt(s.substr(8, 2), d)) {
    return MakeError(ErrorCode::kInvalidField, "日期格式无效，应为 YYYY-MM-DD", {{"value", std::string(s)}});
  }
  CivilDay day{year{y}, month{static_cast<unsigned>(m)}, std::chrono::day{static_cast<unsigned>(d)}};
  if (!day.ok()) {
    return MakeError(ErrorCode::kInvalidField, "日期不存在", {{"value", std::string(s)}});
  }
  return day;
}

Result<Instant> InField(Result<Instant> parsed, std::string_view field) {
  if (parsed.ok()) return parsed;
  Error e = parsed.take_error();
  if (!e.details.is_object()) e.details = nlohmann::json::object();
  e.details["field"] = std::string(field);
  return e;
}

Result<Instant> ParsePeriodEnd(std::string_view s) {
  LT_ASSIGN_OR_RETURN(Instant t, ParseInstant(s));
  if (s.size() == 10) return StartOfDay(AddDays(ShanghaiDay(t), 1));
  return t;
}

Result<Instant> ParseInstant(std::string_view s) {
  if (s.size() < 10) return BadTime(s);
  auto day = ParseDay(s.substr(0, 10));
  if (!day.ok()) return BadTime(s);
  if (s.size() == 10) return StartOfDay(*day);
  if ((s[10] != 'T' && s[10] != ' ') || s.size() < 19 || s[13] != ':' || s[16] != ':') {
    return BadTime(s);
  }
  int hh, mm, ss;
  if (!ParseInt(s.substr(11, 2), hh) || !ParseInt(s.substr(14, 2), mm) || !ParseInt(s.substr(17, 2), ss) || hh > 23 ||
      mm > 59 || ss > 59) {
    return BadTime(s);
  }
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    if (i == 1) return BadTime(s);
    rest = rest.substr(i);
  }
  seconds offset{0};
  if (rest == "Z" || rest == "z") {
    offset = seconds{0};
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh, om;
    if (!ParseInt(rest.substr(1, 2), oh) || !ParseInt(rest.substr(4, 2), om) || oh > 14 || om > 59) {
      return BadTime(s);
    }
    offset = seconds{(oh * 3600 + om * 60) * (rest[0] == '-' ? -1 : 1)};
  } else {
    return BadTime(s);
  }
  Instant local = Instant{sys_days{*day}} + hours{hh} + minutes{mm} + seconds{ss};
  return local - offset;
}

}  // namespace liantiao
