#include "standard/validate.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "standard/shipped_profiles.h"

namespace liantiao::standard {
namespace {

// GB 11643: the check character, and a birth date that is a real day after 1900-01-01
// and before today.
TEST(IdNumber, ChecksItsCharacterAndABirthBeforeToday) {
  const auto with_check = [](const std::string& first17) {
    static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (first17[static_cast<std::size_t>(i)] - '0') * kWeights[i];
    return first17 + "10X98765432"[sum % 11];
  };
  EXPECT_TRUE(IsValidIdNumber("11010519491231002X", "2026-10-20"));
  EXPECT_FALSE(IsValidIdNumber("110105194912310021", "2026-10-20")) << "wrong check character";
  EXPECT_TRUE(IsValidIdNumber(with_check("11010520261019001"), "2026-10-20")) << "born yesterday";
  EXPECT_FALSE(IsValidIdNumber(with_check("11010520261020001"), "2026-10-20")) << "born today";
  EXPECT_FALSE(IsValidIdNumber(with_check("11010520261021001"), "2026-10-20")) << "born tomorrow";
  EXPECT_TRUE(IsValidIdNumber(with_check("11010519000102001"), "2026-10-20"));
  EXPECT_FALSE(IsValidIdNumber(with_check("11010519000101001"), "2026-10-20")) << "not after 1900-01-01";
  EXPECT_FALSE(IsValidIdNumber(with_check("11010520250229001"), "2026-10-20")) << "no such day";
}

const ProfileSet& Profiles() { return ShippedProfiles(); }

const CivilNow kNow{"2026-10-20", "2026-10-20 10:00:00", "2026-10"};

// Reproduced with fuzz/sandbox_fuzz on a hand-made input (deeper than its 64 KB runs
// reach): an array nested 400,000 deep where a string is expected (a signed body under
// the 1 MB limit) overflowed the stack while the type violation quoted the value
// (json::dump recurses once per level).
TEST(Mask, PhonesKeepThreeAndFourIdNumbersSixAndFour) {
  EXPECT_EQ(MaskPhone("13800001000"), "138****1000");
  EXPECT_EQ(MaskPhone("020-00000000"), "020*****0000");
  EXPECT_EQ(MaskPhone("1234567"), "*******");
  EXPECT_EQ(MaskNumber("11010519491231002X"), "110105********002X");
}

TEST(ValidateData, DeeplyNestedValueOfTheWrongTypeIsAViolationNotACrash) {
  const Profile* p = Profiles().Find("national-1.0");
  ASSERT_NE(p, nullptr);
  const MethodSpec* m = p->FindMethod("Team.Add");
  ASSERT_NE(m, nullptr);
  constexpr std::size_t kDepth = 400000;
  const json data = json::parse(R"({"teamName":)" + std::string(kDepth, '[') + std::string(kDepth, ']') + "}");
  const auto violations = ValidateData(*m->data_schema, data, kNow);
  auto it =
      std::find_if(violations.begin(), violations.end(), [](const Violation& v) { return v.path == "[teamName]"; });
  ASSERT_NE(it, violations.end());
  EXPECT_EQ(it->kind, "type");
  EXPECT_EQ(it->params.at("value"), std::string(40, '[') + "…");
}

// The quoted value is the start of its JSON text, as before the fix.
TEST(ValidateData, WrongTypeQuotesTheValuesJsonTextShortened) {
  const Profile* p = Profiles().Find("national-1.0");
  const MethodSpec* m = p->FindMethod("Team.Add");
  ASSERT_NE(m, nullptr);
  const json small = {{"teamName", json::array({1, "a", json::object({{"k", nullptr}})})}};
  const json long_value = {
      {"teamName", json::object({{"aaaaaaaaaa", json::array({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})}})}};
  auto value_of = [&](const json& data) {
    for (const auto& v : ValidateData(*m->data_schema, data, kNow)) {
      if (v.path == "[teamName]") return v.params.at("value");
    }
    return std::string("(none)");
  };
  EXPECT_EQ(value_of(small), R"([1,"a",{"k":null}])");
  const std::string full = long_value["teamName"].dump();
  ASSERT_GT(full.size(), 40u);
  EXPECT_EQ(value_of(long_value), full.substr(0, 40) + "…");
}

// Amounts and hours may come as numbers or as text; either way they are decimals of
// the standard's precision (research §5.3: decimal(16,2), workHours decimal(5,2)).
TEST(ValidateData, AmountsAndHoursAreDecimalsWhetherSentAsNumbersOrText) {
  const Profile* p = Profiles().Find("national-1.0");
  const MethodSpec* m = p->FindMethod("Payroll.Add");
  ASSERT_NE(m, nullptr);
  const Schema& detail = *m->data_schema->Property("detailList")->items;
  auto kinds_at = [&](const std::string& field, const json& value) {
    std::vector<std::string> kinds;
    for (const auto& v : ValidateData(*detail.Property(field), value, kNow)) kinds.push_back(v.kind);
    return kinds;
  };
  const std::vector<std::string> none, pattern = {"pattern"};
  EXPECT_EQ(kinds_at("totalPayAmount", 8000.12), none);
  EXPECT_EQ(kinds_at("totalPayAmount", "8000.12"), none);
  EXPECT_EQ(kinds_at("totalPayAmount", 8000), none);
  EXPECT_EQ(kinds_at("totalPayAmount", 8000.123), pattern);
  EXPECT_EQ(kinds_at("totalPayAmount", "8000.123"), pattern);
  EXPECT_EQ(kinds_at("totalPayAmount", 1e20), pattern);
  EXPECT_EQ(kinds_at("workHours", 160.5), none);
  EXPECT_EQ(kinds_at("workHours", "160"), none);
  EXPECT_EQ(kinds_at("workHours", "abc"), pattern);
  EXPECT_EQ(kinds_at("workHours", "1000"), pattern);
}

std::vector<std::string> KindsAt(const std::string& method, const json& data, const std::string& path) {
  const Profile* p = Profiles().Find("national-1.0");
  std::vector<std::string> kinds;
  for (const auto& v : ValidateData(*p->FindMethod(method)->data_schema, data, kNow)) {
    if (v.path == path) kinds.push_back(v.kind);
  }
  return kinds;
}

// Rules between the members of one object, as data: a back-pay month is required
// for back pay and not in the future; a contract does not end before it starts, nor
// a sub-contractor leave before it entered (research §2.10.2, §2.10.8).
TEST(ValidateData, MembersAreCheckedAgainstTheirSiblings) {
  const std::vector<std::string> none, required = {"required"}, order = {"date_order"};
  auto payroll = [](const json& detail) { return json{{"detailList", {detail}}}; };
  const std::string back_pay = "[detailList][0][backPayMonth]";
  EXPECT_EQ(KindsAt("Payroll.Add", payroll({{"isBackPay", 1}}), back_pay), required);
  EXPECT_EQ(KindsAt("Payroll.Add", payroll({{"isBackPay", "1"}, {"backPayMonth", nullptr}}), back_pay), required);
  EXPECT_EQ(KindsAt("Payroll.Add", payroll({{"isBackPay", 0}}), back_pay), none);
  EXPECT_EQ(KindsAt("Payroll.Add", payroll({{"isBackPay", 1}, {"backPayMonth", "2026-09"}}), back_pay), none);
  EXPECT_EQ(KindsAt("Payroll.Add", payroll({{"isBackPay", 1}, {"backPayMonth", "2026-11"}}), back_pay),
            (std::vector<std::string>{"not_future"}));

  auto contract = [](const std::string& start, const std::string& end) {
    return json{{"contractList", {{{"startDate", start}, {"endDate", end}}}}};
  };
  const std::string end = "[contractList][0][endDate]";
  EXPECT_EQ(KindsAt("WorkerContract.Add", contract("2026-01-01", "2025-12-31"), end), order);
  EXPECT_EQ(KindsAt("WorkerContract.Add", contract("2026-01-01", "2026-01-01"), end), none);
  EXPECT_EQ(KindsAt("WorkerContract.Add", contract("2026-01-01", "2027-12-31"), end), none);

  auto sub = [](const std::string& entry, const std::string& exit) {
    return json{{"entryTime", entry}, {"exitTime", exit}};
  };
  EXPECT_EQ(KindsAt("ProjectSubContractor.Add", sub("2026-03-01", "2026-02-28 18:00:00"), "[exitTime]"), order);
  EXPECT_EQ(KindsAt("ProjectSubContractor.Add", sub("2026-03-01 08:00:00", "2026-03-01"), "[exitTime]"), none);
  EXPECT_EQ(KindsAt("ProjectSubContractor.Add", sub("2026-03-01", "2026-10-01 18:00:00"), "[exitTime]"), none);
  // The day alone is a date a working client sends (research §2.10.2).
  EXPECT_EQ(KindsAt("ProjectSubContractor.Add", sub("2026-03-01", "2026-10-20"), "[entryTime]"), none);
  EXPECT_EQ(KindsAt("ProjectSubContractor.Add", sub("2026-3-1", "2026-10-20"), "[entryTime]"),
            (std::vector<std::string>{"format_date_or_datetime"}));
  EXPECT_EQ(KindsAt("ProjectSubContractor.Add", sub("2026-03-01", "2026-10-21"), "[exitTime]"),
            (std::vector<std::string>{"not_future"}));
}

// A credit code of the right form whose check character fails is notable: a profile may
// accept it (Profile::noted), since legal codes of some early pilot regions fail it
// (research 5.2). A code of the wrong form is not notable; a valid one is no violation.
TEST(ValidateData, ACreditCodeFailingOnlyItsCheckCharacterIsNotable) {
  const MethodSpec* team = Profiles().Find("national-1.0")->FindMethod("Team.Add");
  ASSERT_NE(team, nullptr);
  const auto at_corp = [&](const std::string& code) {
    std::vector<Violation> out;
    for (Violation& v : ValidateData(*team->data_schema, json{{"corpCode", code}}, kNow)) {
      if (v.path == "[corpCode]") out.push_back(std::move(v));
    }
    return out;
  };
  const auto pilot = at_corp("91350100M0001TGQXM");
  ASSERT_EQ(pilot.size(), 1u);
  EXPECT_EQ(pilot[0].kind, "credit_code");
  EXPECT_EQ(pilot[0].notable, "credit_code_checksum");
  for (const char* malformed : {"91350100M0001TGQX", "91350100M0001TGQXO", "9135010AM0001TGQXM"}) {
    const auto v = at_corp(malformed);
    ASSERT_EQ(v.size(), 1u) << malformed;
    EXPECT_EQ(v[0].kind, "credit_code") << malformed;
    EXPECT_EQ(v[0].notable, "") << malformed;
  }
  EXPECT_TRUE(at_corp("91350200MA2YJ1XR9G").empty());
}

// A field may word a violation its own way (x-messages), as real servers do for the
// payroll's month and pay date; other fields keep the catalogue's wording.
TEST(ValidateData, AFieldsOwnWordingReplacesTheCataloguesMessage) {
  const Profile* p = Profiles().Find("national-1.0");
  const MethodSpec* m = p->FindMethod("Payroll.Add");
  ASSERT_NE(m, nullptr);
  const json data = {{"payMonth", "2026-11"},
                     {"detailList", {{{"balanceDate", "2026-10-21"}, {"isBackPay", 1}, {"backPayMonth", "2026-11"}}}}};
  std::map<std::string, std::string> messages;
  for (const auto& v : ValidateData(*m->data_schema, data, kNow)) {
    if (v.kind == "not_future") messages[v.path] = ViolationMessage(*p, v);
  }
  EXPECT_EQ(messages["[payMonth]"], "[payMonth]不能大于今天!");
  EXPECT_EQ(messages["[detailList][0][balanceDate]"], "[detailList][0][balanceDate]发放日期不能大于今天");
  EXPECT_EQ(messages["[detailList][0][backPayMonth]"], "[detailList][0][backPayMonth]不能大于当天!");
}

}  // namespace
}  // namespace liantiao::standard
