#include "testing/app/sandbox_driver.h"

#include <gtest/gtest.h>

#include "crypto/crypto.h"
#include "standard/request.h"

namespace liantiao::testing {

using nlohmann::json;

namespace {
template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    ADD_FAILURE() << what << ": " << r.error().CodeWord() << " " << r.error().message;
    throw std::runtime_error(what);
  }
  return std::move(r).value();
}
}  // namespace

SandboxKey StartJointTest(TestPlatform& tp, const services::Principal& vendor, const services::Principal& reviewer,
                          const std::string& city, const std::string& profile) {
  auto& pf = tp.platform();
  const auto admin = tp.AddUser(domain::Role::kAdmin, "sandbox_admin_" + crypto::RandomToken(4));
  if (auto st = pf.SetCityProfile(admin, city, profile, "sandbox", std::nullopt); !st.ok()) {
    ADD_FAILURE() << "city profile: " << st.error().message;
  }
  json product = Must(pf.applications.CreateProduct(vendor, {"人脸识别闸机", "F1", "face_gate", "1.0"}), "product");
  json app =
      Must(pf.applications.Create(vendor, {city, {product["id"].get<long long>()}, "first", std::nullopt, "联调"}),
           "application");
  const long long id = app["id"];
  Must(pf.applications.UploadMaterial(vendor, id, "business_license", "license.pdf", "%PDF-1.4\nlicense\n"),
       "material");
  Must(pf.applications.Act(vendor, id, domain::AppAction::kSubmit, {}), "submit");
  Must(pf.applications.Act(reviewer, id, domain::AppAction::kApprove, {}), "approve");
  return KeyFromClaim(id, city, Must(pf.applications.ClaimKey(vendor, id), "claim").body);
}

SandboxKey KeyFromClaim(long long application_id, const std::string& city, const json& claim) {
  SandboxKey k;
  k.application_id = application_id;
  k.city_code = city;
  k.app_id = claim["app_id"];
  k.secret = claim["secret"];
  k.profile = claim["profile"];
  k.endpoint = claim["endpoint"];
  k.project_code = claim["sandbox"]["project_code"];
  k.corp_code = claim["sandbox"]["corp_code"];
  k.corp_name = claim["sandbox"]["corp_name"];
  return k;
}

SandboxDriver::SandboxDriver(TestPlatform& tp, SandboxKey key)
    : tp_(tp),
      key_(std::move(key)),
      profile_(tp.platform().deps.profiles->Find(key_.profile)),
      codec_(Must(standard::KeyCodec::Make(*profile_, key_.secret), "codec")) {}

std::string SandboxDriver::Reply::code() const {
  const json& c = body.value("code", body.value("resultCode", json()));
  return c.is_string() ? c.get<std::string>() : c.dump();
}

json SandboxDriver::Reply::data() const { return body.value("data", json()); }

standard::Form SandboxDriver::Build(const std::string& method, json data) {
  return standard::BuildRequest(*profile_, codec_, key_.app_id, method, std::move(data), tp_.clock().Now(),
                                "n" + std::to_string(++nonce_) + crypto::RandomToken(6));
}

SandboxDriver::Reply SandboxDriver::Send(const std::string& method, json data) {
  return SendForm(method, Build(method, std::move(data)));
}

SandboxDriver::Reply SandboxDriver::SendForm(const std::string& method, const standard::Form& form) {
  const standard::WireRequest wire = standard::ToWire(*profile_, form);
  return SendBody(standard::EndpointFor(*profile_, method), wire.body, "", wire.query);
}

SandboxDriver::Reply SandboxDriver::SendBody(const std::string& endpoint, const std::string& body,
                                             const std::string& city, const std::string& query) {
  services::SandboxCall call;
  call.city_code = city.empty() ? key_.city_code : city;
  call.endpoint = endpoint;
  call.body = body;
  call.query = query;
  services::SandboxReply r = tp_.platform().sandbox.Handle(call);
  Reply out;
  out.body = json::parse(r.body, nullptr, false);
  out.evidence_id = r.evidence_id;
  out.outcome = r.outcome;
  out.error = r.error;
  out.path = r.path;
  out.http_status = r.http_status;
  return out;
}

SandboxDriver::Reply SandboxDriver::Poll(const std::string& serial) {
  return Send(profile_->async_query_method, {{profile_->serial_field, serial}});
}

}  // namespace liantiao::testing
