#include "standard/tokens.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "crypto/crypto.h"

namespace liantiao::standard {

using nlohmann::json;

json FillTokens(json v, const std::map<std::string, json>& values) {
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s.size() > 3 && s.starts_with("${") && s.ends_with('}') && s.find("${", 2) == std::string::npos) {
      if (auto whole = values.find(s.substr(2, s.size() - 3)); whole != values.end()) return whole->second;
    }
    for (const auto& [name, value] : values) {
      const std::string token = "${" + name + "}";
      const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      for (auto pos = s.find(token); pos != std::string::npos; pos = s.find(token, pos + text.size())) {
        s.replace(pos, token.size(), text);
      }
    }
    return s;
  }
  if (v.is_object() || v.is_array()) {  // a number or a literal iterates as itself
    for (auto& item : v) item = FillTokens(std::move(item), values);
  }
  return v;
}

long long AssignedTeamNumber(const json& assigned, const KeyCodec& codec) {
  const json& no = assigned.is_object() ? assigned.value("teamSysNo", json()) : json();
  if (no.is_number_integer()) return no.get<long long>();
  if (no.is_string()) {
    auto plain = codec.DecryptField(no.get<std::string>());
    if (plain.ok()) return std::atoll(plain->c_str());
  }
  return 0;
}

void NoteAssigned(std::string_view method, const json& assigned, const KeyCodec& codec,
                  std::map<std::string, json>& values) {
  if (method == "Team.Add") {
    if (const long long no = AssignedTeamNumber(assigned, codec); no != 0) values["teamSysNo"] = no;
  }
  if (method == "Project.Add" && assigned.is_object() && assigned.value("projectCode", json()).is_string()) {
    values["addedProjectCode"] = assigned["projectCode"];
  }
}

std::string SamplePng() {
  static const std::string kPng =
      crypto::HexDecode(
          "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a49444154789c63f80f"
          "00000101010018dd8db00000000049454e44ae426082")
          .value();
  return "data:image/png;base64," + crypto::Base64Encode(kPng);
}

std::string SampleJpeg(std::size_t size) {
  std::string bytes = "\xFF\xD8\xFF\xE0";
  bytes.resize(std::max(size, bytes.size()), 'j');
  return "data:image/jpeg;base64," + crypto::Base64Encode(bytes);
}

std::map<std::string, json> ExampleTokens(const ExampleIdentity& key, Instant now) {
  const std::string iso = FormatInstant(now);  // "2026-10-10T23:59:59+08:00"
  const std::string today = iso.substr(0, 10);
  return {{"projectCode", key.project_code},
          {"corpCode", key.corp_code},
          {"corpName", key.corp_name},
          {"today", today},
          {"tomorrow", FormatInstant(now + std::chrono::hours(24)).substr(0, 10)},
          {"now", today + " " + iso.substr(11, 8)},
          {"month", today.substr(0, 7)},
          {"next_month", MonthAfter(today.substr(0, 7))},
          {"image_png", SamplePng()},
          {"image_jpg", SampleJpeg(600)},
          {"image_big", SampleJpeg(60 * 1024)},
          {"image_bmp", "data:image/bmp;base64," + crypto::Base64Encode("BM" + std::string(600, 'b'))}};
}

std::string MonthAfter(std::string_view year_month) {
  const auto digits = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (year_month[i] < '0' || year_month[i] > '9') return -1;
      v = v * 10 + (year_month[i] - '0');
    }
    return v;
  };
  if (year_month.size() != 7 || year_month[4] != '-') return {};
  int year = digits(0, 4), month = digits(5, 2);
  if (year < 0 || month < 1 || month > 12) return {};
  if (++month == 13) {
    month = 1;
    ++year;
  }
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d", year, month);
  return out;
}

std::string FirstToken(const json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    const auto at = s.find("${");
    if (at == std::string::npos) return {};
    const auto end = s.find('}', at);
    return s.substr(at, end == std::string::npos ? 2 : end - at + 1);
  }
  if (v.is_object() || v.is_array()) {
    for (const auto& item : v) {
      if (std::string token = FirstToken(item); !token.empty()) return token;
    }
  }
  return {};
}

}  // namespace liantiao::standard
