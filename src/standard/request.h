#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "standard/profile.h"
#include "standard/wire.h"

namespace liantiao::standard {

// The request timestamp in Beijing time with the profile's strftime pattern.
std::string FormatTimestamp(Instant t, const std::string& format);

// Reads a request timestamp written with the profile's strftime pattern in Beijing
// time; nullopt unless the whole text matches the whole pattern and names a real date
// and time. Reads as std::get_time does (%Y takes one to four digits, %m %d %H %M %S
// one or two, in range, a second may be 60; whitespace in the pattern takes any run of
// it, as does the start of the text, and a day may have a space before it; other
// characters match case-insensitively), except that a text ending before the pattern
// does is refused rather than read as if the rest were zero. Patterns made of those six
// directives are read here directly: through std::get_time, which needs an
// istringstream, reading took 2 % of the sandbox's request threads. A pattern with any
// other directive is read by std::get_time itself.
std::optional<Instant> ParseTimestamp(std::string_view text, const std::string& format);
// A request's timestamp as the sandbox takes it: only what FormatTimestamp writes with
// the pattern, every field at its full width ("20261205074601", not "2026120507461"),
// no second 60, no whitespace std::get_time would skip. Read in the same pass as
// ParseTimestamp, nothing written back for the six directives above.
std::optional<Instant> ParseWireTimestamp(std::string_view text, const std::string& format);
// The same through std::get_time, for any pattern, a text that ends early refused too:
// ParseTimestamp's fallback, and what its tests and the fuzz target compare it with.
std::optional<Instant> ParseTimestampWithGetTime(std::string_view text, const std::string& format);

// A complete signed request of `method` with plaintext `data`: the profile's
// x-encrypted fields are encrypted, the fixed and common parameters are set, and
// the signature is the last field. What the device simulator sends and what the
// tests send; the sandbox checks it with the same KeyCodec.
Form BuildRequest(const Profile& profile, const KeyCodec& codec, const std::string& app_id, const std::string& method,
                  json data, Instant now, const std::string& nonce);

// Where a request of `method` goes, relative to the city's sandbox base
// (".../sandbox/440100/"): the single endpoint, or the method for per-method profiles.
std::string EndpointFor(const Profile& profile, const std::string& method);

}  // namespace liantiao::standard
