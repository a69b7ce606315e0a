#include "standard/profile.h"

#include <gtest/gtest.h>

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
// fails the set with a message naming the profile, not a profile signing nothing.
TEST(ProfileSet, SignedFieldsMustBeAListOfNamesOrAllExceptSign) {
  const auto with_fields = [](const std::string& fields) {
    return ProfileSet::Build({{"p", {{"profile.json", R"({"name": "p", "title": "t", "version": "1",
                                                        "signature": {"fields": )" + fields + "}}"}}}});
  };
  for (const char* bad : {R"("some")", R"([1, 2])", "7"}) {
    auto set = with_fields(bad);
    ASSERT_FALSE(set.ok()) << bad;
    EXPECT_NE(set.error().message.find("signature.fields"), std::string::npos) << set.error().message;
  }
  for (const char* good : {R"("all_except_sign")", R"(["appid", "data"])"}) {
    auto set = with_fields(good);
    if (!set.ok()) {
      // A minimal profile may lack other parts; only the signature must not be why.
      EXPECT_EQ(set.error().message.find("signature.fields"), std::string::npos) << set.error().message;
    }
  }
}

TEST(DescribeProfiles, AnEmptySetIsAnEmptyList) {
  EXPECT_EQ(DescribeProfiles(ProfileSet()), json::array());
}

}  // namespace
}  // namespace liantiao::standard
