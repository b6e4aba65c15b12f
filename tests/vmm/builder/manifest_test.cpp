// Manifest parsing: every field, and errors that point at the file and line.
#include "vmm/builder/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string manifest_error(std::string_view text) {
  try {
    (void)parse_manifest(text, "demo.textproto");
    return "";
  } catch (const ConfigError& e) {
    return e.what();
  }
}

TEST(Manifest, ParsesEveryField) {
  const auto m = parse_manifest(R"(
    # comments are allowed
    name: "demo"
    description: "a demo"
    image: "kernel.elf"
    vcpus: 4
    mem: "128M"
    cmdline: "flush=late quiet"
    timeout_s: 30
    seed: 99
  )", "demo.textproto");
  EXPECT_EQ(m.name(), "demo");
  EXPECT_EQ(m.description(), "a demo");
  EXPECT_EQ(m.image(), "kernel.elf");
  EXPECT_EQ(m.vcpus(), 4u);
  EXPECT_EQ(m.mem(), "128M");
  EXPECT_EQ(m.cmdline(), "flush=late quiet");
  EXPECT_EQ(m.timeout_s(), 30u);
  EXPECT_EQ(m.seed(), 99u);
}

TEST(Manifest, EmptyTextIsAnEmptyManifest) {
  const auto m = parse_manifest("", "x");
  EXPECT_EQ(m.image(), "");
  EXPECT_EQ(m.vcpus(), 0u);
}

TEST(Manifest, UnknownFieldNamesFileAndLine) {
  EXPECT_THAT(manifest_error("image: \"smoke\"\nvcpu: 4\n"),
              StartsWith("demo.textproto:2:"));
  EXPECT_THAT(manifest_error("image: \"smoke\"\nvcpu: 4\n"), HasSubstr("vcpu"));
}

TEST(Manifest, BadValueNamesFileAndLine) {
  EXPECT_THAT(manifest_error("\n\nvcpus: \"four\"\n"), StartsWith("demo.textproto:3:"));
  EXPECT_THAT(manifest_error("vcpus: -1\n"), StartsWith("demo.textproto:1:"));
  EXPECT_THAT(manifest_error("image: \"unterminated\n"), StartsWith("demo.textproto:1:"));
}

TEST(Manifest, ErrorIsOneLine) {
  EXPECT_EQ(manifest_error("{{{").find('\n'), std::string::npos);
}

TEST(Manifest, LoadsFromFile) {
  const auto dir = std::filesystem::temp_directory_path() / "shadowtlb_manifest_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "m.textproto";
  std::ofstream(path) << "image: \"smoke\"\nvcpus: 3\n";
  EXPECT_EQ(load_manifest(path).vcpus(), 3u);
  std::ofstream(path) << "image: \"smoke\"\nbogus: 3\n";
  try {
    (void)load_manifest(path);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), StartsWith(path.string() + ":2:"));
  }
  EXPECT_THROW((void)load_manifest(dir / "missing.textproto"), ConfigError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace shadowtlb::vmm
