#pragma once

#include <cctype>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

#include "services/principal.h"
#include "standard/profile.h"
#include "standard/wire.h"
#include "testing/app/test_platform.h"

namespace liantiao::testing {

// "sqlite_gd_v1_3": a test name for a (database kind, profile) parameter.
inline std::string DatabaseAndProfileName(const std::tuple<std::string, std::string>& param) {
  std::string name = std::get<0>(param) + "_" + std::get<1>(param);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// A claimed test key as the key-claim answer gives it.
struct SandboxKey {
  long long application_id = 0;
  std::string city_code, app_id, secret, profile, endpoint;
  std::string project_code, corp_code, corp_name;
};

// Takes a new application of `vendor` in `city` through review to joint testing
// (with `reviewer` approving) and claims its key. The city gets `profile` first.
SandboxKey StartJointTest(TestPlatform& tp, const services::Principal& vendor, const services::Principal& reviewer,
                          const std::string& city, const std::string& profile);
// The key a claim answered (ApplicationService::ClaimKey's body), for the application
// in `city`.
SandboxKey KeyFromClaim(long long application_id, const std::string& city, const nlohmann::json& claim);

// Sends requests to the sandbox through the service (no sockets), signed and
// encrypted with the same code the device simulator uses.
class SandboxDriver {
 public:
  SandboxDriver(TestPlatform& tp, SandboxKey key);

  struct Reply {
    nlohmann::json body;
    long long evidence_id = 0;
    std::string outcome, error, path;
    int http_status = 200;
    std::string code() const;     // the envelope's code as text
    nlohmann::json data() const;  // the envelope's data
  };

  standard::Form Build(const std::string& method, nlohmann::json data);
  Reply Send(const std::string& method, nlohmann::json data);
  Reply SendForm(const std::string& method, const standard::Form& form);
  // A body as sent, with the query string a POST carries (a JSON-body standard's parameters).
  Reply SendBody(const std::string& endpoint, const std::string& body, const std::string& city = "",
                 const std::string& query = "");
  // Polls the async result of a serial once.
  Reply Poll(const std::string& serial);

  const standard::Profile& profile() const { return *profile_; }
  const standard::KeyCodec& codec() const { return codec_; }
  const SandboxKey& key() const { return key_; }

 private:
  TestPlatform& tp_;
  SandboxKey key_;
  const standard::Profile* profile_;
  standard::KeyCodec codec_;
  int nonce_ = 0;
};

}  // namespace liantiao::testing
