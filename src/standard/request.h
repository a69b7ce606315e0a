#pragma once

#include <string>

#include "core/time.h"
#include "standard/profile.h"
#include "standard/wire.h"

namespace liantiao::standard {

// The request timestamp in Beijing time with the profile's strftime pattern.
std::string FormatTimestamp(Instant t, const std::string& format);

// A complete signed request of `method` with plaintext `data`: the profile's
// x-encrypted fields are encrypted, the fixed and common parameters are set, and
// the signature is the last field. What the device simulator sends and what the
// tests send; the sandbox checks it with the same KeyCodec.
Form BuildRequest(const Profile& profile, const KeyCodec& codec, const std::string& app_id,
                  const std::string& method, json data, Instant now, const std::string& nonce);

// Where a request of `method` goes, relative to the city's sandbox base
// (".../sandbox/440100/"): the single endpoint, or the method for per-method profiles.
std::string EndpointFor(const Profile& profile, const std::string& method);

}  // namespace liantiao::standard
