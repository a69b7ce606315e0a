#include "app/config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "crypto/crypto.h"

namespace liantiao::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Error ConfigError(const std::string& key, const std::string& why) {
  return MakeError(ErrorCode::kConfigError, "配置项 " + key + " 无效：" + why, {{"key", key}});
}

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

Result<long long> ToNumber(const std::string& key, const std::string& text, long long lo, long long hi) {
  try {
    std::size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used != text.size() || v < lo || v > hi) throw std::out_of_range(key);
    return v;
  } catch (const std::exception&) {
    return ConfigError(key, "应为 " + std::to_string(lo) + "–" + std::to_string(hi) + " 之间的整数");
  }
}

Status Apply(AppConfig& c, const std::string& key, const std::string& value) {
  if (key == "db") {
    c.db_url = value;
  } else if (key == "listen") {
    return ApplyListen(c, value);
  } else if (key == "threads") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 1, 64));
    c.threads = static_cast<std::size_t>(n);
  } else if (key == "sweep_interval_seconds") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 1, 86400));
    c.sweep_interval = std::chrono::seconds{n};
  } else if (key == "probe_interval_seconds") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 10, 86400));
    c.probe_interval = std::chrono::seconds{n};
  } else if (key == "key_probe_interval_seconds") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 60, 7 * 86400));
    c.services.probe_interval = std::chrono::seconds{n};
  } else if (key == "probe_ca_file") {
    std::ifstream in(value);
    if (!in) return ConfigError(key, "文件不存在或不可读");
    c.probe_ca_file = value;
  } else if (key == "static_dir") {
    c.static_dir = value;
  } else if (key == "files_dir") {
    c.services.files_dir = value;
  } else if (key == "master_key_file") {
    c.master_key_file = value;
  } else if (key == "master_key") {
    c.master_key_hex = value;
  } else if (key == "sandbox_base_url") {
    // Key claims name it as the endpoint devices send to: it must be an address they can
    // post to.
    const bool http = value.rfind("http://", 0) == 0 || value.rfind("https://", 0) == 0;
    const std::size_t host = value.find("://") + 3;
    if (!http || host >= value.size() || value[host] == '/') {
      return ConfigError(key, "应为 http:// 或 https:// 开头的地址，如 https://sandbox.example.gov.cn/sandbox");
    }
    std::string url = value;
    while (url.back() == '/') url.pop_back();  // the city and endpoint are appended with "/"
    c.services.sandbox_base_url = url;
    c.sandbox_base_url_set = true;
  } else if (key == "profiles_dir") {
    c.profiles_dir = value;
  } else if (key == "allow_pilot_credit_codes") {
    if (value != "true" && value != "false") return ConfigError(key, "应为 true 或 false");
    c.allow_pilot_credit_codes = value == "true";
  } else if (key == "secure_cookie") {
    if (value != "true" && value != "false") return ConfigError(key, "应为 true 或 false");
    c.secure_cookie = value == "true";
  } else if (key == "trusted_proxies") {
    LT_ASSIGN_OR_RETURN(c.trusted_proxies, http::TrustedProxies::Parse(value));
  } else if (key == "password_cost") {
    if (value == "interactive") {
      c.services.password_cost = crypto::PasswordCost::Interactive();
    } else if (value == "min") {
      c.services.password_cost = crypto::PasswordCost::Minimum();
    } else {
      return ConfigError(key, "应为 interactive 或 min（仅供测试）");
    }
  } else if (key == "vendor_storage_bytes") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 1LL << 20, 1LL << 40));
    c.services.vendor_storage_bytes = n;
  } else if (key == "sandbox_unsigned_refusals_per_hour") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 0, 1000000));
    c.services.sandbox_unsigned_refusals_per_hour = static_cast<int>(n);
  } else if (key == "sandbox_store_retention_days") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 0, 3650));
    c.services.sandbox_store_retention_days = static_cast<int>(n);
  } else if (key == "vendor_max_drafts" || key == "vendor_max_products") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 1, 1000000));
    (key == "vendor_max_drafts" ? c.services.vendor_max_drafts : c.services.vendor_max_products) = static_cast<int>(n);
  } else if (key == "max_connections") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 1, 100000));
    c.max_connections = static_cast<std::size_t>(n);
  } else if (key == "max_connections_per_client") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 1, 100000));
    c.max_connections_per_client = static_cast<std::size_t>(n);
  } else if (key == "password_hash_slots") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 1, 256));
    c.password_hash_slots = static_cast<int>(n);
  } else if (key == "max_file_bytes") {
    LT_ASSIGN_OR_RETURN(long long n, ToNumber(key, value, 1024, 1LL << 30));
    c.services.max_file_bytes = static_cast<std::size_t>(n);
  } else {
    return ConfigError(key, "未知的配置项");
  }
  return OkStatus();
}

