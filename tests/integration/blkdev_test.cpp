// The block devices end to end: the guest's blkdev self-tests write through HC_BLK_* and the
// host file given as the disk holds what they wrote.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "images/selftest/blkdev_pattern.h"
#include "support/kvm_available.h"
#include "support/run_builtin.h"
#include "vmm/cli/subprocess.h"
#include "vmm/runtime/machine.h"

namespace shadowtlb::vmm {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kDefaultDiskBytes = 16ull << 20;

class BlkdevTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SHADOWTLB_REQUIRE_KVM();
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("shadowtlb_blkdev_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // The selftest image running only the blkdev tests, its disk in `disk`.
  static VmConfig blkdev_config(const fs::path& disk, std::string filter = "blkdev") {
    VmConfig config = test::builtin_config("selftest", 2, "selftest.filter=" + filter);
    config.disks.path = disk.string();
    return config;
  }

  // The u64 words of the file's last 4 KiB block.
  static std::vector<std::uint64_t> last_block(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    in.seekg(-4096, std::ios::end);
    std::vector<std::uint64_t> words(512);
    in.read(reinterpret_cast<char*>(words.data()), 4096);
    return in ? words : std::vector<std::uint64_t>{};
  }

  fs::path dir_;
};

std::set<std::string> names_of(const RunResult& r, abi::report_kind kind) {
  std::set<std::string> names;
  for (const GuestReport& report : r.reports)
    if (report.kind == kind) names.insert(report.name);
  return names;
}

TEST_F(BlkdevTest, GuestWritesReachTheDiskFile) {
  const fs::path disk = dir_ / "disk.img";
  RunResult r = run_vm(blkdev_config(disk));
  ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  EXPECT_EQ(names_of(r, abi::REPORT_TEST_PASS),
            (std::set<std::string>{"blkdev.capacity_of_disk_and_swap",
                                   "blkdev.disk_round_trip_of_two_blocks",
                                   "blkdev.swap_round_trip_of_a_page",
                                   "blkdev.out_of_range_is_einval", "blkdev.flush_returns_zero",
                                   "blkdev.disk_last_block_holds_the_pattern"}));

  // A missing file is created at the default --disk-size.
  ASSERT_EQ(fs::file_size(disk), kDefaultDiskBytes);
  const std::vector<std::uint64_t> words = last_block(disk);
  ASSERT_EQ(words.size(), 512u);
  for (std::size_t i = 0; i < words.size(); ++i)
    ASSERT_EQ(words[i], BLKDEV_SELFTEST_PATTERN) << "word " << i << " of the last block";

  ASSERT_EQ(r.disks.size(), 2u);
  EXPECT_EQ(r.disks[0].name, "disk");
  EXPECT_EQ(r.disks[0].path, disk.string());
  EXPECT_EQ(r.disks[0].blocks, kDefaultDiskBytes / 4096);
  // Two blocks of the round trip, one of the pattern; reads likewise.
  EXPECT_EQ(r.disks[0].stats.blocks_written, 3u);
  EXPECT_EQ(r.disks[0].stats.blocks_read, 3u);
  EXPECT_EQ(r.disks[0].stats.flush_calls, 2u);
  EXPECT_EQ(r.disks[1].name, "swap");
  EXPECT_EQ(r.disks[1].path, "");
  EXPECT_EQ(r.disks[1].stats.blocks_written, 1u);
}

TEST_F(BlkdevTest, AnExistingDiskKeepsItsContents) {
  const fs::path disk = dir_ / "disk.img";
  {
    std::ofstream out(disk, std::ios::binary);
    std::vector<char> zeros(kDefaultDiskBytes, 0);
    zeros[100] = 'x';  // a byte no blkdev test writes
    out.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  RunResult r = run_vm(blkdev_config(disk));
  ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  std::ifstream in(disk, std::ios::binary);
  in.seekg(100);
  EXPECT_EQ(in.get(), 'x');
  EXPECT_EQ(last_block(disk).at(0), BLKDEV_SELFTEST_PATTERN);
}

TEST_F(BlkdevTest, WithoutSwapTheGuestSeesNoDevice) {
  VmConfig config = blkdev_config(dir_ / "disk.img", "blkdev.swap_round_trip");
  config.disks.swap_bytes = 0;
  RunResult r = run_vm(config);
  ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  EXPECT_EQ(names_of(r, abi::REPORT_TEST_SKIP),
            std::set<std::string>{"blkdev.swap_round_trip_of_a_page"});
  ASSERT_EQ(r.disks.size(), 1u);
  EXPECT_EQ(r.disks[0].name, "disk");
}

TEST_F(BlkdevTest, JsonSummaryListsTheDisks) {
  const fs::path disk = dir_ / "disk.img";
  test::ProcessResult p = test::run_process(
      test::shadowtlb_binary(),
      {"run", "selftest", "--cmdline", "selftest.filter=blkdev.disk", "--disk", disk.string(),
       "--swap-size", "8M", "--json", "--quiet"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  nlohmann::json j = nlohmann::json::parse(p.out);
  EXPECT_EQ(j["disks"]["disk"],
            (nlohmann::json{{"path", disk.string()}, {"blocks", kDefaultDiskBytes / 4096},
                            {"reads", 3}, {"writes", 3}, {"flushes", 1}}));
  EXPECT_TRUE(j["disks"]["swap"]["path"].is_null());
  EXPECT_EQ(j["disks"]["swap"]["blocks"], (8 << 20) / 4096);
  EXPECT_EQ(j["disks"]["swap"]["writes"], 0);
}

}  // namespace
}  // namespace shadowtlb::vmm
