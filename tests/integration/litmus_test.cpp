// The litmus image under the shadow MMU: each case's guest-visible outcome per
// TLB mode, the hazards it must (and must not) produce, and --dump-tlb-at.
#include <gtest/gtest.h>

#include <map>

#include "support/kvm_available.h"
#include "support/run_builtin.h"

namespace shadowtlb::vmm {
namespace {

constexpr std::uint64_t A = 0xa0a0a0a0a0a0a0a0ull;  // frame A's contents (images/litmus/litmus.h)
constexpr std::uint64_t B = 0xb0b0b0b0b0b0b0b0ull;  // frame B's contents

class LitmusTest : public ::testing::Test {
 protected:
  void SetUp() override { SHADOWTLB_REQUIRE_KVM(); }

  // Runs the litmus image on 2 vCPUs; `rmw_rounds` keeps the stress case short
  // where the test is about something else.
  RunResult run(mmu::TlbMode mode, std::string cmdline = "litmus.rmw_rounds=200",
                std::size_t capacity = 0) {
    VmConfig config = test::builtin_config("litmus", 2, std::move(cmdline));
    // 10,000 RMW rounds take ~20 s on a quiet 2-core host, several times that
    // under sanitizers with other tests running beside: never cut them short.
    config.timeout = std::chrono::seconds(540);
    config.mmu.mode = mode;
    config.mmu.capacity = capacity;
    RunResult r = run_vm(config);
    EXPECT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
    return r;
  }
};

std::size_t count_hazards(const RunResult& r, mmu::HazardKind kind) {
  std::size_t n = 0;
  for (const HazardReport& h : r.hazards) n += h.hazard.kind == kind;
  return n;
}

TEST_F(LitmusTest, ArchitecturalKeepsStaleEntriesUntilFlushed) {
  RunResult r = run(mmu::TlbMode::architectural);
  std::map<std::string, std::uint64_t> v = test::values_of(r);
  // stale read: vCPU 1 still reads frame A after X was repointed to B, until the shootdown
  EXPECT_EQ(v["stale_read.before_flush"], A);
  EXPECT_EQ(v["stale_read.after_flush"], B);
  // stale dirty write: lands in frame A without a fault
  EXPECT_EQ(v["stale_dirty_write.second_write_faulted"], 0u);
  EXPECT_EQ(v["stale_dirty_write.frame_a_value"], 2u);
  // stale clean write: the re-walk finds no PTE, the write faults, A is untouched
  EXPECT_EQ(v["stale_clean_write.second_write_faulted"], 1u);
  EXPECT_EQ(v["stale_clean_write.frame_a_value"], A);
  // invlpg on vCPU 0 leaves vCPU 1's entry; vCPU 1's CR3 load drops it
  EXPECT_EQ(v["invlpg_local.vcpu0"], B);
  EXPECT_EQ(v["invlpg_local.vcpu1"], A);
  EXPECT_EQ(v["cr3_reload.before_reload"], A);
  EXPECT_EQ(v["cr3_reload.vcpu1"], B);
  // permission increase without a flush: one spurious #PF, then the write succeeds
  EXPECT_EQ(v["permission_increase.faults"], 1u);
  // unlimited capacity: nothing evicts X's stale entry
  EXPECT_EQ(v["capacity_evict.value"], A);
  EXPECT_EQ(v["rmw_stress.lost_dirty_bits"], 0u);
  EXPECT_GT(v["rmw_stress.rounds"], 0u);
}

TEST_F(LitmusTest, ArchitecturalReportsTheStaleDirtyWriteAsALostDirtyBit) {
  RunResult r = run(mmu::TlbMode::architectural, "litmus.case=stale_dirty_write");
  EXPECT_EQ(count_hazards(r, mmu::HazardKind::stale_write), 1u);
  EXPECT_EQ(count_hazards(r, mmu::HazardKind::lost_dirty_bit), 1u);
  for (const HazardReport& h : r.hazards) {
    EXPECT_EQ(h.hazard.vcpu, 1u) << "the stale entry is vCPU 1's";
    EXPECT_EQ(h.hazard.va.value(), 0x10000000u) << "LITMUS_X";
    EXPECT_TRUE(h.hazard.entry.dirty);
    EXPECT_NE(h.hazard.stale_since, 0u);
    EXPECT_EQ(h.hazard.stale_by_vcpu, 0u) << "vCPU 0 cleared the PTE";
    EXPECT_FALSE(h.instruction.empty());
  }
}

TEST_F(LitmusTest, CoherentPropagatesEveryChangeAtOnce) {
  RunResult r = run(mmu::TlbMode::coherent);
  std::map<std::string, std::uint64_t> v = test::values_of(r);
  EXPECT_EQ(v["stale_read.before_flush"], B);
  EXPECT_EQ(v["stale_dirty_write.second_write_faulted"], 1u);
  EXPECT_EQ(v["stale_dirty_write.frame_a_value"], 1u) << "the second write never reached A";
  EXPECT_EQ(v["stale_clean_write.second_write_faulted"], 1u);
  EXPECT_EQ(v["invlpg_local.vcpu1"], B);
  EXPECT_EQ(v["capacity_evict.value"], B);
  EXPECT_EQ(v["permission_increase.faults"], 0u) << "the increase reached vCPU 1 at once";
  EXPECT_EQ(v["rmw_stress.lost_dirty_bits"], 0u);
  EXPECT_TRUE(r.hazards.empty());
}

TEST_F(LitmusTest, CapacityOneEvictsTheStaleEntry) {
  RunResult r = run(mmu::TlbMode::architectural, "litmus.case=capacity_evict", 1);
  EXPECT_EQ(test::values_of(r)["capacity_evict.value"], B);
}

TEST_F(LitmusTest, RmwStressLosesNoDirtyBitOverTenThousandRounds) {
  RunResult r = run(mmu::TlbMode::architectural, "litmus.case=rmw_stress litmus.rmw_rounds=10000");
  std::map<std::string, std::uint64_t> v = test::values_of(r);
  EXPECT_EQ(v["rmw_stress.rounds"], 10000u);
  EXPECT_EQ(v["rmw_stress.lost_dirty_bits"], 0u);
  EXPECT_TRUE(r.hazards.empty());
}

TEST_F(LitmusTest, PassThroughKeepsPageTableRmwAtomicAgainstKvmsWalker) {
  // --tlb off: KVM's own walker sets D in the guest's tables while the guest
  // runs locked RMWs on them through the view; the VMM must not lose one.
  VmConfig config = test::builtin_config("litmus", 2, "litmus.case=rmw_stress litmus.rmw_rounds=2000");
  config.mmu.shadow = false;
  RunResult r = run_vm(config);
  ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  EXPECT_EQ(test::values_of(r)["rmw_stress.lost_dirty_bits"], 0u);
}

TEST_F(LitmusTest, StaleWriteHazardNamesTheStoreNotTheNextInstruction) {
  RunResult r = run(mmu::TlbMode::architectural, "litmus.case=stale_dirty_write");
  ASSERT_FALSE(r.hazards.empty());
  EXPECT_EQ(r.hazards[0].instruction.rfind("mov qword ptr [", 0), 0u) << r.hazards[0].instruction;
}

// The publishing rule: a repoint, a write-protect and a removal of a mapping
// vCPU 1 has just used are seen by vCPU 1 once the shootdown returns, and in
// architectural mode not before.
TEST_F(LitmusTest, ChangesAreSeenOncePublishedAndNeverBefore) {
  constexpr std::uint64_t kFaulted = ~std::uint64_t{0};
  for (mmu::TlbMode mode : {mmu::TlbMode::architectural, mmu::TlbMode::coherent}) {
    SCOPED_TRACE(mode == mmu::TlbMode::coherent ? "coherent" : "architectural");
    RunResult r = run(mode, "litmus.case=publish");
    std::map<std::string, std::uint64_t> v = test::values_of(r);
    const bool arch = mode == mmu::TlbMode::architectural;
    EXPECT_EQ(v["publish.repointed_read"], 0xb1u) << "repoint published: the write went to B";
    EXPECT_EQ(v["publish.repointed_frame_a"], 0xa1u) << "and A kept the earlier write";
    EXPECT_EQ(v["publish.wp_before_faulted"], arch ? 0u : 1u);
    EXPECT_EQ(v["publish.wp_after_faulted"], 1u);
    EXPECT_EQ(v["publish.removed_before"], arch ? 0xb2u : kFaulted);
    EXPECT_EQ(v["publish.removed_after"], kFaulted);
  }
}

TEST_F(LitmusTest, DumpTlbAtMarkShowsTheStaleEntryOnVcpuOne) {
  VmConfig config = test::builtin_config("litmus", 2, "litmus.case=stale_read");
  config.mmu.dump_tlb_at = {"stale_read.repointed"};
  RunResult r = run_vm(config);
  ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  ASSERT_EQ(r.tlb_dumps.size(), 1u);
  const TlbDump& dump = r.tlb_dumps[0];
  ASSERT_EQ(dump.entries.size(), 2u);
  const mmu::TlbEntry* x = nullptr;
  for (const mmu::TlbEntry& e : dump.entries[1])
    if (e.va.value() == 0x10000000) x = &e;
  ASSERT_NE(x, nullptr) << "vCPU 1 must still cache X";
  EXPECT_TRUE(x->stale);
  for (const mmu::TlbEntry& e : dump.entries[0])
    EXPECT_FALSE(e.stale) << "vCPU 0 made the change; its own view is current";
}

TEST_F(LitmusTest, HundredCoherentRunsReportNoHazard) {
  for (int run_index = 0; run_index < 100; ++run_index) {
    RunResult r = run(mmu::TlbMode::coherent, "litmus.rmw_rounds=50");
    ASSERT_TRUE(r.hazards.empty()) << "run " << run_index << ": "
                                   << mmu::hazard_kind_name(r.hazards[0].hazard.kind);
  }
}

}  // namespace
}  // namespace shadowtlb::vmm
