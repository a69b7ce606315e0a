#include "services/file_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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
    return MakeError(ErrorCode::kUnsupportedFileType,
                     "仅支持 PDF、PNG、JPEG 图片，Word/Excel（docx、xlsx）、OFD 文档和 ZIP 压缩包",
                     {{"accepted", {"pdf", "png", "jpg", "docx", "xlsx", "ofd", "zip"}}});
  }
  StoredFile out{crypto::Sha256Hex(data), type, static_cast<long long>(data.size())};
  const fs::path target = PathOf(out.sha256);
  std::error_code ec;
  if (fs::exists(target, ec)) return out;
  fs::create_directories(target.parent_path(), ec);
  // Written whole to a temporary file, synced, renamed into place and the directory
  // synced: the row that names the file is committed after this returns, durably, so
  // the file must be too. A file whose transaction then fails stays as an unreferenced
  // copy under its digest (the store is content-addressed: the next upload of the same
  // bytes uses it), never as a row without its file.
  const fs::path tmp = target.string() + ".tmp." + crypto::RandomToken(6);
  const auto fail = [&](const char* what) -> Error {
    spdlog::error("file store: cannot {} {}: {}", what, tmp.string(), std::strerror(errno));
    fs::remove(tmp, ec);
    return MakeError(ErrorCode::kStorageError);
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail("create");
  for (std::size_t done = 0; done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      errno = err;
      return fail("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    return fail("sync");
  }
  if (::close(fd) != 0) return fail("close");
  if (::rename(tmp.c_str(), target.c_str()) != 0) return fail("rename");
  if (const int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return out;
}

Result<std::string> FileStore::Read(const std::string& sha) const {
  if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return MakeError(ErrorCode::kNotFound, "文件不存在");
  }
  // Asked for by a row that names it: a file missing or unreadable is the operator's
  // problem (files_dir restored without its files, not shared by every server, or not
  // readable by the service), said in the log, not the user's "no such file".
  std::ifstream f(PathOf(sha), std::ios::binary);
  if (!f) {
    spdlog::error("file store: {} named by the database cannot be read: {} (every server must use the same files_dir)",
                  PathOf(sha), std::strerror(errno));
    return MakeError(ErrorCode::kStorageError, "文件缺失或无法读取，请联系平台管理员");
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace liantiao::services
