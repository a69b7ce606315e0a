#pragma once

// JSON texts from outside (request bodies, a device's `data`, a city system's answers):
// parsed with a bound on their nesting. nlohmann's parser is iterative, but copying,
// comparing and dumping a value recurse once per level, so a value nested a few hundred
// thousand levels deep (a megabyte of brackets) would exhaust a thread's stack.
#include <string_view>

#include <nlohmann/json.hpp>

namespace liantiao {

// Deeper than any document the interface standard or the API defines.
inline constexpr int kMaxJsonDepth = 32;

// The deepest nesting of brackets in a JSON text, outside strings; a plain scan.
int JsonNestingDepth(std::string_view text);

// `text` parsed, or a discarded value when it is not JSON or nests deeper than
// `max_depth`. Never throws.
nlohmann::json ParseJsonBounded(std::string_view text, int max_depth = kMaxJsonDepth);

}  // namespace liantiao
