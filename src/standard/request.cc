#include "standard/request.h"

#include <ctime>

#include "standard/validate.h"

namespace liantiao::standard {

std::string FormatTimestamp(Instant t, const std::string& format) {
  const std::string iso = FormatInstant(t);  // 2026-10-10T23:59:59+08:00, Beijing time
  std::tm tm{};
  tm.tm_year = std::stoi(iso.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(iso.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(iso.substr(8, 2));
  tm.tm_hour = std::stoi(iso.substr(11, 2));
  tm.tm_min = std::stoi(iso.substr(14, 2));
  tm.tm_sec = std::stoi(iso.substr(17, 2));
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, format.c_str(), &tm);
  return std::string(buf, n);
}

Form BuildRequest(const Profile& profile, const KeyCodec& codec, const std::string& app_id,
                  const std::string& method, json data, Instant now, const std::string& nonce) {
  if (const MethodSpec* m = profile.FindMethod(method)) {
    TransformEncrypted(m->schema, data, [&](const std::string& v) -> Result<std::string> {
      return codec.EncryptField(v);
    });
  }
  Form form;
  form.emplace_back(profile.Param("app_id"), app_id);
  if (profile.style == "single_endpoint") form.emplace_back(profile.Param("method"), method);
  for (const auto& [name, value] : profile.fixed_params) form.emplace_back(name, value);
  form.emplace_back(profile.Param("timestamp"), FormatTimestamp(now, profile.timestamp_format));
  form.emplace_back(profile.Param("nonce"), nonce);
  form.emplace_back(profile.Param("data"), data.dump());
  form.emplace_back(profile.Param("sign"), codec.Sign(form));
  return form;
}

std::string EndpointFor(const Profile& profile, const std::string& method) {
  return profile.style == "per_method" ? method : profile.endpoint_path;
}

}  // namespace liantiao::standard
