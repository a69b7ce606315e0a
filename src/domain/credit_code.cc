#include "domain/credit_code.h"

#include <algorithm>
#include <array>

namespace liantiao::domain {

namespace {

// GB 32100-2015: 31 characters (no I, O, Z, S, V), each worth its index.
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int ValueOf(char c) {
  const auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

bool IsDivisionCodeForm(std::string_view code) {
  return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

CreditCodeCheck CheckCreditCode(std::string_view code) {
  CreditCodeCheck out;
  auto refuse = [&out](std::string_view problem) {
    out.problem = problem;
    return out;
  };
  if (code.size() != 18) return refuse("应为 18 位");
  int sum = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const int v = ValueOf(code[i]);
    if (v < 0) {
      return refuse(code[i] >= 'a' && code[i] <= 'z' ? "字母须为大写"
                                                     : "含有不允许的字符（仅数字与大写字母，不用 I、O、Z、S、V）");
    }
    // Positions 3–8 are the GB/T 2260 division code: digits only.
    if (i >= 2 && i < 8 && v > 9) return refuse("第 3–8 位行政区划码须为数字");
    if (i < 17) sum += v * kWeights[i];
  }
  // The registration authority (1 机构编制, 5 民政, 9 工商 …) is never 0, and no
  // division is 000000.
  if (code[0] == '0') return refuse("第 1 位登记管理部门代码无效");
  if (code.substr(2, 6) == "000000") return refuse("第 3–8 位行政区划码无效");
  out.well_formed = true;
  out.checksum_ok = kAlphabet[(31 - sum % 31) % 31] == code[17];
  return out;
}

}  // namespace liantiao::domain

namespace liantiao::domain {

std::string CompleteCreditCode(std::string_view first17) {
  if (first17.size() != 17) return {};
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    const int v = ValueOf(first17[i]);
    if (v < 0) return {};
    sum += v * kWeights[i];
  }
  return std::string(first17) + kAlphabet[(31 - sum % 31) % 31];
}

char OrganizationCheckCharacter(std::string_view first8) {
  // Weights 3, 7, 9, 10, 5, 8, 4, 2; a digit is worth itself, A–Z 10–35.
  constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};
  if (first8.size() != 8) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const char c = first8[i];
    int v = 0;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'A' && c <= 'Z') {
      v = c - 'A' + 10;
    } else {
      return '\0';
    }
    sum += v * kOrgWeights[i];
  }
  const int check = 11 - sum % 11;  // 1..11
  if (check == 11) return '0';
  if (check == 10) return 'X';
  return static_cast<char>('0' + check);
}

bool OrganizationCodeOk(std::string_view code9) {
  return code9.size() == 9 && OrganizationCheckCharacter(code9.substr(0, 8)) == code9[8] && code9[8] != '\0';
}

}  // namespace liantiao::domain
