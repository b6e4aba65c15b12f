// The block devices in the run summaries: the JSON "disks" object and the human I/O line.
#include <gtest/gtest.h>

#include "vmm/cli/human_summary.h"
#include "vmm/cli/json_summary.h"

namespace shadowtlb::vmm::cli {
namespace {

RunResult result_with_disks() {
  RunResult result;
  result.outcome = Outcome::guest_exit_ok;
  BlockDeviceReport disk{"disk", "/tmp/d.img", 4096, {}};
  disk.stats.read_calls = 2;
  disk.stats.blocks_read = 12;
  disk.stats.write_calls = 1;
  disk.stats.blocks_written = 3;
  disk.stats.flush_calls = 1;
  result.disks.push_back(disk);
  result.disks.push_back({"swap", "", 2048, {}});
  return result;
}

TEST(DisksSummary, JsonListsEachDeviceWithPathOrNull) {
  const Json j = run_summary_json(VmConfig{}, result_with_disks());
  ASSERT_TRUE(j.contains("disks"));
  EXPECT_EQ(j["disks"]["disk"], (Json{{"path", "/tmp/d.img"},
                                      {"blocks", 4096},
                                      {"reads", 12},
                                      {"writes", 3},
                                      {"flushes", 1}}));
  EXPECT_TRUE(j["disks"]["swap"]["path"].is_null());
  EXPECT_EQ(j["disks"]["swap"]["blocks"], 2048);
  EXPECT_EQ(j["disks"]["swap"]["reads"], 0);
}

TEST(DisksSummary, JsonHasAnEmptyObjectWithoutDevices) {
  const Json j = run_summary_json(VmConfig{}, RunResult{});
  EXPECT_EQ(j["disks"], Json::object());
}

TEST(DisksSummary, HumanLineNamesOnlyDevicesThatSawIo) {
  EXPECT_EQ(disks_line(result_with_disks()),
            "shadowtlb: disk /tmp/d.img: 12 blocks read, 3 written, 1 flush\n");
  RunResult swap_only = result_with_disks();
  swap_only.disks[0].stats = {};
  swap_only.disks[1].stats.write_calls = 1;
  swap_only.disks[1].stats.blocks_written = 1;
  EXPECT_EQ(disks_line(swap_only), "shadowtlb: swap: 0 blocks read, 1 written, 0 flushes\n");
}

TEST(DisksSummary, NoHumanLineWithoutIo) {
  RunResult idle = result_with_disks();
  idle.disks[0].stats = {};
  EXPECT_EQ(disks_line(idle), "");
  EXPECT_EQ(disks_line(RunResult{}), "");
}

}  // namespace
}  // namespace shadowtlb::vmm::cli
