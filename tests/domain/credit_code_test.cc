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

TEST(IsDivisionCodeForm, SixDigitsOnly) {
  EXPECT_TRUE(IsDivisionCodeForm("440100"));
  EXPECT_TRUE(IsDivisionCodeForm("440106"));
  for (const char* bad : {"", "4401", "4401000", "44010A", " 44010", "４４０１００"}) {
    EXPECT_FALSE(IsDivisionCodeForm(bad)) << bad;
  }
}

}  // namespace
}  // namespace liantiao::domain
