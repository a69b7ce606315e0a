#include "core/utf8.h"

#include <gtest/gtest.h>

namespace liantiao {
namespace {

TEST(Utf8, AcceptsTextInEveryLength) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("ascii"));
  EXPECT_TRUE(IsValidUtf8("营业执照.pdf"));
  EXPECT_TRUE(IsValidUtf8("é \xF0\x9F\x98\x80"));  // two and four bytes
  EXPECT_EQ(Utf8SequenceLength("营", 0), 3u);
}

TEST(Utf8, FindsCharactersNobodySees) {
  EXPECT_FALSE(HasHiddenControls("人脸识别闸机 G-1\t第一行\r\n第二行"));
  EXPECT_FALSE(HasHiddenControls("引号「」与破折号——"));  // other E2 80 xx punctuation
  EXPECT_TRUE(HasHiddenControls(std::string("a\0b", 3)));
  EXPECT_TRUE(HasHiddenControls("bell\a"));
  EXPECT_TRUE(HasHiddenControls("del\x7f"));
  EXPECT_TRUE(
      HasHiddenControls("report\xE2\x80\xAE"
                        "fdp.exe"));  // U+202E
  EXPECT_TRUE(
      HasHiddenControls("a\xE2\x81\xA6"
                        "b"));  // U+2066
}

// Characters as a person (and the web app's length limits) count them.
TEST(Utf8, CountsCharactersNotBytes) {
  EXPECT_EQ(CharacterCount(""), 0u);
  EXPECT_EQ(CharacterCount("abc"), 3u);
  EXPECT_EQ(CharacterCount("联调成功"), 4u);
  EXPECT_EQ(CharacterCount("\xF0\x9F\x98\x80"
                           "a"),
            2u)
      << "a four-byte character is one";
  EXPECT_EQ(CharacterCount("\xFF\xFE"
                           "a"),
            3u)
      << "bytes that start no character count one each";
}

TEST(Utf8, RefusesWhatIsNotUtf8) {
  EXPECT_FALSE(IsValidUtf8("\xBD\xD8\xCD\xBC"));  // 截图 in GBK
  EXPECT_FALSE(IsValidUtf8("\x80"));              // a stray continuation byte
  EXPECT_FALSE(IsValidUtf8("\xE8\x90"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong, three bytes
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("a\xFF", 1), 0u);
}

}  // namespace
}  // namespace liantiao
