#include "standard/tokens.h"

#include <gtest/gtest.h>

#include "crypto/crypto.h"
#include "standard/shipped_profiles.h"

namespace liantiao::standard {
namespace {

using nlohmann::json;

TEST(FillTokensTest, ReplacesTokensInsideStringsAndKeepsAWholeTokensType) {
  const std::map<std::string, json> values = {{"projectCode", "44040020260001"}, {"teamSysNo", 17}};
  const json filled = FillTokens(json::parse(R"({
      "projectCode": "${projectCode}",
      "teamSysNo": "${teamSysNo}",
      "teamName": "班组${teamSysNo}-${projectCode}",
      "list": [{"n": "${teamSysNo}"}, 3, true, null]})"),
                                 values);
  EXPECT_EQ(filled["projectCode"], "44040020260001");
  EXPECT_EQ(filled["teamSysNo"], 17);  // a number, not "17"
  EXPECT_EQ(filled["teamName"], "班组17-44040020260001");
  EXPECT_EQ(filled["list"], json::parse(R"([{"n": 17}, 3, true, null])"));
}

TEST(FillTokensTest, LeavesATokenWithoutAValueAndFirstTokenNamesIt) {
  const json filled =
      FillTokens(json::parse(R"({"a": "${today}", "b": ["x", "at ${nope} and ${nope2}"]})"), {{"today", "2026-12-07"}});
  EXPECT_EQ(filled["a"], "2026-12-07");
  EXPECT_EQ(FirstToken(filled), "${nope}");
  EXPECT_EQ(FirstToken(json::parse(R"({"a": "${unclosed"})")), "${");
  EXPECT_EQ(FirstToken(json::parse(R"({"a": "$ {x} {y}", "b": 1})")), "");
}

TEST(FillTokensTest, AValueContainingItsOwnTokenIsFilledOnce) {
  EXPECT_EQ(FillTokens(json("${a}${a}"), {{"a", "${a}"}}), "${a}${a}");
}

TEST(MonthAfterTest, RollsOverTheYearAndRefusesOtherForms) {
  EXPECT_EQ(MonthAfter("2026-11"), "2026-12");
  EXPECT_EQ(MonthAfter("2026-12"), "2027-01");
  EXPECT_EQ(MonthAfter("2026-13"), "");
  EXPECT_EQ(MonthAfter("2026-1"), "");
  EXPECT_EQ(MonthAfter("2026/12"), "");
  EXPECT_EQ(MonthAfter("20x6-12"), "");
}

// The tokens a sender knows before sending: dates in Shanghai time (a UTC evening is
// the next day there), the key's identity, and images on either side of the limits.
TEST(ExampleTokensTest, DatesAreShanghaisAndImagesStraddleTheLimits) {
  const Instant new_year_eve_utc = ParseInstant("2026-12-31T17:30:05Z").value();  // 01:30:05 in Shanghai
  const auto tokens = ExampleTokens({"440400202612010001", "91440400MA4UJ5KX2B", "某建设集团"}, new_year_eve_utc);
  EXPECT_EQ(tokens.at("today"), "2027-01-01");
  EXPECT_EQ(tokens.at("tomorrow"), "2027-01-02");
  EXPECT_EQ(tokens.at("now"), "2027-01-01 01:30:05");
  EXPECT_EQ(tokens.at("month"), "2027-01");
  EXPECT_EQ(tokens.at("next_month"), "2027-02");
  EXPECT_EQ(tokens.at("projectCode"), "440400202612010001");
  EXPECT_EQ(tokens.at("corpCode"), "91440400MA4UJ5KX2B");
  EXPECT_EQ(tokens.at("corpName"), "某建设集团");

  const auto decoded = [&](const std::string& name, const std::string& mime) {
    const std::string uri = tokens.at(name);
    const std::string prefix = "data:" + mime + ";base64,";
    EXPECT_TRUE(uri.starts_with(prefix)) << name << ": " << uri.substr(0, 40);
    auto bytes = crypto::Base64Decode(uri.substr(prefix.size()));
    return bytes.ok() ? *bytes : std::string();
  };
  EXPECT_TRUE(decoded("image_png", "image/png").starts_with("\x89PNG\r\n\x1a\n"));
  EXPECT_EQ(decoded("image_jpg", "image/jpeg").size(), 600u);
  const std::string big = decoded("image_big", "image/jpeg");
  EXPECT_GT(big.size(), 50u * 1024) << "over the 50 KB limit";
  EXPECT_TRUE(big.starts_with("\xFF\xD8\xFF")) << "a JPEG by its signature";
  EXPECT_TRUE(decoded("image_bmp", "image/bmp").starts_with("BM"));
  EXPECT_EQ(SampleJpeg(2).size(), SampleJpeg(4).size()) << "never shorter than the signature";
}

// What a write's answer assigned, for the requests after it: a team number as sent in
// the clear or under gz's DES cipher, an added project's code; nothing else changes.
TEST(NoteAssignedTest, TakesTheTeamNumberClearOrEncryptedAndTheAddedProjectsCode) {
  const Profile* gz = ShippedProfiles().Find("gz-md5-des");
  ASSERT_NE(gz, nullptr);
  auto codec = KeyCodec::Make(*gz, "0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(codec.ok()) << codec.error().message;

  std::map<std::string, json> values = {{"today", "2026-12-07"}};
  NoteAssigned("Team.Add", {{"teamSysNo", 100000007}}, *codec, values);
  EXPECT_EQ(values.at("teamSysNo"), 100000007);
  NoteAssigned("Team.Add", {{"teamSysNo", codec->EncryptField("100000008")}}, *codec, values);
  EXPECT_EQ(values.at("teamSysNo"), 100000008) << "decrypted, and a number";
  NoteAssigned("Team.Add", json::object(), *codec, values);
  EXPECT_EQ(values.at("teamSysNo"), 100000008) << "an answer without one leaves it";
  EXPECT_EQ(AssignedTeamNumber({{"teamSysNo", "des:nothex"}}, *codec), 0);

  NoteAssigned("Project.Add", {{"projectCode", "440106202612070001"}}, *codec, values);
  EXPECT_EQ(values.at("addedProjectCode"), "440106202612070001");
  NoteAssigned("ProjectWorker.Add", {{"projectCode", "x"}, {"teamSysNo", 1}}, *codec, values);
  EXPECT_EQ(values.at("addedProjectCode"), "440106202612070001") << "only what those two methods assign";
  EXPECT_EQ(values.at("teamSysNo"), 100000008);
  EXPECT_EQ(values.size(), 3u);
}

}  // namespace
}  // namespace liantiao::standard
