#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/result.h"
#include "http/server.h"
#include "services/deps.h"

namespace liantiao::app {

// What an installed binary ships with (`cmake --install`): <prefix>/share/liantiao/profiles
// and <prefix>/share/liantiao/web beside <prefix>/bin/liantiao. A binary run from its
// build tree has no such directory and reads the source tree's spec/profiles and the
// web app built in ./web/dist.
std::string DefaultProfilesDir();
std::string DefaultStaticDir();

// Typed configuration: defaults, then an optional JSON file (--config), then
// LIANTIAO_* environment variables, then command-line flags. A bad value stops
// start-up with a message naming the key.
struct AppConfig {
  std::string db_url = "sqlite:var/liantiao.db";
  std::string listen = "127.0.0.1:8080";
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  bool test_clock = false;
  std::size_t threads = 4;
  std::chrono::seconds sweep_interval{60};
  // How often the prober looks for keys due a probe (each key: services.probe_interval).
  std::chrono::seconds probe_interval{300};
  // A PEM file of the CAs an https test environment's certificate is checked against,
  // instead of the system's store (a province's own CA); empty: the system's.
  std::string probe_ca_file;
  // The built web app and the interface-standard profiles (docs/profiles.md), read at
  // start-up: an installed binary's own (DefaultStaticDir, DefaultProfilesDir), else the source tree's.
  std::string static_dir = DefaultStaticDir();
  std::string profiles_dir = DefaultProfilesDir();
  bool sandbox_base_url_set = false;  // else derived from the listen address
  std::string master_key_file = "var/master.key";
  std::optional<std::string> master_key_hex;  // LIANTIAO_MASTER_KEY: 64 hex digits
  bool allow_pilot_credit_codes = false;
  // Session cookies marked Secure: set when browsers reach the server over HTTPS (a TLS
  // proxy in front of it), so a cookie is never sent in clear.
  bool secure_cookie = false;
  // Password hashes (Argon2id, about 0.1 s of a core and 64 MiB each) at once; unset:
  // half the threads (ServicesConfigOf).
  std::optional<int> password_hash_slots;
  // Connections open at once (more wait in the listen backlog), and from one address
  // that is not a trusted proxy (more are closed as they are accepted).
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_client = 128;
  // Proxies whose X-Forwarded-For names the client that login limits count by.
  http::TrustedProxies trusted_proxies;
  services::Config services;
};

// Applies the config file (if given) and the environment on top of the defaults.
Result<AppConfig> LoadConfig(const std::optional<std::string>& config_file);
// Splits "host:port" into the config; port 0 means any free port.
Status ApplyListen(AppConfig& config, const std::string& listen);
// The server's settings that follow from the config: the listen address, threads, upload
// limits and trusted proxies (`serve` adds the web app's directory and the bound-port hook).
http::ServerOptions ServerOptionsOf(const AppConfig& config);
// The services' settings: config.services, with the password hashing gate sized by the
// HTTP threads: password_hash_slots (else half the threads) hash at once, on threads of
// their own (http::BuildRouter), so no HTTP thread waits for a hash.
services::Config ServicesConfigOf(const AppConfig& config);
// The 32-byte key test-key secrets are sealed with: LIANTIAO_MASTER_KEY, or the key
// file (created with mode 0600 on first start when missing).
Result<std::string> LoadMasterKey(const AppConfig& config);

}  // namespace liantiao::app
