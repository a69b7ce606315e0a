// Writes the seed corpus of sandbox_fuzz into DIR: every example of every profile
// (spec/profiles/*/examples, inherited ones included) as the signed request the device
// simulator would send, with x-encrypted fields encrypted, prefixed by the selector byte
// of its profile and method. Usage: sandbox_fuzz_seeds DIR
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "crypto/crypto.h"
#include "domain/credit_code.h"
#include "selector.h"
#include "standard/request.h"
#include "standard/wire.h"

namespace liantiao::fuzz {
namespace {

using json = nlohmann::json;

std::string DataUri(const std::string& mime, const std::string& bytes) {
  return "data:" + mime + ";base64," + crypto::Base64Encode(bytes);
}

// A credit code with a correct check character.
std::string ValidCreditCode() {
  const std::string stem = "91440101MA5CJQ4N5";
  for (char c : std::string("0123456789ABCDEFGHJKLMNPQRTUWXY")) {
    if (domain::CheckCreditCode(stem + c).ok()) return stem + c;
  }
  return stem + "0";
}

// The example placeholders (as tests/services/sandbox_examples_test.cc fills them), for
// 2026-10-20 10:00:00 Beijing time, the fuzz target's "now".
json Subst(json v, const std::map<std::string, std::string>& vars) {
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s == "${teamSysNo}") return 100000001;
    for (const auto& [k, val] : vars) {
      const std::string token = "${" + k + "}";
      for (auto pos = s.find(token); pos != std::string::npos; pos = s.find(token, pos + val.size())) {
        s.replace(pos, token.size(), val);
      }
    }
    return s;
  }
  if (v.is_object() || v.is_array()) {
    for (auto& item : v) item = Subst(item, vars);
  }
  return v;
}

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sandbox_fuzz_seeds DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  auto set = standard::ProfileSet::LoadDirectory(LIANTIAO_SOURCE_DIR "/spec/profiles");
  if (!set.ok()) {
    std::fprintf(stderr, "sandbox_fuzz_seeds: %s\n", set.error().message.c_str());
    return 1;
  }
  const std::map<std::string, std::string> vars = {
      {"projectCode", "44010620190101001"},
      {"corpCode", ValidCreditCode()},
      {"corpName", "广州示例建设有限公司"},
      {"today", "2026-10-20"},
      {"tomorrow", "2026-10-21"},
      {"now", "2026-10-20 10:00:00"},
      {"month", "2026-10"},
      {"next_month", "2026-11"},
      {"serial", "team-add-1"},
      {"image_png", DataUri("image/png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(600, 'p'))},
      {"image_jpg", DataUri("image/jpeg", "\xFF\xD8\xFF\xE0" + std::string(600, 'j'))},
      {"image_big", DataUri("image/jpeg", "\xFF\xD8\xFF\xE0" + std::string(60 * 1024, 'j'))},
      {"image_bmp", DataUri("image/bmp", "BM" + std::string(600, 'b'))}};
  const Instant now = Instant(std::chrono::sys_days(std::chrono::year(2026) / 10 / 20)) + std::chrono::hours(2);
  int written = 0;
  for (std::size_t pi = 0; pi < kProfiles.size(); ++pi) {
    const standard::Profile* p = set->Find(kProfiles[pi]);
    if (p == nullptr) {
      std::fprintf(stderr, "sandbox_fuzz_seeds: no profile %s\n", std::string(kProfiles[pi]).c_str());
      return 1;
    }
    auto codec = standard::KeyCodec::Make(*p, kSecret);
    if (!codec.ok()) return 1;
    const auto methods = Methods(*p);
    for (const auto& ex : p->examples) {
      std::size_t mi = 0;
      while (mi < methods.size() && methods[mi]->name != ex.method) ++mi;
      if (mi == methods.size() || Selector(pi, mi) / kProfiles.size() != mi) continue;
      const json data = Subst(ex.body.value("data", json::object()), vars);
      const auto form = standard::BuildRequest(*p, *codec, "44010620190101001", ex.method, data, now, "n1");
      const std::string body = static_cast<char>(Selector(pi, mi)) + JoinInput(*p, standard::ToWire(*p, form));
      std::ofstream out(dir + "/" + p->name + "-" + ex.method + "-" + ex.name, std::ios::binary);
      out << body;
      if (!out) {
        std::fprintf(stderr, "sandbox_fuzz_seeds: cannot write into %s\n", dir.c_str());
        return 1;
      }
      ++written;
    }
  }
  std::printf("sandbox_fuzz_seeds: %d seeds in %s\n", written, dir.c_str());
  return written > 0 ? 0 : 1;
}

}  // namespace
}  // namespace liantiao::fuzz

int main(int argc, char** argv) { return liantiao::fuzz::Main(argc, argv); }
