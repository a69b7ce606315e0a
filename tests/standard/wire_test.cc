#include "standard/wire.h"

#include <gtest/gtest.h>

#include <cctype>

#include "standard/shipped_profiles.h"

#include "standard/profile.h"

namespace liantiao::standard {
namespace {

const ProfileSet& Profiles() { return ShippedProfiles(); }

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";

// The worked vector of the interface research (§2.4), reproduced independently
// with openssl and python: the national profile must give exactly these bytes.
TEST(KeyCodec, NationalProfileReproducesTheWorkedVector) {
  const Profile* p = Profiles().Find("national-1.0");
  ASSERT_NE(p, nullptr);
  auto codec = KeyCodec::Make(*p, kSecret);
  ASSERT_TRUE(codec.ok());
  const std::string cipher = codec->EncryptField("11010519491231002X");
  EXPECT_EQ(cipher, "0whyJ0FnjXE8TQqC953G9I67RW3Um885mYa6LO5bMIo=");
  EXPECT_EQ(codec->DecryptField(cipher).value(), "11010519491231002X");
  const std::string data =
      R"({"projectCode":"44010620190101001","teamSysNo":100156750,"dataList":[{"idCardType":"01","idCardNumber":")" +
      cipher + R"(","date":"2019-03-13 07:02:04","direction":"01"}]})";
  Form form{{"appid", "44010620190101001"},
            {"method", "WorkerAttendance.Add"},
            {"format", "json"},
            {"version", "1.0"},
            {"timestamp", "20190313070204"},
            {"nonce", "a1b2c3d4"},
            {"data", data}};
  EXPECT_EQ(codec->Sign(form), "8761a1bd5bf832f0525b2ef211e9a8d201f9b2d7c11461950886d1d7f9ee7943");
  EXPECT_TRUE(codec->Verify(form, "8761a1bd5bf832f0525b2ef211e9a8d201f9b2d7c11461950886d1d7f9ee7943"));
  // A parameter beyond the standard (some clients also post their appsecret) is not
  // signed; corpsign, an optional parameter of the standard, is.
  Form extra = form;
  extra.emplace_back("appsecret", kSecret);
  EXPECT_EQ(codec->Sign(extra), "8761a1bd5bf832f0525b2ef211e9a8d201f9b2d7c11461950886d1d7f9ee7943");
  extra.emplace_back("corpsign", "c2lnbg==");
  EXPECT_NE(codec->Sign(extra), "8761a1bd5bf832f0525b2ef211e9a8d201f9b2d7c11461950886d1d7f9ee7943");
  form[0].second = "44010620190101002";
  EXPECT_FALSE(codec->Verify(form, "8761a1bd5bf832f0525b2ef211e9a8d201f9b2d7c11461950886d1d7f9ee7943"));
}

// The national signature lower-cases the whole string as the reference clients do:
// Java, JavaScript and Python lower every cased letter, PHP's strtolower only ASCII.
// The sandbox signs the first way and verifies either.
TEST(KeyCodec, NationalSignatureLowerCasesAsJavaAndAcceptsPhpsAsciiOnlyLowerCase) {
  const Profile& p = *Profiles().Find("national-1.0");
  const Form form{{"data", R"({"teamName":"ＡＢＣ班组Äd"})"}, {"appid", "K"}};
  EXPECT_EQ(SigningString(p, form, "S"), R"(appid=k&data={"teamname":"ａｂｃ班组äd"}&appsecret=s)");
  EXPECT_EQ(SigningString(p, form, "S", LowerCase::kAscii), R"(appid=k&data={"teamname":"ＡＢＣ班组Äd"}&appsecret=s)");
  // Text that is not UTF-8 is lower-cased in ASCII only, byte for byte.
  EXPECT_EQ(SigningString(p,
                          {{"data",
                            "\xff"
                            "AB"}},
                          "S"),
            "data=\xff"
            "ab&appsecret=s");

  auto codec = KeyCodec::Make(p, kSecret);
  ASSERT_TRUE(codec.ok());
  const std::string java = codec->Sign(form), php = codec->Sign(form, LowerCase::kAscii);
  EXPECT_NE(java, php);
  EXPECT_TRUE(codec->Verify(form, java));
  EXPECT_TRUE(codec->Verify(form, php));
  EXPECT_FALSE(codec->Verify(form, std::string(64, '0')));
}