constexpr const char* kKeys[] = {"db",
                                 "listen",
                                 "threads",
                                 "sweep_interval_seconds",
                                 "probe_interval_seconds",
                                 "key_probe_interval_seconds",
                                 "probe_ca_file",
                                 "static_dir",
                                 "files_dir",
                                 "master_key_file",
                                 "master_key",
                                 "sandbox_base_url",
                                 "profiles_dir",
                                 "allow_pilot_credit_codes",
                                 "password_cost",
                                 "password_hash_slots",
                                 "max_file_bytes",
                                 "secure_cookie",
                                 "trusted_proxies",
                                 "max_connections",
                                 "max_connections_per_client",
                                 "vendor_storage_bytes",
                                 "sandbox_unsigned_refusals_per_hour",
                                 "sandbox_store_retention_days",
                                 "vendor_max_drafts",
                                 "vendor_max_products"};

// <prefix>/share/liantiao when this binary is <prefix>/bin/liantiao and that directory exists.
std::optional<fs::path> InstalledDataDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  fs::path dir = exe.parent_path().parent_path() / "share" / "liantiao";
  if (!fs::is_directory(dir / "profiles", ec)) return std::nullopt;
  return dir;
}

// `name` under an installed binary's share/liantiao, else `fallback` (a build tree's).
std::string DataDir(const char* name, std::string fallback) {
  if (auto d = InstalledDataDir()) return (*d / name).string();
  return fallback;
}

}  // namespace

std::string DefaultProfilesDir() {
  static const std::string dir = DataDir("profiles", LIANTIAO_DEFAULT_PROFILES_DIR);
  return dir;
}

std::string DefaultStaticDir() {
  static const std::string dir = DataDir("web", "web/dist");
  return dir;
}

Status ApplyListen(AppConfig& c, const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return ConfigError("listen", "应为 host:port");
  LT_ASSIGN_OR_RETURN(long long port, ToNumber("listen", listen.substr(colon + 1), 0, 65535));
  c.listen = listen;
  c.host = listen.substr(0, colon);
  c.port = static_cast<unsigned short>(port);
  return OkStatus();
}

Result<AppConfig> LoadConfig(const std::optional<std::string>& config_file) {
  AppConfig c;
  if (config_file) {
    std::ifstream f(*config_file);
    if (!f) return ConfigError("--config", "文件无法读取：" + *config_file);
    json j = json::parse(f, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return ConfigError("--config", "不是 JSON 对象");
    for (auto& [key, v] : j.items()) {
      std::string text = v.is_string() ? v.get<std::string>() : v.dump();
      LT_RETURN_IF_ERROR(Apply(c, key, text));
    }
  }
  for (const char* key : kKeys) {
    std::string env = "LIANTIAO_";
    for (const char* p = key; *p; ++p) env += static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
    if (auto v = Env(env.c_str())) {
      // Named as the operator set it: the variable, not only the key.
      if (Status st = Apply(c, key, *v); !st.ok()) {
        Error e = st.error();
        e.message += "（环境变量 " + env + "）";
        return e;
      }
    }
  }
  return c;
}

http::ServerOptions ServerOptionsOf(const AppConfig& c) {
  http::ServerOptions o;
  o.host = c.host;
  o.port = c.port;
  o.threads = c.threads;
  // A multipart body carries its file and an envelope (boundaries, part headers, fields).
  o.max_upload_body = c.services.max_file_bytes + (1u << 20);
  o.max_upload_file = c.services.max_file_bytes;
  o.trusted_proxies = c.trusted_proxies;
  o.max_connections = c.max_connections;
  o.max_connections_per_client = c.max_connections_per_client;
  return o;
}

services::Config ServicesConfigOf(const AppConfig& c) {
  services::Config s = c.services;
  const int threads = static_cast<int>(std::max<std::size_t>(1, c.threads));
  s.password_hash_slots = c.password_hash_slots.value_or(std::max(1, threads / 2));
  // The API's hashing routes run on as many threads of their own as there are slots
  // (http::BuildRouter), so waiters are those threads and callers outside the server.
  s.password_hash_queue = s.password_hash_slots;
  return s;
}

Result<std::string> LoadMasterKey(const AppConfig& c) {
  if (c.master_key_hex) {
    auto key = crypto::HexDecode(*c.master_key_hex);
    if (!key.ok() || key->size() != 32) return ConfigError("master_key", "应为 64 位十六进制字符");
    return *key;
  }
  const fs::path path = c.master_key_file;
  if (!fs::exists(path)) {
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    const std::string hex = crypto::HexEncode(crypto::RandomBytes(32)) + "\n";
    // Created readable by its owner only from the start (not chmod-ed after a write
    // under the umask), and never over a file another process created meanwhile.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return ConfigError("master_key_file", "无法创建密钥文件 " + path.string());
    const bool written = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
    const bool closed = ::close(fd) == 0;
    if (!written || !closed) return ConfigError("master_key_file", "无法写入密钥文件 " + path.string());
    spdlog::warn("created a new master key in {}; keep it with the database", path.string());
  }
  // A file that cannot be read is told as such, not as a key of the wrong form.
  std::ifstream f(path);
  if (!fs::is_regular_file(path) || !f) {
    return ConfigError("master_key_file", "无法读取密钥文件 " + path.string() + "（须为可读的普通文件）");
  }
  std::string hex;
  f >> hex;
  auto key = crypto::HexDecode(hex);
  if (!key.ok() || key->size() != 32) {
    return ConfigError("master_key_file", path.string() + " 应含 64 位十六进制字符");
  }
  return *key;
}

}  // namespace liantiao::app
