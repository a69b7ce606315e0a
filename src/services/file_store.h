#pragma once

#include <string>

#include "core/result.h"

namespace liantiao::services {

struct StoredFile {
  std::string sha256;
  std::string content_type;  // sniffed from the bytes, not the client's claim
  long long size = 0;
};

// Content-addressed file store outside any served directory: a file is named by the
// SHA-256 of its bytes (dir/ab/abcdef…), written once through a temporary file and a
// rename, so a crash never leaves a half-written file under a valid name.
class FileStore {
 public:
  FileStore(std::string dir, std::size_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  // Checks size and type (PDF, PNG, JPEG, ZIP-based office documents and OFD).
  Result<StoredFile> Store(const std::string& data) const;
  Result<std::string> Read(const std::string& sha256) const;
  std::size_t max_bytes() const { return max_bytes_; }

 private:
  std::string PathOf(const std::string& sha256) const;
  std::string dir_;
  std::size_t max_bytes_;
};

// The type of a file from its first bytes; empty when not an accepted type.
std::string SniffContentType(const std::string& data);

}  // namespace liantiao::services
