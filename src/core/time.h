#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"

namespace liantiao {

// An instant, to the second. Stored in the database as Unix seconds (BIGINT).
using Instant = std::chrono::sys_seconds;
// A civil date. Every date rule of the process is in Asia/Shanghai (UTC+8, no DST).
using CivilDay = std::chrono::year_month_day;

inline constexpr std::chrono::seconds kShanghaiOffset{8 * 3600};

long long ToUnix(Instant t);
Instant FromUnix(long long seconds);

CivilDay ShanghaiDay(Instant t);
// 00:00:00 of the day in Shanghai.
Instant StartOfDay(CivilDay day);
// 23:59:59 of the day in Shanghai: the last second before "24:00" of that day.
Instant EndOfDay(CivilDay day);
CivilDay AddDays(CivilDay day, int n);
bool IsWeekend(CivilDay day);

// "2026-10-10T23:59:59+08:00": always rendered in Shanghai time.
std::string FormatInstant(Instant t);
// ISO 8601 with 'Z' or an offset, seconds optional fraction ignored; a bare date is
// taken as 00:00 Shanghai.
Result<Instant> ParseInstant(std::string_view text);
// The end of a period [from, to) as a user writes it: a time as ParseInstant reads it,
// but a bare date includes its whole day (00:00 Shanghai of the day after), as
// "to 2026-09-30" means in a report.
Result<Instant> ParsePeriodEnd(std::string_view text);
std::string FormatDay(CivilDay day);  // "2026-10-10"
Result<CivilDay> ParseDay(std::string_view text);
// A parse's refusal naming the field it was given in (details.field): a form marks it.
Result<Instant> InField(Result<Instant> parsed, std::string_view field);

// Time is an input: everything that needs "now" is given a Clock or an Instant.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

// A clock that stands still until moved: tests and the server's --test-clock.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start) : now_(ToUnix(start)) {}
  Instant Now() const override { return FromUnix(now_.load()); }
  void Set(Instant t) { now_.store(ToUnix(t)); }
  void Advance(std::chrono::seconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<long long> now_;
};

}  // namespace liantiao
