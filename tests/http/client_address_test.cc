#include "http/client_address.h"

#include <gtest/gtest.h>

namespace liantiao::http {
namespace {

TrustedProxies Proxies(std::string_view text) {
  auto parsed = TrustedProxies::Parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : TrustedProxies{};
}

TEST(TrustedProxiesTest, ParsesAddressesAndNetworksInEitherForm) {
  const TrustedProxies list = Proxies("10.0.0.5, 192.168.0.0/16,fd00::/8");
  EXPECT_TRUE(list.Contains("10.0.0.5"));
  EXPECT_FALSE(list.Contains("10.0.0.6"));
  EXPECT_TRUE(list.Contains("192.168.200.1"));
  EXPECT_FALSE(list.Contains("192.169.0.1"));
  EXPECT_TRUE(list.Contains("fd12::1"));
  EXPECT_FALSE(list.Contains("fe80::1"));
  EXPECT_TRUE(list.Contains("::ffff:192.168.1.1"));  // a dual-stack socket's IPv4 peer

  const TrustedProxies json = Proxies(R"(["127.0.0.1", "::1"])");
  EXPECT_TRUE(json.Contains("127.0.0.1"));
  EXPECT_TRUE(json.Contains("::1"));
  EXPECT_FALSE(json.Contains("127.0.0.2"));

  EXPECT_TRUE(Proxies("").empty());
  EXPECT_FALSE(Proxies("").Contains("127.0.0.1"));
  EXPECT_TRUE(Proxies("0.0.0.0/0").Contains("203.0.113.9"));
  EXPECT_TRUE(Proxies("10.1.2.3/31").Contains("10.1.2.2"));
  EXPECT_FALSE(Proxies("10.1.2.3/31").Contains("10.1.2.4"));
}

TEST(TrustedProxiesTest, RefusesWhatIsNotAnAddressNamingTheEntry) {
  for (const char* bad : {"10.0.0.300", "proxy.example.gov.cn", "10.0.0.0/33", "fd00::/129", "10.0.0.0/x", "10.0.0.0/",
                          R"(["10.0.0.1", 5])", "[not json"}) {
    auto parsed = TrustedProxies::Parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kConfigError) << bad;
    EXPECT_NE(parsed.error().message.find("trusted_proxies"), std::string::npos);
  }
}

TEST(ClientAddressTest, APeerThatIsNoTrustedProxyIsTheClientWhateverItForwards) {
  EXPECT_EQ(ClientAddress("203.0.113.7", "198.51.100.1", TrustedProxies{}), "203.0.113.7");
  EXPECT_EQ(ClientAddress("203.0.113.7", "198.51.100.1", Proxies("10.0.0.1")), "203.0.113.7");
  EXPECT_EQ(ClientAddress("::ffff:203.0.113.7", "", TrustedProxies{}), "203.0.113.7");
}

TEST(ClientAddressTest, BehindTrustedProxiesTheRightMostUntrustedHopIsTheClient) {
  const TrustedProxies proxies = Proxies("10.0.0.0/8");
  // One proxy: it appended the address it saw.
  EXPECT_EQ(ClientAddress("10.0.0.1", "203.0.113.7", proxies), "203.0.113.7");
  // The client sent its own (forged) header: what the proxy appended wins.
  EXPECT_EQ(ClientAddress("10.0.0.1", "1.2.3.4, 203.0.113.7", proxies), "203.0.113.7");
  // Two proxies in a chain.
  EXPECT_EQ(ClientAddress("10.0.0.1", "203.0.113.7, 10.0.0.2", proxies), "203.0.113.7");
  EXPECT_EQ(ClientAddress("10.0.0.1", " 203.0.113.7 ,10.0.0.2 ", proxies), "203.0.113.7");
  // No header, or only proxies in it: the last proxy seen.
  EXPECT_EQ(ClientAddress("10.0.0.1", "", proxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "10.0.0.2", proxies), "10.0.0.2");
  // Garbage stops the walk at the last trusted hop.
  EXPECT_EQ(ClientAddress("10.0.0.1", "203.0.113.7, unknown", proxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "unknown, 10.0.0.3", proxies), "10.0.0.3");
  EXPECT_EQ(ClientAddress("10.0.0.1", "2001:db8::5", proxies), "2001:db8::5");
}

}  // namespace
}  // namespace liantiao::http
