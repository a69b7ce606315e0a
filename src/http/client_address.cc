#include "http/client_address.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include <asio/ip/address.hpp>
#include <nlohmann/json.hpp>

namespace liantiao::http {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// asio parses; an IPv4 address becomes its IPv4-mapped IPv6 form, so that one
// comparison serves both families.
std::optional<asio::ip::address_v6> ParseAddress(std::string_view text) {
  asio::error_code ec;
  const asio::ip::address a = asio::ip::make_address(std::string(Trim(text)), ec);
  if (ec) return std::nullopt;
  if (a.is_v4()) return asio::ip::make_address_v6(asio::ip::v4_mapped, a.to_v4());
  return a.to_v6();
}

std::string Canonical(const asio::ip::address_v6& a) {
  if (a.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a).to_string();
  return a.to_string();
}

Error ProxyError(std::string_view entry) {
  return MakeError(ErrorCode::kConfigError,
                   "配置项 trusted_proxies 无效：" + std::string(entry) + " 不是 IP 地址或网段（如 10.0.0.0/8）",
                   {{"key", "trusted_proxies"}});
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(std::string_view text) {
  std::vector<std::string> entries;
  text = Trim(text);
  if (!text.empty() && text.front() == '[') {
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_array()) return ProxyError(text);
    for (const auto& e : j) {
      if (!e.is_string()) return ProxyError(e.dump());
      entries.push_back(e.get<std::string>());
    }
  } else {
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t comma = std::min(text.find(',', start), text.size());
      if (auto e = Trim(text.substr(start, comma - start)); !e.empty()) entries.emplace_back(e);
      start = comma + 1;
    }
  }
  TrustedProxies out;
  for (const std::string& entry : entries) {
    const std::size_t slash = entry.find('/');
    const auto address = ParseAddress(std::string_view(entry).substr(0, slash));
    if (!address) return ProxyError(entry);
    Network n;
    n.bytes = address->to_bytes();
    if (slash != std::string::npos) {
      const std::string_view digits = Trim(std::string_view(entry).substr(slash + 1));
      int prefix = -1;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      const int family_bits = address->is_v4_mapped() ? 32 : 128;
      if (ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 || prefix > family_bits) {
        return ProxyError(entry);
      }
      n.prefix = prefix + (128 - family_bits);
    }
    out.networks_.push_back(n);
  }
  return out;
}

bool TrustedProxies::Contains(std::string_view address) const {
  if (networks_.empty()) return false;
  const auto a = ParseAddress(address);
  if (!a) return false;
  const auto bytes = a->to_bytes();
  return std::any_of(networks_.begin(), networks_.end(), [&](const Network& n) {
    int bits = n.prefix;
    for (std::size_t i = 0; i < bytes.size() && bits > 0; ++i, bits -= 8) {
      const auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xFF : 0xFF << (8 - bits));
      if ((bytes[i] & mask) != (n.bytes[i] & mask)) return false;
    }
    return true;
  });
}

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for, const TrustedProxies& trusted) {
  const auto parsed_peer = ParseAddress(peer);
  std::string client = parsed_peer ? Canonical(*parsed_peer) : std::string(peer);
  if (!trusted.Contains(client)) return client;
  // From the right: each hop that is a trusted proxy passes the question on to the
  // address it names.
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    const std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (Trim(entry).empty()) continue;
    const auto hop = ParseAddress(entry);
    if (!hop) break;
    client = Canonical(*hop);
    if (!trusted.Contains(client)) break;
  }
  return client;
}

}  // namespace liantiao::http