// ASCII lower-casing changes A-Z and nothing else, byte for byte, as the C locale's
// tolower does.
TEST(KeyCodec, AsciiLowerCaseChangesOnlyTheCapitalLetters) {
  const Profile& p = *Profiles().Find("national-1.0");
  std::string every, expected;
  for (int c = 1; c < 256; ++c) {
    every += static_cast<char>(c);
    expected += static_cast<char>(std::tolower(c));
  }
  EXPECT_EQ(SigningString(p, {{"data", every}}, "S", LowerCase::kAscii), "data=" + expected + "&appsecret=s");
  EXPECT_EQ(SigningString(p, {{"data", every}}, "S"), "data=" + expected + "&appsecret=s") << "not UTF-8";
}

TEST(KeyCodec, ProvincialProfileSignsLikeTheNationalOne) {
  auto national = KeyCodec::Make(*Profiles().Find("national-1.0"), kSecret);
  auto gd = KeyCodec::Make(*Profiles().Find("gd-v1.3"), kSecret);
  ASSERT_TRUE(national.ok() && gd.ok());
  Form form{{"appid", "a"}, {"data", "{}"}, {"method", "Team.Add"}};
  EXPECT_EQ(gd->Sign(form), national->Sign(form));
  EXPECT_EQ(gd->EncryptField("11010519491231002X"), national->EncryptField("11010519491231002X"));
}

// Guangzhou family: MD5 of the sorted pairs with the key appended directly, no
// lower-casing; DES-ECB of the key's first 8 bytes, hex with a des: prefix. The
// expected values were computed with `md5sum` and `openssl enc -des-ecb`.
TEST(KeyCodec, GuangzhouProfileUsesMd5AndDesHex) {
  const Profile* p = Profiles().Find("gz-md5-des");
  ASSERT_NE(p, nullptr);
  auto codec = KeyCodec::Make(*p, kSecret);
  ASSERT_TRUE(codec.ok());
  EXPECT_EQ(codec->EncryptField("11010519491231002X"), "des:a75af6c38cb84af638b959a5f24c0fecb8c6b742dd6c024c");
  EXPECT_EQ(codec->DecryptField("des:a75af6c38cb84af638b959a5f24c0fecb8c6b742dd6c024c").value(), "11010519491231002X");
  EXPECT_FALSE(codec->DecryptField("a75af6c38cb84af638b959a5f24c0fecb8c6b742dd6c024c").ok());
  EXPECT_EQ(SigningString(*p, {{"timestamp", "2026-11-24 10:00:00"}, {"appKey", "K"}, {"sign", "x"}}, "S3"),
            "appKey=K&timestamp=2026-11-24 10:00:00S3");
  EXPECT_EQ(codec->Sign({{"appid", "44010620190101001"}, {"data", R"({"projectCode":"x"})"}}),
            "86368e77fe3f401be89a49ce4d4ad6f7");
}

// Meizhou family (research §3.2): MD5 in upper-case hex over the parameters and the body
// sorted by name, each name followed by its value with no separators, the secret at both
// ends. The expected value was computed with `printf '%s' … | md5sum`.
TEST(KeyCodec, MeizhouProfileWrapsTheConcatenatedPairsInTheSecret) {
  const Profile* p = Profiles().Find("mz-json-md5");
  ASSERT_NE(p, nullptr);
  auto codec = KeyCodec::Make(*p, kSecret);
  ASSERT_TRUE(codec.ok());
  const std::string body = R"({"projectCode":"44140020190101001","teamName":"钢筋班组"})";
  const Form form = {{"timestamp", "2026-11-24 10:00:00"},
                     {"api_key", "K1"},
                     {"api_version", "1.0"},
                     {"body", body},
                     {"signature", "x"},
                     {"stray", "not signed"}};
  EXPECT_EQ(SigningString(*p, form, "S"), "Sapi_keyK1api_version1.0body" + body + "timestamp2026-11-24 10:00:00S");
  EXPECT_EQ(codec->Sign(form), "6DC0E19328BA730B350C14C20FD05FEF");
  EXPECT_TRUE(codec->Verify(form, "6DC0E19328BA730B350C14C20FD05FEF"));
  EXPECT_FALSE(codec->Verify(form, "6dc0e19328ba730b350c14c20fd05fef"));
}

