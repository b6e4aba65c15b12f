// FileDisk: creation and sizing, data reaching the host file, errors that name the file.
#include "vmm/devices/file_disk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class FileDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("shadowtlb_file_disk_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write_file(const std::string& name, std::size_t bytes, char fill = 0) {
    const fs::path path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    const std::string data(bytes, fill);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    return path;
  }

  static std::string error_of(const fs::path& path, std::uint64_t create_bytes) {
    try {
      (void)FileDisk::open(path, create_bytes);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(FileDiskTest, MissingFileIsCreatedWithTheGivenSize) {
  const fs::path path = dir_ / "new.img";
  auto disk = FileDisk::open(path, 1 << 20);
  EXPECT_EQ(disk->capacity(), 256u);
  EXPECT_EQ(disk->backing_path(), path.string());
  EXPECT_EQ(fs::file_size(path), 1u << 20);
}

TEST_F(FileDiskTest, EmptyFileIsSizedLikeANewOne) {
  const fs::path path = write_file("empty.img", 0);
  EXPECT_EQ(FileDisk::open(path, 64 << 10)->capacity(), 16u);
  EXPECT_EQ(fs::file_size(path), 64u << 10);
}

TEST_F(FileDiskTest, ExistingFileKeepsItsSizeInWholeBlocks) {
  const fs::path path = write_file("old.img", 3 * kBlockSize + 100, 'a');
  auto disk = FileDisk::open(path, 16 << 20);
  EXPECT_EQ(disk->capacity(), 3u);
  EXPECT_EQ(fs::file_size(path), 3 * kBlockSize + 100);
  std::vector<std::byte> block(kBlockSize);
  ASSERT_EQ(disk->read(2, block), BlockStatus::ok);
  EXPECT_EQ(block[0], std::byte{'a'});
  EXPECT_EQ(disk->read(3, block), BlockStatus::out_of_range);
}

TEST_F(FileDiskTest, WritesReachTheFileAtTheirBlockOffset) {
  const fs::path path = dir_ / "data.img";
  {
    auto disk = FileDisk::open(path, 4 * kBlockSize);
    std::vector<std::byte> block(kBlockSize, std::byte{0x5c});
    ASSERT_EQ(disk->write(2, block), BlockStatus::ok);
    ASSERT_EQ(disk->flush(), BlockStatus::ok);
    EXPECT_EQ(disk->stats().flush_calls, 1u);
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes(4 * kBlockSize);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_EQ(bytes[2 * kBlockSize - 1], 0);
  EXPECT_EQ(bytes[2 * kBlockSize], 0x5c);
  EXPECT_EQ(bytes[3 * kBlockSize - 1], 0x5c);
  EXPECT_EQ(bytes[3 * kBlockSize], 0);
}

TEST_F(FileDiskTest, ReopenedFileReadsBackWhatAnEarlierRunWrote) {
  const fs::path path = dir_ / "data.img";
  std::vector<std::byte> out(2 * kBlockSize, std::byte{7});
  ASSERT_EQ(FileDisk::open(path, 8 * kBlockSize)->write(5, out), BlockStatus::ok);
  auto disk = FileDisk::open(path, 1 << 20);  // the size is the file's now
  EXPECT_EQ(disk->capacity(), 8u);
  std::vector<std::byte> in(2 * kBlockSize);
  ASSERT_EQ(disk->read(5, in), BlockStatus::ok);
  EXPECT_EQ(in, out);
}

TEST_F(FileDiskTest, MissingDirectoryIsAHostErrorNamingThePath) {
  const fs::path path = dir_ / "no-such-dir" / "disk.img";
  try {
    (void)FileDisk::open(path, 1 << 20);
    FAIL() << "no error";
  } catch (const KvmError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path.string()));
    EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
  }
}

TEST_F(FileDiskTest, DirectoryOrTinyFileCannotBeADisk) {
  EXPECT_THAT(error_of(dir_, 1 << 20), HasSubstr("Is a directory"));
  const fs::path tiny = write_file("tiny.img", 100);
  try {
    (void)FileDisk::open(tiny, 1 << 20);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("smaller than one 4096-byte block"));
  }
}

TEST_F(FileDiskTest, TwoOpensOfOneFileAreRefused) {
  const fs::path path = dir_ / "shared.img";
  auto first = FileDisk::open(path, 1 << 20);
  EXPECT_THAT(error_of(path, 1 << 20), HasSubstr("another process"));
  first.reset();
  EXPECT_EQ(error_of(path, 1 << 20), "");  // the lock goes with the device
}

TEST_F(FileDiskTest, FileTruncatedUnderTheDeviceIsAnIoError) {
  const fs::path path = dir_ / "shrinking.img";
  auto disk = FileDisk::open(path, 4 * kBlockSize);
  fs::resize_file(path, kBlockSize);
  std::vector<std::byte> block(kBlockSize);
  EXPECT_EQ(disk->read(3, block), BlockStatus::io_error);
  EXPECT_EQ(disk->stats().read_calls, 0u);
}

}  // namespace
}  // namespace shadowtlb::vmm
