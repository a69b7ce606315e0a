#include "domain/credit_code.h"

#include <gtest/gtest.h>

namespace liantiao::domain {
namespace {

TEST(CreditCode, AcceptsValidCodes) {
  // 91350100M000100Y43 is the example published with GB 32100; the others were
  // computed independently of this implementation.
  for (const char* code : {"91350100M000100Y43", "91440101MA59ABCD1D", "91440300MA5FXY712F"}) {
    EXPECT_TRUE(CheckCreditCode(code).ok()) << code;
  }
}

TEST(CreditCode, WrongCheckCharacterIsWellFormedButFails) {
  auto c = CheckCreditCode("91350100M000100Y44");
  EXPECT_TRUE(c.well_formed);
  EXPECT_FALSE(c.checksum_ok);
  EXPECT_FALSE(c.ok());
}

TEST(CreditCode, RejectsMalformed) {
  for (const char* code :
       {"", "91350100M000100Y4", "91350100M000100Y433", "91350100M000100I43", "91350100M000100O43",
        "9135A100M000100Y43", "91350100m000100y43", "91350100M000100S43", "91350100M000100V43", "91350100M000100Z43"}) {
    EXPECT_FALSE(CheckCreditCode(code).well_formed) << code;
    EXPECT_FALSE(CheckCreditCode(code).problem.empty()) << code;
  }
}

TEST(CreditCode, RefusesAZeroAuthorityOrDivisionWhateverItsCheckCharacter) {
  for (const char* first17 : {"00000000000000000", "03440100MA5CXXXX1", "91000000MA5CXXXX1"}) {
    const std::string code = CompleteCreditCode(first17);
    ASSERT_EQ(code.size(), 18u) << first17;
    EXPECT_FALSE(CheckCreditCode(code).well_formed) << code;
  }
  EXPECT_TRUE(CheckCreditCode(CompleteCreditCode("91440100MA5CXXXX1")).ok());
}

TEST(CreditCode, SaysWhatIsWrong) {
  EXPECT_EQ(CheckCreditCode("91350100m000100y43").problem, "字母须为大写");
  EXPECT_EQ(CheckCreditCode("9135").problem, "应为 18 位");
  EXPECT_TRUE(CheckCreditCode("91350100M000100Y43").problem.empty())
      << "well formed; its check character is another matter";
}

TEST(OrganizationCode, ChecksPositionsNineToSeventeenOfRealCodes) {
  // The GB 32100 example and codes of registered enterprises (interface research, 5.2).
  for (const char* credit : {"91350100M000100Y43", "91440101MA5CJQ4N59", "913311001484116584", "91350200MA2YJ1XR9G"}) {
    const std::string_view code(credit);
    EXPECT_TRUE(OrganizationCodeOk(code.substr(8, 9))) << code;
    EXPECT_EQ(OrganizationCheckCharacter(code.substr(8, 8)), code[16]) << code;
  }
}

TEST(OrganizationCode, CheckCharacterCoversZeroAndX) {
  // The check character is 11 − (Σ mod 11), 11 written '0' and 10 'X'. Weights 3, 7,
  // 9, 10, 5, 8, 4, 2: Σ = 3 → 8; Σ = 0 → '0'; Σ = 2 → 9; Σ = 10 → 1; Σ = 12 → 'X'.
  EXPECT_EQ(OrganizationCheckCharacter("10000000"), '8');
  EXPECT_EQ(OrganizationCheckCharacter("00000000"), '0');
  EXPECT_EQ(OrganizationCheckCharacter("00000001"), '9');
  EXPECT_EQ(OrganizationCheckCharacter("00010000"), '1');
  EXPECT_EQ(OrganizationCheckCharacter("40000000"), 'X');
  EXPECT_TRUE(OrganizationCodeOk("40000000X"));
  EXPECT_FALSE(OrganizationCodeOk("40000000x"));
}

TEST(OrganizationCode, RefusesWhatIsNotEightDigitsOrCapitals) {
  for (const char* bad : {"", "1234567", "123456789", "ma5cjq4n", "MA5CJQ4-", "MA5CJQ4\xe4"}) {
    EXPECT_EQ(OrganizationCheckCharacter(bad), '\0') << bad;
  }
  EXPECT_FALSE(OrganizationCodeOk("MA5CJQ4N"));
  EXPECT_FALSE(OrganizationCodeOk("MA5CJQ4N4"));
}

TEST(IsDivisionCodeForm, SixDigitsOnly) {
  EXPECT_TRUE(IsDivisionCodeForm("440100"));
  EXPECT_TRUE(IsDivisionCodeForm("440106"));
  for (const char* bad : {"", "4401", "4401000", "44010A", " 44010", "４４０１００"}) {
    EXPECT_FALSE(IsDivisionCodeForm(bad)) << bad;
  }
}

}  // namespace
}  // namespace liantiao::domain
