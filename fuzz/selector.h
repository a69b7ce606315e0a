#pragma once

// How the first byte of a fuzz input picks the profile and the method, shared by the
// fuzz target and the seed writer so that every seed reaches the method it was made for.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "standard/profile.h"
#include "standard/wire.h"

namespace liantiao::fuzz {

inline constexpr std::array<std::string_view, 4> kProfiles = {"national-1.0", "gd-v1.3", "gz-md5-des", "mz-json-md5"};
// Every profile binds this key; gz-md5-des keys DES with its first 8 bytes.
inline constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";

// A profile's methods in name order (the order of Profile::methods).
inline std::vector<const standard::MethodSpec*> Methods(const standard::Profile& p) {
  std::vector<const standard::MethodSpec*> out;
  for (const auto& [name, m] : p.methods) out.push_back(&m);
  return out;
}

// selector % 4 is the profile, selector / 4 (mod the method count) the method.
inline std::size_t ProfileIndex(std::uint8_t selector) { return selector % kProfiles.size(); }
inline std::size_t MethodIndex(std::uint8_t selector, std::size_t method_count) {
  return (selector / kProfiles.size()) % method_count;
}
inline std::uint8_t Selector(std::size_t profile_index, std::size_t method_index) {
  return static_cast<std::uint8_t>(method_index * kProfiles.size() + profile_index);
}

// The request after the selector byte: the form body; for a profile whose body is JSON,
// the query string, a newline and the body.
struct WireInput {
  std::string_view query, body;
};
inline WireInput SplitInput(const standard::Profile& p, std::string_view rest) {
  if (!p.JsonBody()) return {{}, rest};
  const std::size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) return {rest, {}};
  return {rest.substr(0, nl), rest.substr(nl + 1)};
}
inline std::string JoinInput(const standard::Profile& p, const standard::WireRequest& wire) {
  return p.JsonBody() ? wire.query + "\n" + wire.body : wire.body;
}

}  // namespace liantiao::fuzz
