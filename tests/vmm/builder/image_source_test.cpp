// Resolving `run` arguments (ELF path, manifest, built-in name) and layering settings.
#include "vmm/builder/image_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "vmm/boot/elf_builder.h"
#include "vmm/errors.h"
#include "vmm/images/builtin_images.h"

namespace shadowtlb::vmm {
namespace {

namespace fs = std::filesystem;
using test::ElfBuilder;
using ::testing::HasSubstr;

constexpr std::uint64_t kMiB = 1ull << 20;

class ImageSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("shadowtlb_image_source_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::vector<std::byte>& bytes) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return path.string();
  }
  std::string write_text(const std::string& name, const std::string& text) {
    return write(name, std::vector<std::byte>(reinterpret_cast<const std::byte*>(text.data()),
                                              reinterpret_cast<const std::byte*>(text.data()) + text.size()));
  }

  template <typename Error>
  std::string error_of(std::string_view argument, const CliOverrides& overrides = {}) {
    try {
      (void)make_vm_config(argument, overrides);
      return "";
    } catch (const Error& e) {
      return e.what();
    }
  }

  fs::path dir_;
};

TEST_F(ImageSourceTest, ElfPathGetsVmmDefaults) {
  const auto elf = ElfBuilder::minimal().build();
  const std::string path = write("guest.elf", elf);
  const VmConfig config = make_vm_config(path, {});
  EXPECT_EQ(config.image_name, path);
  EXPECT_EQ(config.image, elf);
  EXPECT_EQ(config.vcpus, 2u);
  EXPECT_EQ(config.mem_bytes, 64 * kMiB);
  EXPECT_EQ(config.cmdline, "");
  EXPECT_EQ(config.seed, 1u);
  EXPECT_EQ(config.timeout, std::chrono::milliseconds(120'000));
}

TEST_F(ImageSourceTest, ElfMagicWinsOverAnyName) {
  const std::string path = write("looks_like.textproto", ElfBuilder::minimal().build());
  EXPECT_EQ(make_vm_config(path, {}).image_name, path);
}

TEST_F(ImageSourceTest, CliOverridesApply) {
  const std::string path = write("guest.elf", ElfBuilder::minimal().build());
  CliOverrides o;
  o.vcpus = 64;
  o.mem = "1G";
  o.cmdline = "a=b";
  o.timeout_s = 0.25;
  o.seed = 42;
  const VmConfig config = make_vm_config(path, o);
  EXPECT_EQ(config.vcpus, 64u);
  EXPECT_EQ(config.mem_bytes, 1024 * kMiB);
  EXPECT_EQ(config.cmdline, "a=b");
  EXPECT_EQ(config.timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(config.seed, 42u);
}

TEST_F(ImageSourceTest, RejectsBadVcpus) {
  const std::string path = write("guest.elf", ElfBuilder::minimal().build());
  for (std::int64_t n : {0, -1, 65, 1000}) {
    CliOverrides o;
    o.vcpus = n;
    EXPECT_EQ(error_of<ConfigError>(path, o),
              "--vcpus " + std::to_string(n) + ": the number of vCPUs must be between 1 and 64");
  }
}

TEST_F(ImageSourceTest, RejectsBadMem) {
  const std::string path = write("guest.elf", ElfBuilder::minimal().build());
  auto mem_error = [&](const char* mem) {
    CliOverrides o;
    o.mem = mem;
    return error_of<ConfigError>(path, o);
  };
  EXPECT_EQ(mem_error("2M"), "--mem 2M: guest RAM must be at least 4 MiB");
  EXPECT_EQ(mem_error("65G"), "--mem 65G: guest RAM can be at most 64 GiB");
  EXPECT_EQ(mem_error("5000000"), "--mem 5000000: guest RAM must be a multiple of 4 KiB (e.g. 64M)");
  CliOverrides odd;
  odd.mem = "4100K";  // whole pages, not whole MiB: fine
  EXPECT_EQ(make_vm_config(path, odd).mem_bytes, 4100u << 10);
  EXPECT_THAT(mem_error("lots"), HasSubstr("--mem 'lots': not a size"));
  EXPECT_THAT(mem_error("0"), HasSubstr("greater than zero"));
}

TEST_F(ImageSourceTest, RejectsBadTimeoutAndCmdline) {
  const std::string path = write("guest.elf", ElfBuilder::minimal().build());
  CliOverrides o;
  o.timeout_s = 0;
  EXPECT_THAT(error_of<ConfigError>(path, o), HasSubstr("--timeout 0: the timeout must be"));
  o.timeout_s = -3;
  EXPECT_THAT(error_of<ConfigError>(path, o), HasSubstr("--timeout"));
  o = {};
  o.cmdline = std::string(1024, 'x');
  EXPECT_EQ(error_of<ConfigError>(path, o),
            "--cmdline: 1024 bytes; the guest command line holds at most 1023");
  o.cmdline = std::string(1023, 'x');
  EXPECT_EQ(make_vm_config(path, o).cmdline.size(), 1023u);
}

TEST_F(ImageSourceTest, UnknownImageIsOneClearLine) {
  EXPECT_EQ(error_of<ConfigError>("no-such-image"),
            "unknown image 'no-such-image': not a built-in image (see 'shadowtlb images'), and no "
            "such file");
  EXPECT_THAT(error_of<ConfigError>(""), HasSubstr("no image given"));
}

TEST_F(ImageSourceTest, DirectoryIsNotAnImage) {
  EXPECT_THAT(error_of<ConfigError>(dir_.string()), HasSubstr("not a regular file"));
}

TEST_F(ImageSourceTest, RejectsFilesThatAreNeitherElfNorManifest) {
  const std::string empty = write("empty.bin", {});
  EXPECT_EQ(error_of<ImageError>(empty), empty + ": empty file, not an ELF image");
  const std::string text = write_text("notes.txt", "hello, world\n");
  EXPECT_EQ(error_of<ImageError>(text),
            text + ": not an ELF file (no ELF magic at the start) nor an image manifest");
  // Valid text format, but names no image: still not something to run.
  const std::string bare = write_text("bare", "vcpus: 2\n");
  EXPECT_THAT(error_of<ImageError>(bare), HasSubstr("nor an image manifest"));
}

TEST_F(ImageSourceTest, BadElfErrorsNameTheImage) {
  auto elf = ElfBuilder::minimal().build();
  elf.resize(30);
  const std::string truncated = write("truncated.elf", elf);
  EXPECT_EQ(error_of<ImageError>(truncated),
            truncated + ": truncated ELF: the file is 30 bytes, shorter than the 64-byte ELF64 header");
  ElfBuilder arm = ElfBuilder::minimal();
  arm.header().e_machine = EM_AARCH64;
  const std::string arm_path = write("arm.elf", arm.build());
  EXPECT_EQ(error_of<ImageError>(arm_path),
            arm_path + ": not an x86-64 image: ELF machine is AArch64 (183)");
}

TEST_F(ImageSourceTest, RamTooSmallForImage) {
  ElfBuilder big;
  big.segment({0x100000, 0x100000, 1, 100 * kMiB, PF_R | PF_X, PT_LOAD, {0xf4}})
      .entry(0x100000);
  const std::string path = write("big.elf", big.build());
  EXPECT_EQ(error_of<ImageError>(path),
            path + ": image segment 0 [0x100000, 0x6500000) lies outside guest RAM (64 MiB); use "
                   "--mem 101M or more");
  CliOverrides o;
  o.mem = "101M";
  EXPECT_NO_THROW((void)make_vm_config(path, o));
}

TEST_F(ImageSourceTest, ManifestWithRelativeElfAndLayering) {
  write("images/kernel.elf", ElfBuilder::minimal().build());
  const std::string manifest = write_text("images/demo.textproto", R"(
    name: "demo"
    image: "kernel.elf"
    vcpus: 4
    mem: "128M"
    cmdline: "mode=late"
    timeout_s: 9
    seed: 7
  )");
  VmConfig config = make_vm_config(manifest, {});
  EXPECT_EQ(config.image_name, "demo");
  EXPECT_EQ(config.vcpus, 4u);
  EXPECT_EQ(config.mem_bytes, 128 * kMiB);
  EXPECT_EQ(config.cmdline, "mode=late");
  EXPECT_EQ(config.timeout, std::chrono::milliseconds(9000));
  EXPECT_EQ(config.seed, 7u);
  EXPECT_EQ(config.image, ElfBuilder::minimal().build());

  // Command-line values beat the manifest's; the rest stay. --cmdline is
  // appended, so its keys win in the guest (the last occurrence counts).
  CliOverrides o;
  o.vcpus = 8;
  o.cmdline = "mode=early";
  config = make_vm_config(manifest, o);
  EXPECT_EQ(config.vcpus, 8u);
  EXPECT_EQ(config.cmdline, "mode=late mode=early");
  EXPECT_EQ(config.mem_bytes, 128 * kMiB);
}

TEST_F(ImageSourceTest, ManifestRecognizedByContent) {
  write("kernel.elf", ElfBuilder::minimal().build());
  const std::string manifest = write_text("run-me", "image: \"kernel.elf\"\nvcpus: 3\n");
  const VmConfig config = make_vm_config(manifest, {});
  EXPECT_EQ(config.vcpus, 3u);
  EXPECT_EQ(config.image_name, manifest);  // no name in the manifest: the argument
}

TEST_F(ImageSourceTest, ManifestErrors) {
  const std::string typo = write_text("typo.textproto", "image: \"k.elf\"\nvcpu: 3\n");
  EXPECT_THAT(error_of<ConfigError>(typo), ::testing::StartsWith(typo + ":2:"));

  const std::string no_image = write_text("no_image.textproto", "vcpus: 3\n");
  EXPECT_THAT(error_of<ConfigError>(no_image), HasSubstr("names no image"));

  const std::string missing = write_text("missing.textproto", "image: \"nope.elf\"\n");
  EXPECT_THAT(error_of<ConfigError>(missing),
              HasSubstr("image 'nope.elf': not a built-in image (see 'shadowtlb images'), and no "
                        "such file"));

  write_text("not_elf.bin", "plain text");
  const std::string not_elf = write_text("not_elf.textproto", "image: \"not_elf.bin\"\n");
  EXPECT_THAT(error_of<ImageError>(not_elf), HasSubstr("is not an ELF file"));

  write("kernel.elf", ElfBuilder::minimal().build());
  const std::string bad_vcpus = write_text("bad.textproto", "image: \"kernel.elf\"\nvcpus: 100\n");
  EXPECT_EQ(error_of<ConfigError>(bad_vcpus),
            bad_vcpus + ": vcpus 100: the number of vCPUs must be between 1 and 64");
  const std::string bad_mem = write_text("bad_mem.textproto", "image: \"kernel.elf\"\nmem: \"1X\"\n");
  EXPECT_THAT(error_of<ConfigError>(bad_mem), HasSubstr(bad_mem + ": mem '1X': not a size"));
}

// Built-in images resolve by name, and a user's manifest can name one; skipped
// in a build that has no guest images.
TEST_F(ImageSourceTest, BuiltinImagesByNameAndFromManifest) {
  const auto images = builtin_images();
  if (images.empty()) GTEST_SKIP() << "this build embeds no guest images";
  const BuiltinImage& image = images.front();
  const VmConfig config = make_vm_config(image.name, {});
  EXPECT_EQ(config.image_name, image.name);
  EXPECT_EQ(config.image.size(), image.elf.size());

  const std::string manifest =
      write_text("mine.textproto", "image: \"" + std::string(image.name) + "\"\nvcpus: 5\n");
  const VmConfig from_manifest = make_vm_config(manifest, {});
  EXPECT_EQ(from_manifest.vcpus, 5u);
  EXPECT_EQ(from_manifest.image.size(), image.elf.size());
}

}  // namespace
}  // namespace shadowtlb::vmm
