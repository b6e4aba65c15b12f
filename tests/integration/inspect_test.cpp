// Issue 6's acceptance for `inspect`: a real trace of the seed race, explained,
// and vCPU 0's TLB at the stale write (skipped without /dev/kvm).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/kvm_available.h"
#include "vmm/cli/subprocess.h"

namespace shadowtlb {
namespace {

namespace fs = std::filesystem;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

class InspectRaceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::access("/dev/kvm", R_OK | W_OK) != 0) return;
    dir_ = fs::temp_directory_path() / ("shadowtlb_inspect_race_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    trace_ = (dir_ / "t.pb").string();
    run_ = test::run_process(test::shadowtlb_binary(),
                             {"run", "mremap-race", "--cmdline", "mremap_flush=after-unlock", "--trace",
                              trace_, "--quiet"},
                             120);
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void SetUp() override {
    SHADOWTLB_REQUIRE_KVM();
    ASSERT_EQ(run_.exit_code, 3) << run_.err;  // lost_write
  }

  static test::ProcessResult inspect(const std::vector<std::string>& args) {
    std::vector<std::string> argv{std::string("inspect"), trace_};
    for (const std::string& arg : args) argv.push_back(arg);
    return test::run_process(test::shadowtlb_binary(), argv);
  }

  static inline fs::path dir_;
  static inline std::string trace_;
  static inline test::ProcessResult run_;
};

TEST_F(InspectRaceTest, ExplainNamesTheWriteTheStaleEntryThePteMoveAndTheLateFlush) {
  const test::ProcessResult r = inspect({"--explain"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("stale_write on vCPU 0, 0x100000000000"));
  EXPECT_THAT(r.out, ContainsRegex("the write:     event [0-9]+: vCPU 0 wrote 0x2 \\(was 0x1\\) to "
                                   "0x100000000000 .* through the stale writable, dirty entry; rip 0x"));
  EXPECT_THAT(r.out, ContainsRegex("the entry:     0x100000000000 4K -> 0x[0-9a-f]+ RW U.* dirty in vCPU "
                                   "0's TLB, filled at event [0-9]+ by vCPU 0's tlb_fill"));
  EXPECT_THAT(r.out, ContainsRegex("made stale by: event [0-9]+: vCPU 1's page-table write \\[0x[0-9a-f]+\\] "
                                   "0x[0-9a-f]+ -> 0x0; rip 0x[0-9a-f]+: xchg"));
  EXPECT_THAT(r.out, ContainsRegex("moved to:      event [0-9]+: vCPU 1's page-table write"));
  EXPECT_THAT(r.out, ContainsRegex("too late:      event [0-9]+: flush_remote 0x100000000000 \\+1 page \\(by "
                                   "vCPU 1\\) removed the entry from vCPU 0's TLB, [0-9]+ events? after the write"));
  EXPECT_THAT(r.out, HasSubstr("lost_dirty_bit on vCPU 0"));
  EXPECT_THAT(r.out, HasSubstr("verdict: lost_write"));
}

TEST_F(InspectRaceTest, AtTheStaleWriteVcpu0StillHoldsXMarkedStaleAndThePageTablesDoNot) {
  test::ProcessResult r = inspect({"--kind", "stale_write", "--va", "0x100000000000", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json writes = nlohmann::json::parse(r.out)["records"];
  ASSERT_FALSE(writes.empty()) << r.out;
  const std::string at = std::to_string(writes[0]["event"].get<std::size_t>());

  r = inspect({"--tlb", "--at", at, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json view = nlohmann::json::parse(r.out);
  const nlohmann::json* x = nullptr;
  for (const nlohmann::json& e : view["tlbs"][0]["entries"])
    if (e["va"] == "0x100000000000") x = &e;
  ASSERT_NE(x, nullptr) << r.out;
  EXPECT_EQ((*x)["stale"], true);
  EXPECT_EQ((*x)["dirty"], true);
  ASSERT_TRUE((*x)["pte_now"].is_object()) << r.out;
  EXPECT_EQ((*x)["pte_now"]["value"], "0x0");  // the guest tables no longer map X
  EXPECT_EQ((*x)["pte_now"]["pte"], (*x)["pte"]);

  r = inspect({"--tlb", "--at", at});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ContainsRegex("vCPU 0: [0-9]+ entr(y|ies), [0-9]+ STALE"));
  EXPECT_THAT(r.out, ContainsRegex("! 0x100000000000 4K -> 0x[0-9a-f]+ RW U.* dirty  STALE since event"));
  EXPECT_THAT(r.out, HasSubstr("0x100000000000 no longer maps to"));
}

TEST_F(InspectRaceTest, TheTimelineAndTheChromeExportCoverTheRun) {
  test::ProcessResult r = inspect({"--va", "0x100000000000", "--width", "100"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("mremap-race: 2 vCPUs"));
  EXPECT_THAT(r.out, HasSubstr("| pte_write"));
  EXPECT_THAT(r.out, HasSubstr("HAZARD stale_write"));

  const std::string chrome = (dir_ / "t.json").string();
  r = inspect({"--chrome", chrome});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(chrome);
  const nlohmann::json j = nlohmann::json::parse(in);
  bool shootdown = false;
  for (const nlohmann::json& e : j["traceEvents"]) {
    for (const char* field : {"ph", "ts", "pid", "tid"}) ASSERT_TRUE(e.contains(field)) << e;
    shootdown = shootdown || (e["ph"] == "X" && e["name"] == "shootdown");
  }
  EXPECT_TRUE(shootdown);
}

}  // namespace
}  // namespace shadowtlb
