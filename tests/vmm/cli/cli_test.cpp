// The shadowtlb binary as users meet it: options, exit codes, one-line errors, JSON.
//
// Image and option errors must be reported before /dev/kvm is opened, so these
// tests pass on a host without KVM; the few that boot a crafted guest skip there.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "vmm/boot/elf_builder.h"
#include "vmm/cli/subprocess.h"

namespace shadowtlb {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::ElfBuilder;
using test::ProcessResult;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("shadowtlb_cli_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static ProcessResult shadowtlb(const std::vector<std::string>& args) {
    return test::run_process(test::shadowtlb_binary(), args);
  }

  std::string write_elf(const std::string& name, const std::vector<std::byte>& bytes) {
    const fs::path path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return path.string();
  }

  // Asserts the usual shape of an error: the exit code and exactly one line on
  // stderr, starting with "shadowtlb: error: ". Returns that line.
  static std::string expect_one_line_error(const ProcessResult& r, int exit_code) {
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
    EXPECT_THAT(r.err, StartsWith("shadowtlb: error: "));
    return r.err;
  }

  static bool have_kvm() { return ::access("/dev/kvm", R_OK | W_OK) == 0; }

  fs::path dir_;
};

TEST_F(CliTest, Help) {
  const ProcessResult r = shadowtlb({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("run"));
  EXPECT_THAT(r.out, HasSubstr("images"));
  EXPECT_THAT(r.out, HasSubstr("Exit codes"));
}

TEST_F(CliTest, RunHelpListsEveryOption) {
  const ProcessResult r = shadowtlb({"run", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"IMAGE", "--vcpus", "--mem", "--cmdline", "--timeout", "--seed",
                             "--disk", "--disk-size", "--swap-size", "--json", "--quiet"})
    EXPECT_THAT(r.out, HasSubstr(option));
}

TEST_F(CliTest, Version) {
  const ProcessResult r = shadowtlb({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, StartsWith("shadowtlb "));
}

TEST_F(CliTest, UsageErrorsExitOne) {
  expect_one_line_error(shadowtlb({}), 1);
  expect_one_line_error(shadowtlb({"frobnicate"}), 1);
  expect_one_line_error(shadowtlb({"run"}), 1);
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", "smoke", "--bogus"}), 1),
              HasSubstr("--bogus"));
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", "smoke", "--vcpus", "two"}), 1),
              HasSubstr("--vcpus"));
}

TEST_F(CliTest, BadOptionValuesExitOne) {
  const std::string elf = write_elf("ok.elf", ElfBuilder::minimal().build());
  EXPECT_EQ(expect_one_line_error(shadowtlb({"run", elf, "--mem", "12Q"}), 1),
            "shadowtlb: error: --mem '12Q': not a size (write bytes, or a number with K, M, G or "
            "T, e.g. 64M)\n");
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", elf, "--mem", "1M"}), 1),
              HasSubstr("at least 4 MiB"));
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", elf, "--vcpus", "65"}), 1),
              HasSubstr("between 1 and 64"));
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", elf, "--vcpus", "0"}), 1),
              HasSubstr("between 1 and 64"));
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", elf, "--timeout", "0"}), 1),
              HasSubstr("--timeout"));
}

TEST_F(CliTest, BadDiskSizesExitOne) {
  const std::string elf = write_elf("ok.elf", ElfBuilder::minimal().build());
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", elf, "--disk-size", "5000"}), 1),
              HasSubstr("--disk-size 5000: a block device must be a multiple of 4 KiB"));
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", elf, "--swap-size", "5G"}), 1),
              HasSubstr("--swap-size 5G: a block device can be at most 4 GiB"));
}

// The disk file is opened before /dev/kvm, so this needs no KVM; a host
// failure (here: no such folder) is exit code 2, like any other host error.
TEST_F(CliTest, DiskInAMissingFolderExitsTwoNamingThePath) {
  const std::string elf = write_elf("ok.elf", ElfBuilder::minimal().build());
  const std::string disk = (dir_ / "no-such-folder" / "disk.img").string();
  EXPECT_EQ(expect_one_line_error(shadowtlb({"run", elf, "--disk", disk}), 2),
            "shadowtlb: error: open disk file '" + disk + "': No such file or directory\n");
  const ProcessResult r = shadowtlb({"run", elf, "--disk", disk, "--json"});
  EXPECT_EQ(json::parse(r.out)["exit_code"], 2);
}

