// The `${name}` tokens of the shipped examples (spec/profiles/*/examples): what an
// example cannot know ahead (the key's project, today's date, an id the platform
// assigns) and whoever sends it fills in. Shared by `liantiao device --send` and the
// tests that run every example.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace liantiao::standard {

// `v` with each `${name}` in its strings replaced by `values[name]` (a string as its
// text, anything else as its JSON). A string that is one token alone becomes the value
// itself, so `"${teamSysNo}"` given a number stays a number. Tokens without a value are
// left as they are.
nlohmann::json FillTokens(nlohmann::json v, const std::map<std::string, nlohmann::json>& values);

// The month after "2026-12" ("2027-01"), for `${next_month}`; empty if `year_month`
// is not of that form.
std::string MonthAfter(std::string_view year_month);

// The first `${…}` token left anywhere in `v`, or empty when there is none.
std::string FirstToken(const nlohmann::json& v);

}  // namespace liantiao::standard
