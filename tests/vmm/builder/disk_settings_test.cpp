// Block-device options: sizes, "0" for no swap, the path, and their manifest fields.
#include "vmm/builder/disk_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vmm/builder/manifest.h"
#include "vmm/builder/settings.h"
#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

using ::testing::HasSubstr;

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(DiskSettings, DefaultsAreAMemoryDiskAndSwapOf16MiB) {
  const VmConfig config;
  EXPECT_EQ(config.disks.path, "");
  EXPECT_EQ(config.disks.disk_bytes, 16u << 20);
  EXPECT_EQ(config.disks.swap_bytes, 16u << 20);
}

TEST(DiskSettings, SizesAreWholeBlocksUpTo4G) {
  EXPECT_EQ(checked_disk_size("4K", "--disk-size"), 4096u);
  EXPECT_EQ(checked_disk_size("4G", "--disk-size"), 4ull << 30);
  EXPECT_THAT(error_of([] { (void)checked_disk_size("5G", "--disk-size"); }),
              HasSubstr("--disk-size 5G: a block device can be at most 4 GiB"));
  EXPECT_THAT(error_of([] { (void)checked_disk_size("5000", "--disk-size"); }),
              HasSubstr("--disk-size 5000: a block device must be a multiple of 4 KiB"));
  EXPECT_THAT(error_of([] { (void)checked_disk_size("0", "--disk-size"); }),
              HasSubstr("--disk-size '0': must be greater than zero"));
  EXPECT_THAT(error_of([] { (void)checked_disk_size("lots", "--disk-size"); }),
              HasSubstr("--disk-size 'lots': not a size"));
}

TEST(DiskSettings, SwapSizeZeroMeansNoSwap) {
  EXPECT_EQ(checked_swap_size("0", "--swap-size"), 0u);
  EXPECT_EQ(checked_swap_size("1M", "--swap-size"), 1u << 20);
  EXPECT_THAT(error_of([] { (void)checked_swap_size("1T", "--swap-size"); }),
              HasSubstr("--swap-size 1T"));
}

TEST(DiskSettings, PathMustBeNonEmpty) {
  EXPECT_EQ(checked_disk_path("disk.img", "--disk"), "disk.img");
  EXPECT_THAT(error_of([] { (void)checked_disk_path("", "--disk"); }), HasSubstr("--disk"));
  EXPECT_THAT(error_of([] { (void)checked_disk_path(std::string_view("a\0b", 3), "--disk"); }),
              HasSubstr("NUL"));
}

TEST(DiskSettings, CliOverridesApply) {
  CliOverrides overrides;
  overrides.disk = "/tmp/d.img";
  overrides.disk_size = "32M";
  overrides.swap_size = "0";
  VmConfig config;
  apply_cli_overrides(overrides, config);
  EXPECT_EQ(config.disks.path, "/tmp/d.img");
  EXPECT_EQ(config.disks.disk_bytes, 32u << 20);
  EXPECT_EQ(config.disks.swap_bytes, 0u);
}

TEST(DiskSettings, ManifestFieldsApplyAndNameTheManifest) {
  VmConfig config;
  apply_manifest(parse_manifest(R"(disk_size: "8M" swap_size: "0")", "m.textproto"), "m.textproto",
                 config);
  EXPECT_EQ(config.disks.disk_bytes, 8u << 20);
  EXPECT_EQ(config.disks.swap_bytes, 0u);
  // Empty fields keep what an earlier layer chose.
  apply_manifest(parse_manifest("", "n.textproto"), "n.textproto", config);
  EXPECT_EQ(config.disks.disk_bytes, 8u << 20);
  EXPECT_THAT(error_of([&] {
                apply_manifest(parse_manifest(R"(swap_size: "3K")", "m.textproto"), "m.textproto",
                               config);
              }),
              HasSubstr("m.textproto: swap_size 3K"));
}

}  // namespace
}  // namespace shadowtlb::vmm