TEST_F(CliTest, UnknownImage) {
  const ProcessResult r = shadowtlb({"run", "no-such-image"});
  EXPECT_EQ(expect_one_line_error(r, 1),
            "shadowtlb: error: unknown image 'no-such-image': not a built-in image (see "
            "'shadowtlb images'), and no such file\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTest, ErrorsWithJsonStillPrintOneObject) {
  const ProcessResult r = shadowtlb({"run", "no-such-image", "--json"});
  expect_one_line_error(r, 1);
  const json j = json::parse(r.out);
  EXPECT_EQ(j["result"], "error");
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_THAT(j["message"].get<std::string>(), StartsWith("unknown image 'no-such-image'"));
}

TEST_F(CliTest, ParseErrorsWithJsonPrintOneObjectToo) {
  const ProcessResult bogus = shadowtlb({"run", "smoke", "--json", "--bogus"});
  expect_one_line_error(bogus, 1);
  const json j = json::parse(bogus.out);
  EXPECT_EQ(j["result"], "error");
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_EQ(j["image"], "smoke");
  EXPECT_THAT(j["message"].get<std::string>(), HasSubstr("--bogus"));
  // Before the image: still one object, with no image.
  const ProcessResult early = shadowtlb({"run", "--vcpus", "two", "--json", "smoke"});
  expect_one_line_error(early, 1);
  EXPECT_THAT(json::parse(early.out)["message"].get<std::string>(), HasSubstr("--vcpus"));
  // After "--", --json is an argument, not the option: no JSON.
  EXPECT_EQ(shadowtlb({"run", "--bogus", "--", "--json"}).out, "");
}

TEST_F(CliTest, Images) {
  const ProcessResult r = shadowtlb({"images"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
  const ProcessResult j = shadowtlb({"images", "--json"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  const json list = json::parse(j.out);
  ASSERT_TRUE(list["images"].is_array());
  for (const json& image : list["images"]) {
    EXPECT_THAT(r.out, HasSubstr(image["name"].get<std::string>()));
    EXPECT_GE(image["vcpus"].get<int>(), 1);
  }
}

TEST_F(CliTest, TruncatedElfExitsOne) {
  auto bytes = ElfBuilder::minimal().build();
  bytes.resize(bytes.size() / 2);
  const std::string elf = write_elf("truncated.elf", bytes);
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", elf}), 1), HasSubstr("truncated ELF"));
}

TEST_F(CliTest, NonX86ElfExitsOne) {
  ElfBuilder arm = ElfBuilder::minimal();
  arm.header().e_machine = EM_AARCH64;
  const std::string elf = write_elf("arm.elf", arm.build());
  EXPECT_EQ(expect_one_line_error(shadowtlb({"run", elf}), 1),
            "shadowtlb: error: " + elf + ": not an x86-64 image: ELF machine is AArch64 (183)\n");

  ElfBuilder elf32 = ElfBuilder::minimal();
  elf32.header().e_ident[EI_CLASS] = ELFCLASS32;
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", write_elf("32.elf", elf32.build())}), 1),
              HasSubstr("ELFCLASS32"));
}

TEST_F(CliTest, MisplacedSegmentsExitOne) {
  ElfBuilder big;
  big.segment({0x100000, 0x100000, 1, 0x4f00000, PF_R | PF_X, PT_LOAD, {0xf4}}).entry(0x100000);
  const std::string elf = write_elf("big.elf", big.build());
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", elf}), 1),
              HasSubstr("lies outside guest RAM (64 MiB); use --mem"));

  ElfBuilder low;
  low.segment({0x8000, 0x8000, 1, 0x1000, PF_R | PF_X, PT_LOAD, {0xf4}}).entry(0x8000);
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", write_elf("low.elf", low.build())}), 1),
              HasSubstr("overlaps the VMM's reserved area (0x0..0x100000)"));
}

TEST_F(CliTest, NotAnImageExitsOne) {
  const std::string text = write_elf("notes.txt", {std::byte{'h'}, std::byte{'i'}});
  EXPECT_THAT(expect_one_line_error(shadowtlb({"run", text}), 1), HasSubstr("not an ELF file"));
}

// A crafted guest that exits 0 at once: the success path of `run`, end to end.
TEST_F(CliTest, RunsCraftedElf) {
  if (!have_kvm()) GTEST_SKIP() << "/dev/kvm is not available";
  const std::string elf = write_elf("exit0.elf", ElfBuilder::minimal().build());
  const ProcessResult human = shadowtlb({"run", elf, "--vcpus", "1"});
  EXPECT_EQ(human.exit_code, 0) << human.err;
  EXPECT_THAT(human.err, HasSubstr(": ok (1 vCPU) in "));

  const ProcessResult r = shadowtlb({"run", elf, "--vcpus", "1", "--json", "--seed", "5"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);  // stdout is exactly one JSON object
  EXPECT_EQ(j["result"], "ok");
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["guest_status"], 0);
  EXPECT_EQ(j["vcpus"], 1);
  EXPECT_EQ(j["seed"], 5);
  EXPECT_EQ(j["image"], elf);
  EXPECT_TRUE(j["tests"].is_array());

  const ProcessResult quiet = shadowtlb({"run", elf, "--vcpus", "1", "--quiet"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
  EXPECT_EQ(quiet.err, "");
}

// A guest that spins forever is stopped by --timeout with exit code 2.
TEST_F(CliTest, TimeoutExitsTwo) {
  if (!have_kvm()) GTEST_SKIP() << "/dev/kvm is not available";
  ElfBuilder spin;
  spin.segment({0x100000, 0x100000, 2, 0x1000, PF_R | PF_X, PT_LOAD, {0xeb, 0xfe}})  // jmp .
      .entry(0x100000);
  const std::string elf = write_elf("spin.elf", spin.build());
  const ProcessResult r = shadowtlb({"run", elf, "--vcpus", "1", "--timeout", "1", "--json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["result"], "timeout");
  EXPECT_EQ(j["exit_code"], 2);
}

}  // namespace
}  // namespace shadowtlb
