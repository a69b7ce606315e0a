#include "standard/profile.h"

#include <gtest/gtest.h>

#include <fstream>

#include "standard/shipped_profiles.h"

namespace liantiao::standard {
namespace {

// What the admin's city page offers: every loaded profile with its family traits,
// read from the profile files rather than a list in the web app.
TEST(DescribeProfiles, ListsEveryShippedProfileWithItsFamilyTraits) {
  const json list = DescribeProfiles(ShippedProfiles());
  ASSERT_EQ(list.size(), ShippedProfiles().Names().size());
  ASSERT_GE(list.size(), 3u);
  std::map<std::string, json> by_name;
  for (const json& p : list) by_name[p["name"]] = p;

  const json& gd = by_name.at("gd-v1.3");
  EXPECT_EQ(gd["extends"], "national-1.0");
  EXPECT_EQ(gd["signature"], "sha256");
  EXPECT_GT(gd["methods"].get<int>(), 0);
  EXPECT_GT(gd["required_cases"].get<int>(), 0);
  EXPECT_LE(gd["required_cases"].get<int>(), gd["cases"].get<int>());

  const json& gz = by_name.at("gz-md5-des");
  EXPECT_EQ(gz["signature"], "md5");
  EXPECT_EQ(gz["style"], "per_method");
  EXPECT_TRUE(by_name.at("national-1.0")["extends"].is_null());
}

// signature.fields is a list of parameter names or all_except_sign; anything else
// fails the set with a message naming it, not a profile signing nothing.
TEST(ProfileSet, SignedFieldsMustBeAListOfNamesOrAllExceptSign) {
  const auto with_fields = [](const std::string& fields) {
    return ProfileSet::Build(
        {{"p",
          {{"profile.json", R"({"name": "p", "errors": {"success": {"code": "0"}, "malformed_form": {"code": "-1"},
                                 "bad_signature": {"code": "-2"}, "server_error": {"code": "9999"}},
                                 "signature": {"fields": )" + fields + "}}"}}}});
  };
  for (const char* bad : {R"("some")", R"([1, 2])", "7"}) {
    auto set = with_fields(bad);
    ASSERT_FALSE(set.ok()) << bad;
    EXPECT_NE(set.error().message.find("signature.fields"), std::string::npos) << set.error().message;
  }
  for (const char* good : {R"("all_except_sign")", R"(["appid", "data"])"}) {
    auto set = with_fields(good);
    ASSERT_TRUE(set.ok()) << good << ": " << set.error().message;
  }
  EXPECT_EQ(with_fields(R"(["appid", "data"])")->Find("p")->signature.fields,
            (std::vector<std::string>{"appid", "data"}));
}

// A nonce window (the standard's, or twice the skew when longer) is at most an hour:
// the sandbox files nonces by the hour they arrived in. A longer one fails the set.
TEST(ProfileSet, ANonceWindowIsAtMostAnHour) {
  const auto with = [](const std::string& window, const std::string& skew) {
    return ProfileSet::Build(
        {{"p",
          {{"profile.json", R"({"name": "p", "errors": {"success": {"code": "0"}, "malformed_form": {"code": "-1"},
                                 "bad_signature": {"code": "-2"}, "server_error": {"code": "9999"}},
                                 "nonce": {"window_seconds": )" + window + R"(},
                                 "timestamp": {"max_skew_seconds": )" + skew + "}}"}}}});
  };
  auto fits = with("900", "600");
  ASSERT_TRUE(fits.ok()) << fits.error().message;
  EXPECT_EQ(fits->Find("p")->NonceWindowSeconds(), 1200) << "twice the skew, longer than the window";
  EXPECT_EQ(with("3600", "60")->Find("p")->NonceWindowSeconds(), 3600);
  for (const auto& [window, skew] : {std::pair{"3601", "60"}, std::pair{"900", "1801"}, std::pair{"-1", "60"}}) {
    auto set = with(window, skew);
    ASSERT_FALSE(set.ok()) << window << " " << skew;
    EXPECT_NE(set.error().message.find("nonce.window_seconds"), std::string::npos) << set.error().message;
  }
}

// What a query filters on is data: the method file's `filters`, each naming a field
// the request may send.
TEST(ProfileSet, QueryFiltersAreReadFromTheMethodFiles) {
  const Profile* gd = ShippedProfiles().Find("gd-v1.3");
  ASSERT_NE(gd, nullptr);
  const MethodSpec* attendance = gd->FindMethod("WorkerAttendance.Query");
  ASSERT_NE(attendance, nullptr);
  std::map<std::string, QueryFilter> by_param;
  for (const QueryFilter& f : attendance->filters) by_param[f.param] = f;
  ASSERT_TRUE(by_param.contains("date"));
  EXPECT_TRUE(by_param["date"].prefix) << "a day names the records of its date-times";
  ASSERT_TRUE(by_param.contains("idCardNumber"));
  EXPECT_FALSE(by_param["idCardNumber"].prefix);
  EXPECT_EQ(by_param["teamSysNo"].field, "teamSysNo");

  const auto build = [](const std::string& filters) {
    return ProfileSet::Build(
        {{"p",
          {{"profile.json", R"({"name": "p", "errors": {"success": {"code": "0"}, "malformed_form": {"code": "-1"},
                                 "bad_signature": {"code": "-2"}, "server_error": {"code": "9999"}}})"},
           {"methods/X.Query.json", R"({"method": "X.Query", "effect": "team.query", "filters": )" + filters +
                                        R"(, "schema": {"type": "object", "properties": {"teamName": {"type": "string"}}}})"}}}});
  };
  EXPECT_TRUE(build(R"([{"param": "teamName"}])").ok());
  EXPECT_FALSE(build(R"([{"param": "teamSysNo"}])").ok()) << "a filter the request cannot send";
  EXPECT_FALSE(build(R"([{"param": "teamName", "match": "like"}])").ok());
}

// The fields a profile sends encrypted, wherever a method's schema marks them.
TEST(ProfileSet, CipherFieldsAreEveryEncryptedPropertyOfEveryMethod) {
  const Profile* gd = ShippedProfiles().Find("gd-v1.3");
  ASSERT_NE(gd, nullptr);
  for (const char* field : {"idCardNumber", "responsiblePersonIDNumber", "teamLeaderIDNumber", "pmIDCardNumber",
                            "payRollBankCardNumber", "payBankCardNumber", "bankNumber"}) {
    EXPECT_TRUE(gd->cipher_fields.contains(field)) << field;
  }
  EXPECT_FALSE(gd->cipher_fields.contains("cellPhone"));
  EXPECT_FALSE(gd->cipher_fields.contains("workerName"));
}

// 行政区划 as a prefix dictionary: a province, or in Guangdong one of the 21
// prefectures; the county part is not listed.
TEST(ProfileSet, AreaCodesMustStartWithAKnownDivision) {
  const Profile* gd = ShippedProfiles().Find("gd-v1.3");
  ASSERT_NE(gd, nullptr);
  EXPECT_EQ(gd->DictionaryTitle("areaDivision"), "行政区划");
  for (const char* good : {"440106", "440300", "441900", "445381", "440000", "110105", "820000"}) {
    EXPECT_TRUE(gd->InDictionary("areaDivision", good)) << good;
  }
  for (const char* bad : {"990106", "441006", "444444", "000000", "44", ""}) {
    EXPECT_FALSE(gd->InDictionary("areaDivision", bad)) << bad;
  }
  // Guangdong's prefectures are exactly the platform's 21 cities.
  std::ifstream in(std::string(LIANTIAO_SOURCE_DIR) + "/data/guangdong-cities.json");
  const json cities = json::parse(in, nullptr, false);
  ASSERT_TRUE(cities.contains("cities"));
  std::set<std::string> listed, expected;
  for (const auto& [code, unused] : gd->dictionaries["areaDivision"]["codes"].items()) {
    if (code.size() == 4 && code.starts_with("44")) listed.insert(code);
  }
  for (const json& c : cities["cities"]) expected.insert(c["code"].get<std::string>().substr(0, 4));
  EXPECT_EQ(listed, expected);
  // An exact dictionary still wants the whole code.
  EXPECT_TRUE(gd->InDictionary("currency", "CNY"));
  EXPECT_FALSE(gd->InDictionary("currency", "CNYX"));
}

// A schema naming a dictionary the profile lacks, or a dictionary of an unknown kind,
// fails the set at load with a message naming it, not every value refused later.
TEST(ProfileSet, DictionariesASchemaNamesMustExist) {
  const auto build = [](const std::string& dictionaries, const std::string& dict) {
    return ProfileSet::Build(
        {{"p",
          {{"profile.json", R"({"name": "p", "errors": {"success": {"code": "0"}, "malformed_form": {"code": "-1"},
                                 "bad_signature": {"code": "-2"}, "server_error": {"code": "9999"}}})"},
           {"dictionaries.json", dictionaries},
           {"methods/X.Add.json", R"({"method": "X.Add", "effect": "team.add", "schema": {"type": "object",
                                     "properties": {"list": {"type": "array", "items": {"type": "object",
                                     "properties": {"kind": {"type": "string", "x-dict": ")" + dict + R"("}}}}}}})"}}}});
  };
  const std::string dicts = R"({"kinds": {"title": "类别", "codes": {"1": "一"}}})";
  EXPECT_TRUE(build(dicts, "kinds").ok());
  auto missing = build(dicts, "kindz");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("kindz"), std::string::npos) << missing.error().message;
  auto bad_match = build(R"({"kinds": {"codes": {"1": "一"}, "match": "like"}})", "kinds");
  ASSERT_FALSE(bad_match.ok());
  EXPECT_NE(bad_match.error().message.find("match"), std::string::npos) << bad_match.error().message;
  EXPECT_FALSE(build(R"({"kinds": {"title": "类别"}})", "kinds").ok()) << "a dictionary without codes";
}

TEST(DescribeProfiles, AnEmptySetIsAnEmptyList) {
  EXPECT_EQ(DescribeProfiles(ProfileSet()), json::array());
}

}  // namespace
}  // namespace liantiao::standard
