#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace liantiao::http {

// The proxies in front of the server whose X-Forwarded-For is believed: single
// addresses ("10.0.0.5", "::1") or networks ("10.0.0.0/8", "fd00::/8"). Empty: no
// proxy is trusted, and a client is the address its connection comes from.
class TrustedProxies {
 public:
  // A comma-separated list, or a JSON array of strings (as the config file writes it).
  // kConfigError names the entry that is not an address or a network.
  static Result<TrustedProxies> Parse(std::string_view text);

  bool empty() const { return networks_.empty(); }
  bool Contains(std::string_view address) const;

 private:
  struct Network {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 128;
  };
  std::vector<Network> networks_;
};

// The client's address: the connection's peer, unless the peer is a trusted proxy; then
// the right-most address of X-Forwarded-For that is not a trusted proxy (each proxy
// appends the address it received the request from, so what lies left of the first
// untrusted hop is the client's own say and is not believed). An entry that is not an
// address ends the walk at the last trusted hop. IPv4-mapped IPv6 peers
// ("::ffff:10.0.0.1") are given as IPv4.
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for, const TrustedProxies& trusted);

}  // namespace liantiao::http
