#pragma once

#include <string>
#include <string_view>

namespace liantiao::domain {

// GB 32100-2015 unified social credit code (统一社会信用代码): 18 characters from
// 0-9 and A-Z without I, O, Z, S, V; a registration-authority code, an entity type,
// a 6-digit GB/T 2260 division, a 9-character organisation code (with its own GB
// 11714 check character) and a weighted mod-31 check character.
struct CreditCodeCheck {
  bool well_formed = false;  // length, alphabet, authority code, division digits
  bool checksum_ok = false;  // the final (mod-31) check character matches
  // What is wrong with a code that is not well formed, in Chinese for the user.
  std::string_view problem;
  bool ok() const { return well_formed && checksum_ok; }
};

CreditCodeCheck CheckCreditCode(std::string_view code);

// Whether `code` has the form of a GB/T 2260 administrative division code (a city's or
// district's code, positions 3–8 of a credit code): six digits. Whether it names a
// division is for the records (the platform's cities, a profile's dictionary).
bool IsDivisionCodeForm(std::string_view code);

// The first 17 characters with their check character appended; empty when a
// character is outside the alphabet. Used to make valid codes for test data.
std::string CompleteCreditCode(std::string_view first17);

// GB 11714-1997 organisation code (组织机构代码), positions 9–17 of a credit code:
// eight digits or capital letters and a check character. The check character of the
// first eight ('0'–'9' or 'X'); '\0' when they are not eight such characters.
//
// Registration does not refuse a credit code whose organisation code fails it: codes of
// some early pilot regions do, and are legal (see the interface research, 5.2). Codes
// the platform makes up (the sandbox's test contractor) pass it, so that a device which
// checks it too accepts them.
char OrganizationCheckCharacter(std::string_view first8);
bool OrganizationCodeOk(std::string_view code9);

}  // namespace liantiao::domain
