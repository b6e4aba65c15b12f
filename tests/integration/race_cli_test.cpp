// Issue 5's acceptance commands: the seed race through the `shadowtlb` binary.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "support/kvm_available.h"
#include "vmm/cli/subprocess.h"

namespace shadowtlb {
namespace {

using test::run_process;
using test::shadowtlb_binary;

class RaceCliTest : public ::testing::Test {
 protected:
  void SetUp() override { SHADOWTLB_REQUIRE_KVM(); }
};

bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST_F(RaceCliTest, UnfixedKernelLosesTheWriteExplainsItAndExitsThree) {
  test::ProcessResult p =
      run_process(shadowtlb_binary(), {"run", "mremap-race", "--cmdline", "mremap_flush=after-unlock"});
  EXPECT_EQ(p.exit_code, 3) << p.err;
  EXPECT_TRUE(contains(p.err, "mremap-race: lost_write")) << p.err;
  // The explanation names the write, the stale entry, the PTE move and the late flush.
  EXPECT_TRUE(contains(p.err, "the write:     vCPU 0 wrote to 0x100000000000")) << p.err;
  EXPECT_TRUE(contains(p.err, "through a stale writable, dirty entry")) << p.err;
  EXPECT_TRUE(contains(p.err, "made stale by: vCPU 1's page-table write")) << p.err;
  EXPECT_TRUE(contains(p.err, "too late:")) << p.err;
}

TEST_F(RaceCliTest, JsonSaysLostWriteWithHazardsAndTheSchedule) {
  test::ProcessResult p = run_process(
      shadowtlb_binary(), {"run", "mremap-race", "--cmdline", "mremap_flush=after-unlock", "--json"});
  EXPECT_EQ(p.exit_code, 3) << p.err;
  nlohmann::json j = nlohmann::json::parse(p.out);
  EXPECT_EQ(j["result"], "lost_write");
  EXPECT_EQ(j["exit_code"], 3);
  EXPECT_EQ(j["verdict"]["name"], "lost_write");
  EXPECT_FALSE(j["verdict"]["explanation"].empty());
  ASSERT_FALSE(j["hazards"].empty());
  const nlohmann::json& h = j["hazards"][0];
  EXPECT_EQ(h["kind"], "stale_write");
  EXPECT_EQ(h["vcpu"], 0);
  EXPECT_EQ(h["va"], "0x100000000000");
  EXPECT_TRUE(h.contains("frame"));
  EXPECT_GT(h["write_event"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(h["stale_since"]["vcpu"], 1);
  ASSERT_TRUE(j.contains("schedule"));
  EXPECT_EQ(j["schedule"]["mode"], "controlled");
  EXPECT_FALSE(j["schedule"]["steps"].empty());
}

TEST_F(RaceCliTest, FixedKernelsAndTheHypervisorFixSayOkAndExitZero) {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--cmdline", "mremap_flush=dirty-before-unlock"},
        std::vector<std::string>{"--cmdline", "mremap_flush=always-before-unlock"},
        std::vector<std::string>{"--cmdline", "mremap_flush=after-unlock", "--enforce", "dirty-shootdown"},
        std::vector<std::string>{"--cmdline", "mremap_flush=after-unlock", "--tlb", "coherent"}}) {
    std::vector<std::string> args = {"run", "mremap-race", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    test::ProcessResult p = run_process(shadowtlb_binary(), args);
    EXPECT_EQ(p.exit_code, 0) << extra[1] << ": " << p.err;
    nlohmann::json j = nlohmann::json::parse(p.out);
    EXPECT_EQ(j["result"], "ok") << extra[1];
  }
}

}  // namespace
}  // namespace shadowtlb
