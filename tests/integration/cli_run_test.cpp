// The `shadowtlb` binary end to end on built-in images: console, JSON, exit codes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <set>

#include "support/kvm_available.h"
#include "vmm/boot/elf_builder.h"
#include "vmm/cli/subprocess.h"

namespace shadowtlb {
namespace {

using test::run_process;
using test::shadowtlb_binary;

class CliRunTest : public ::testing::Test {
 protected:
  void SetUp() override { SHADOWTLB_REQUIRE_KVM(); }
};

TEST_F(CliRunTest, SmokeOnFourVcpusPrintsOneLineFromEach) {
  test::ProcessResult p = run_process(shadowtlb_binary(), {"run", "smoke", "--vcpus", "4"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  std::set<std::string> ids;
  const std::string prefix = "smoke: hello from vCPU ";
  std::istringstream lines(p.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::string rest = line.substr(prefix.size());  // "<i> of 4"
    ASSERT_TRUE(rest.size() > 5 && rest.substr(rest.size() - 5) == " of 4") << line;
    std::string id = rest.substr(0, rest.size() - 5);
    EXPECT_TRUE(ids.insert(id).second) << "vCPU " << id << " printed twice";
  }
  EXPECT_EQ(ids, (std::set<std::string>{"0", "1", "2", "3"})) << p.out;
}

TEST_F(CliRunTest, SmokeJsonSummarySaysOkOnFourVcpus) {
  test::ProcessResult p =
      run_process(shadowtlb_binary(), {"run", "smoke", "--vcpus", "4", "--json"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  nlohmann::json j = nlohmann::json::parse(p.out);  // stdout holds exactly one object
  EXPECT_EQ(j["result"], "ok");
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["vcpus"], 4);
  EXPECT_EQ(j["guest_status"], 0);
  EXPECT_GT(j["wall_ms"].get<double>(), 0.0);
  std::set<int> vcpus;
  for (const auto& v : j["values"])
    if (v["name"] == "smoke.vcpu") vcpus.insert(v["value"].get<int>());
  EXPECT_EQ(vcpus, (std::set<int>{0, 1, 2, 3}));
  // The guest console went to stderr, so stdout stayed machine-readable.
  EXPECT_NE(p.err.find("smoke: hello from vCPU 3 of 4"), std::string::npos);
}

TEST_F(CliRunTest, TripleFaultingImageExitsTwoNamingRipAndInstruction) {
  const std::vector<std::uint8_t> ud2 = {0x0f, 0x0b};
  test::ElfBuilder b;
  b.segment({0x100000, 0x100000, ud2.size(), 0x1000, PF_R | PF_X, PT_LOAD, ud2});
  b.entry(0x100000);
  std::vector<std::byte> elf = b.build();
  std::string path = ::testing::TempDir() + "/triple_fault.elf";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(elf.data()), static_cast<std::streamsize>(elf.size()));

  test::ProcessResult p = run_process(shadowtlb_binary(), {"run", path});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("triple fault"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("0x100000"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("ud2"), std::string::npos) << p.err;
}

}  // namespace
}  // namespace shadowtlb
