#include "testing/app/test_platform.h"

#include <atomic>
#include <filesystem>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "crypto/crypto.h"

namespace liantiao::testing {

namespace fs = std::filesystem;

namespace {
std::atomic<int> counter{0};
}

std::string ValidCreditCode(int n) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  char body[32];
  std::snprintf(body, sizeof body, "91440101MA%07d", n % 10000000);
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += static_cast<int>(kAlphabet.find(body[i])) * kWeights[i];
  return std::string(body, 17) + kAlphabet[(31 - sum % 31) % 31];
}

TestPlatform::TestPlatform(std::shared_ptr<TestDatabase> database, std::string files_dir, Instant start)
    : database_(std::move(database)), files_dir_(std::move(files_dir)), clock_(start), session_clock_(start) {}

TestPlatform::~TestPlatform() {
  if (server_) server_->Stop();
  server_.reset();
  runtime_.reset();
  std::error_code ec;
  if (database_.use_count() == 1) fs::remove_all(files_dir_, ec);
}

bool TestPlatform::Init(bool serve_http, const std::function<void(app::AppConfig&)>& configure) {
  // Keep test output to what fails; the access log and migrations are noise here.
  spdlog::set_level(spdlog::level::warn);
  config_.db_url = database_->url();
  config_.threads = 4;
  config_.services.password_cost = crypto::PasswordCost::Minimum();
  config_.services.files_dir = files_dir_;
  config_.master_key_hex = std::string(64, 'a');
  config_.services.max_file_bytes = 1 << 20;  // 1 MiB keeps oversize tests cheap
  if (configure) configure(config_);
  auto rt = app::Runtime::Open(config_, clock_, session_clock_);
  if (!rt.ok()) {
    ADD_FAILURE() << "runtime: " << rt.error().message;
    return false;
  }
  runtime_ = std::move(rt).value();
  if (!serve_http) return true;
  // As `serve` sets it up, on 127.0.0.1 and any free port.
  http::ServerOptions options = app::ServerOptionsOf(config_);
  options.host = "127.0.0.1";
  options.port = 0;
  http::RouteOptions routes;
  routes.test_clock = &clock_;
  server_ = std::make_unique<http::Server>(options, http::BuildRouter(platform(), routes),
                                           http::MakeAuthenticator(platform()));
  auto port = server_->Start();
  if (!port.ok()) {
    ADD_FAILURE() << "server: " << port.error().message;
    return false;
  }
  port_ = *port;
  platform().deps.config.sandbox_base_url = "http://127.0.0.1:" + std::to_string(port_) + "/sandbox";
  return true;
}

std::unique_ptr<TestPlatform> TestPlatform::Create(const std::string& kind, Instant start, bool serve_http,
                                                   const std::function<void(app::AppConfig&)>& configure) {
  auto database = std::make_shared<TestDatabase>(TestDatabase::Create(kind));
  if (database->url().empty()) return nullptr;
  const fs::path files = fs::temp_directory_path() / ("lt_files_" + std::to_string(::getpid()) + "_" +
                                                      std::to_string(counter++) + "_" + crypto::RandomToken(4));
  std::unique_ptr<TestPlatform> tp(new TestPlatform(database, files.string(), start));
  if (!tp->Init(serve_http, configure)) return nullptr;
  return tp;
}

std::unique_ptr<TestPlatform> TestPlatform::Twin(bool serve_http) const {
  std::unique_ptr<TestPlatform> tp(new TestPlatform(database_, files_dir_, clock_.Now()));
  tp->session_clock_.Set(session_clock_.Now());
  if (!tp->Init(serve_http)) return nullptr;
  return tp;
}

services::Principal TestPlatform::AddUser(domain::Role role, const std::string& username,
                                          std::optional<std::string> city, std::optional<long long> vendor) {
  services::NewUser u{role, username, kTestPassword, username, city, vendor};
  auto id = platform().auth.AddUser(u, services::Actor{std::nullopt, "test", domain::Role::kAdmin});
  EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
  return services::Principal{id.ok() ? *id : 0, username, role, city, vendor};
}

services::VendorRegistration Registration(const std::string& username, const std::string& credit_code,
                                          const std::string& client) {
  return {{username + " 科技有限公司", "法人", "广州市天河区", "联系人", "020-12345678", username + "@example.cn"},
          credit_code,
          username,
          kTestPassword,
          client};
}

nlohmann::json RegistrationBody(const services::VendorRegistration& r) {
  const services::VendorProfile& e = r.enterprise;
  return {{"enterprise",
           {{"name", e.name},
            {"credit_code", r.credit_code},
            {"legal_rep", e.legal_rep},
            {"address", e.address},
            {"contact_name", e.contact_name},
            {"contact_phone", e.contact_phone},
            {"contact_email", e.contact_email}}},
          {"username", r.username},
          {"password", r.password}};
}

services::Principal TestPlatform::AddVendor(const std::string& username) {
  static std::atomic<int> n{1};
  auto v = platform().auth.RegisterVendor(Registration(username, ValidCreditCode(n++)), false);
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().message);
  if (!v.ok()) return {};
  return services::Principal{(*v)["user"]["id"].get<long long>(), username, domain::Role::kVendor, std::nullopt,
                             (*v)["enterprise"]["id"].get<long long>()};
}

}  // namespace liantiao::testing
