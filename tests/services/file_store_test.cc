#include "services/file_store.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "crypto/crypto.h"

namespace liantiao::services {
namespace {

namespace fs = std::filesystem;

class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lt_file_store_" + crypto::RandomToken(6));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Every file under the store, temporary ones included.
  std::vector<std::string> Files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      if (e.is_regular_file()) out.push_back(e.path().filename().string());
    }
    return out;
  }

  fs::path dir_;
};

const std::string kPdf = "%PDF-1.7\n营业执照\n%%EOF";

TEST_F(FileStoreTest, StoresUnderItsDigestAndReadsBack) {
  FileStore store(dir_.string(), 1024);
  const StoredFile f = store.Store(kPdf).value();
  EXPECT_EQ(f.sha256, crypto::Sha256Hex(kPdf));
  EXPECT_EQ(f.content_type, "application/pdf");
  EXPECT_EQ(f.size, static_cast<long long>(kPdf.size()));
  EXPECT_EQ(store.Read(f.sha256).value(), kPdf);
  // The same bytes again: the stored copy, and no temporary file left behind.
  EXPECT_EQ(store.Store(kPdf).value().sha256, f.sha256);
  EXPECT_EQ(Files(), std::vector<std::string>{f.sha256});
  EXPECT_EQ(fs::status(dir_ / f.sha256.substr(0, 2) / f.sha256).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(FileStoreTest, RefusesWhatItDoesNotKeep) {
  FileStore store(dir_.string(), 16);
  EXPECT_EQ(store.Store("").error().code, ErrorCode::kInvalidField);
  EXPECT_EQ(store.Store(kPdf).error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(store.Store("MZ\x90").error().code, ErrorCode::kUnsupportedFileType);
  EXPECT_EQ(store.Read("../../etc/passwd").error().code, ErrorCode::kNotFound);
  // A well-formed digest is asked for by a row that names it: its file missing is a
  // storage error for the operator, not a 404.
  EXPECT_EQ(store.Read(std::string(64, 'a')).error().code, ErrorCode::kStorageError);
  EXPECT_TRUE(Files().empty());
}

TEST_F(FileStoreTest, AFailedWriteIsAStorageErrorAndLeavesNothing) {
  // The store's directory is a file: nothing can be created under it.
  const fs::path blocked = dir_ / "blocked";
  std::ofstream(blocked) << "not a directory";
  FileStore store(blocked.string(), 1024);
  EXPECT_EQ(store.Store(kPdf).error().code, ErrorCode::kStorageError);
  EXPECT_EQ(Files(), std::vector<std::string>{"blocked"});
}

}  // namespace
}  // namespace liantiao::services
