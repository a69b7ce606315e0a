#include "crypto/crypto.h"

#include <gtest/gtest.h>

namespace liantiao::crypto {
namespace {

TEST(Digest, KnownAnswers) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Encoding, RoundTripsAndRejectsBadInput) {
  const std::string bytes("\x00\x01\xfe\xff zh 中文", 12);
  EXPECT_EQ(*HexDecode(HexEncode(bytes)), bytes);
  EXPECT_EQ(*Base64Decode(Base64Encode(bytes)), bytes);
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  EXPECT_FALSE(Base64Decode("@@@@").ok());
}

TEST(Random, TokensAreUrlSafeAndDistinct) {
  const std::string a = RandomToken(32), b = RandomToken(32);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
  EXPECT_EQ(RandomBytes(16).size(), 16u);
}

TEST(ConstantTime, Compares) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(Password, HashAndVerify) {
  auto h = HashPassword("correct horse", PasswordCost::Minimum());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword("correct horse", *h));
  EXPECT_FALSE(VerifyPassword("wrong horse", *h));
  EXPECT_FALSE(VerifyPassword("correct horse", ""));
  EXPECT_FALSE(VerifyPassword("correct horse", "not a hash"));
}

TEST(SecretBox, SealsOpensAndDetectsTampering) {
  auto box = SecretBox::FromKey(std::string(32, 'k'));
  ASSERT_TRUE(box.ok());
  const std::string sealed = box->Seal("test key secret");
  EXPECT_EQ(sealed.find("test key secret"), std::string::npos);
  EXPECT_NE(box->Seal("test key secret"), sealed);  // fresh nonce each time
  EXPECT_EQ(*box->Open(sealed), "test key secret");
  std::string raw = *Base64Decode(sealed);
  raw[14] ^= 1;
  EXPECT_FALSE(box->Open(Base64Encode(raw)).ok());
  auto other = SecretBox::FromKey(std::string(32, 'x'));
  EXPECT_FALSE(other->Open(sealed).ok());
  EXPECT_FALSE(box->Open("short").ok());
  EXPECT_FALSE(SecretBox::FromKey(std::string(31, 'k')).ok());
}

TEST(ChainHash, CoversBothInputs) {
  const std::string h = ChainHash(kGenesisHash, "{\"a\":1}");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, ChainHash(kGenesisHash, "{\"a\":1}"));
  EXPECT_NE(h, ChainHash(kGenesisHash, "{\"a\":2}"));
  EXPECT_NE(h, ChainHash(std::string(64, '1'), "{\"a\":1}"));
}

}  // namespace
}  // namespace liantiao::crypto