// A JSON-body standard sends the data as the body and the other parameters as the query
// string; the sandbox reads them back into the same form. A form-encoded one sends
// everything in the body, as before.
TEST(Wire, AJsonBodyStandardPutsTheDataInTheBodyAndTheRestInTheQuery) {
  const Profile* mz = Profiles().Find("mz-json-md5");
  ASSERT_NE(mz, nullptr);
  const std::string body = R"({"teamName":"钢筋 班组&1"})";
  const Form form = {{"api_key", "K1"},
                     {"api_version", "1.0"},
                     {"timestamp", "2026-11-24 10:00:00"},
                     {"body", body},
                     {"signature", "ABC"}};
  const WireRequest wire = ToWire(*mz, form);
  EXPECT_EQ(wire.body, body);
  EXPECT_EQ(wire.content_type, "application/json; charset=UTF-8");
  EXPECT_EQ(wire.query.find("body="), std::string::npos);
  auto back = FromWire(*mz, wire.query, wire.body);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*FormValue(*back, "timestamp"), "2026-11-24 10:00:00");
  EXPECT_EQ(*FormValue(*back, "body"), body);
  EXPECT_EQ(back->size(), form.size());
  // The query may not name the body too: which of the two was signed would be a guess.
  EXPECT_FALSE(FromWire(*mz, wire.query + "&body=%7B%7D", wire.body).ok());
  EXPECT_FALSE(FromWire(*mz, "a=%G1", wire.body).ok());
  EXPECT_EQ(wire.Target("/sandbox/441400/Team.Add"), "/sandbox/441400/Team.Add?" + wire.query);
  EXPECT_EQ(wire.Target("/city?x=1"), "/city?x=1&" + wire.query);

  const Profile* national = Profiles().Find("national-1.0");
  const WireRequest as_form = ToWire(*national, {{"appid", "A"}, {"data", "{}"}});
  EXPECT_EQ(as_form.query, "");
  EXPECT_EQ(as_form.Target("/city?x=1"), "/city?x=1") << "no query, the URL as it is";
  EXPECT_EQ(as_form.content_type, "application/x-www-form-urlencoded; charset=UTF-8");
  EXPECT_EQ(FromWire(*national, "ignored=1", as_form.body).value(), (Form{{"appid", "A"}, {"data", "{}"}}));
}

TEST(Form, ParsesAndEncodesRoundTrip) {
  auto form = ParseForm("a=1&b=%E4%B8%AD+x&c=&a=2&=skip");
  EXPECT_FALSE(form.ok());  // an empty name is malformed
  form = ParseForm("a=1&b=%E4%B8%AD+x&c=&a=2");
  ASSERT_TRUE(form.ok());
  ASSERT_EQ(form->size(), 3u);
  EXPECT_EQ(*FormValue(*form, "a"), "1");
  EXPECT_EQ(*FormValue(*form, "b"), "中 x");
  EXPECT_EQ(*FormValue(*form, "c"), "");
  EXPECT_EQ(ParseForm(EncodeForm(*form)).value(), *form);
  EXPECT_FALSE(ParseForm("a=%G1").ok());
  EXPECT_FALSE(ParseForm("a=%4").ok());
}

TEST(Form, RefusesMoreDistinctNamesThanTheBound) {
  // Each name is looked up among the ones before it: without the bound, a megabyte of
  // distinct names took tens of seconds of a server thread.
  auto names = [](std::size_t n) {
    std::string body;
    for (std::size_t i = 0; i < n; ++i) body += (i ? "&f" : "f") + std::to_string(i) + "=v";
    return body;
  };
  EXPECT_EQ(ParseForm(names(kMaxFormFields)).value().size(), kMaxFormFields);
  const auto over = ParseForm(names(kMaxFormFields + 1));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kInvalidField);
  EXPECT_FALSE(ParseForm(names(200000)).ok());
  // Repeated names keep their first value and do not count again.
  std::string repeated = names(kMaxFormFields);
  for (int i = 0; i < 100; ++i) repeated += "&f0=again";
  EXPECT_EQ(*FormValue(ParseForm(repeated).value(), "f0"), "v");
}

}  // namespace
}  // namespace liantiao::standard
