#include "services/file_store.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "crypto/crypto.h"

namespace liantiao::services {

namespace fs = std::filesystem;

std::string SniffContentType(const std::string& d) {
  auto starts = [&](std::string_view magic) { return d.compare(0, magic.size(), magic) == 0; };
  if (starts("%PDF-")) return "application/pdf";
  if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts("\xff\xd8\xff")) return "image/jpeg";
  // docx, xlsx and OFD are ZIP containers.
  if (starts(std::string_view("PK\x03\x04", 4))) return "application/zip";
  return "";
}

std::string FileStore::PathOf(const std::string& sha) const {
  return (fs::path(dir_) / sha.substr(0, 2) / sha).string();
}

Result<StoredFile> FileStore::Store(const std::string& data) const {
  if (data.empty()) return MakeError(ErrorCode::kInvalidField, "文件为空", {{"field", "file"}});
  if (data.size() > max_bytes_) {
    return MakeError(ErrorCode::kPayloadTooLarge, "", {{"max_bytes", max_bytes_}});
  }
  std::string type = SniffContentType(data);
  if (type.empty()) {
    return MakeError(ErrorCode::kUnsupportedFileType, "仅支持 PDF、PNG、JPEG 图片和 Office/OFD 文档",
                     {{"accepted", {"pdf", "png", "jpg", "docx", "xlsx", "ofd", "zip"}}});
  }
  StoredFile out{crypto::Sha256Hex(data), type, static_cast<long long>(data.size())};
  const fs::path target = PathOf(out.sha256);
  std::error_code ec;
  if (fs::exists(target, ec)) return out;
  fs::create_directories(target.parent_path(), ec);
  const fs::path tmp = target.string() + ".tmp." + crypto::RandomToken(6);
  {
    std::ofstream f(tmp, std::ios::binary);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    f.flush();
    if (!f) {
      spdlog::error("file store: cannot write {}", tmp.string());
      return MakeError(ErrorCode::kStorageError);
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    spdlog::error("file store: cannot rename {}: {}", tmp.string(), ec.message());
    fs::remove(tmp, ec);
    return MakeError(ErrorCode::kStorageError);
  }
  return out;
}

Result<std::string> FileStore::Read(const std::string& sha) const {
  if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return MakeError(ErrorCode::kNotFound, "文件不存在");
  }
  std::ifstream f(PathOf(sha), std::ios::binary);
  if (!f) return MakeError(ErrorCode::kNotFound, "文件不存在");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace liantiao::services
