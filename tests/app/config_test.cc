#include "app/config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "crypto/crypto.h"

namespace liantiao::app {
namespace {

namespace fs = std::filesystem;

// Half the threads hash at once, unless told; the hashing threads (one per slot) may each
// wait at the gate.
TEST(ConfigTest, ThePasswordHashingGateIsSizedByTheThreads) {
  struct Case {
    std::size_t threads;
    std::optional<int> slots;
    int want_slots, want_queue;
  };
  for (const Case& c : {Case{4, std::nullopt, 2, 2}, Case{1, std::nullopt, 1, 1}, Case{2, std::nullopt, 1, 1},
                        Case{16, std::nullopt, 8, 8}, Case{8, 2, 2, 2}, Case{2, 8, 8, 8}}) {
    AppConfig config;
    config.threads = c.threads;
    config.password_hash_slots = c.slots;
    const services::Config s = ServicesConfigOf(config);
    EXPECT_EQ(s.password_hash_slots, c.want_slots) << c.threads;
    EXPECT_EQ(s.password_hash_queue, c.want_queue) << c.threads;
  }
}

TEST(ConfigTest, PasswordHashSlotsIsANumberFromOneTo256) {
  const fs::path file = fs::temp_directory_path() / ("lt_config_" + crypto::RandomToken(6) + ".json");
  auto load = [&](const std::string& value) {
    std::ofstream(file) << R"({"password_hash_slots": )" << value << "}";
    return LoadConfig(file.string());
  };
  auto three = load("3");
  ASSERT_TRUE(three.ok()) << three.error().message;
  EXPECT_EQ(three->password_hash_slots, 3);
  for (const char* bad : {"0", "257", "\"many\""}) {
    auto refused = load(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, ErrorCode::kConfigError);
    EXPECT_NE(refused.error().message.find("password_hash_slots"), std::string::npos) << refused.error().message;
  }
  fs::remove(file);
}

// The connection limits reach the server's options, the vendor storage quota and the
// sandbox's settings the services'; a limit out of its range is
// refused naming its key.
TEST(ConfigTest, ConnectionLimitsAndTheVendorQuotaAreSettings) {
  const fs::path file = fs::temp_directory_path() / ("lt_config_" + crypto::RandomToken(6) + ".json");
  std::ofstream(file) << R"({"max_connections": 300, "max_connections_per_client": "16"})";
  auto config = LoadConfig(file.string());
  ASSERT_TRUE(config.ok()) << config.error().message;
  const http::ServerOptions options = ServerOptionsOf(*config);
  EXPECT_EQ(options.max_connections, 300u);
  EXPECT_EQ(options.max_connections_per_client, 16u);
  EXPECT_EQ(ServerOptionsOf(AppConfig{}).max_connections, 1024u) << "the default";
  std::ofstream(file) << R"({"vendor_storage_bytes": 1073741824})";
  auto quota = LoadConfig(file.string());
  ASSERT_TRUE(quota.ok()) << quota.error().message;
  EXPECT_EQ(quota->services.vendor_storage_bytes, 1LL << 30);
  std::ofstream(file) << R"({"vendor_storage_bytes": 1000})";
  EXPECT_FALSE(LoadConfig(file.string()).ok()) << "under 1 MiB";
  std::ofstream(file) << R"({"sandbox_unsigned_refusals_per_hour": 20, "sandbox_store_retention_days": 7})";
  auto sandbox = LoadConfig(file.string());
  ASSERT_TRUE(sandbox.ok()) << sandbox.error().message;
  EXPECT_EQ(sandbox->services.sandbox_unsigned_refusals_per_hour, 20);
  EXPECT_EQ(sandbox->services.sandbox_store_retention_days, 7);
  EXPECT_EQ(AppConfig{}.services.sandbox_unsigned_refusals_per_hour, 1000) << "the default";
  EXPECT_EQ(AppConfig{}.services.sandbox_store_retention_days, 30) << "the default";
  std::ofstream(file) << R"({"vendor_max_drafts": 50, "vendor_max_products": "70"})";
  auto records = LoadConfig(file.string());
  ASSERT_TRUE(records.ok()) << records.error().message;
  EXPECT_EQ(records->services.vendor_max_drafts, 50);
  EXPECT_EQ(records->services.vendor_max_products, 70);
  std::ofstream(file) << R"({"sandbox_store_retention_days": -1})";
  EXPECT_FALSE(LoadConfig(file.string()).ok());
  std::ofstream(file) << R"({"max_connections_per_client": 0})";
  auto refused = LoadConfig(file.string());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().details["key"], "max_connections_per_client");
  fs::remove(file);
}

}  // namespace
}  // namespace liantiao::app
