// Which exits are scheduling points: yields, marks (after they are
// recorded), the flush and miss hypercalls, and trapped page-table accesses.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "abi/hypercall.h"
#include "abi/memory_layout.h"
#include "support/fake_machine.h"
#include "vmm/exits/exit_dispatch.h"
#include "vmm/exits/passthrough_mmu.h"

namespace shadowtlb::vmm {
namespace {

using sched::PointKind;

class SchedulingPointsTest : public ::testing::Test {
 protected:
  void hypercall(std::uint32_t nr, std::uint64_t a0 = 0, std::uint64_t a1 = 0) {
    fake.io_out(abi::HC_PORT, nr);
    ctx.regs().rdi = a0;
    ctx.regs().rsi = a1;
    ASSERT_EQ(exits.handle(ctx), VcpuStep::resume);
  }
  void pt_view(bool write) {
    kvm_run& r = fake.run();
    r.exit_reason = KVM_EXIT_MMIO;
    r.mmio.phys_addr = abi::PT_VIEW_BASE + 0x5000;
    r.mmio.len = 8;
    r.mmio.is_write = write;
    ASSERT_EQ(exits.handle(ctx), VcpuStep::resume);
  }
  std::vector<PointKind> kinds() const {
    std::vector<PointKind> out;
    for (const auto& p : machine.points) out.push_back(p.kind);
    return out;
  }

  test::FakeMachine machine;
  PassthroughMmu mmu{machine.memory(), 2};  // answers the page-table view from RAM
  HypercallHandler hypercalls{machine, mmu};
  ExitDispatcher exits{machine, hypercalls, mmu};
  test::FakeRun fake;
  ExitContext ctx{1, fake.run()};
};

TEST_F(SchedulingPointsTest, YieldIsAPointOfTheCallingVcpu) {
  hypercall(abi::HC_YIELD);
  ASSERT_EQ(machine.points.size(), 1u);
  EXPECT_EQ(machine.points[0].vcpu, 1u);
  EXPECT_EQ(machine.points[0].kind, PointKind::yield);
}

TEST_F(SchedulingPointsTest, AMarkIsAPointAfterItIsRecorded) {
  std::array<char, 17> name{};
  std::memcpy(name.data(), "move_ptes.unlock", 17);
  ASSERT_TRUE(machine.memory().write(GuestPhysAddr(0x2000), name));
  hypercall(abi::HC_MARK, 0x2000, 42);
  ASSERT_EQ(machine.marks.size(), 1u);
  ASSERT_EQ(machine.points.size(), 1u);
  EXPECT_EQ(machine.points[0].kind, PointKind::mark);
  EXPECT_EQ(machine.points[0].mark, "move_ptes.unlock");
}

TEST_F(SchedulingPointsTest, AMarkTheVmmCannotReadIsNoPoint) {
  hypercall(abi::HC_MARK, machine.memory().ram_size() + 0x1000, 0);
  EXPECT_TRUE(machine.points.empty());
}

TEST_F(SchedulingPointsTest, FlushAndMissCallsArePointsOtherMmuCallsAreNot) {
  hypercall(abi::HC_MMU_FLUSH_LOCAL, 0x1000, 1);
  hypercall(abi::HC_MMU_TLB_MISS, 0x1000, 2);
  hypercall(abi::HC_MMU_PAGE_FREED, 5, 0);
  hypercall(abi::HC_NOP);
  hypercall(abi::HC_CLOCK);
  EXPECT_EQ(kinds(), (std::vector<PointKind>{PointKind::flush_local, PointKind::tlb_miss}));
}

TEST_F(SchedulingPointsTest, ShootdownIsAPoint) {
  abi::flush_request request{};
  request.npages = 1;
  ASSERT_TRUE(machine.memory().write(GuestPhysAddr(0x3000), request));
  hypercall(abi::HC_MMU_SHOOTDOWN, 0x3000);
  EXPECT_EQ(kinds(), std::vector<PointKind>{PointKind::shootdown});
}

TEST_F(SchedulingPointsTest, TrappedPageTableAccessesArePoints) {
  pt_view(/*write=*/false);
  pt_view(/*write=*/true);
  EXPECT_EQ(kinds(), (std::vector<PointKind>{PointKind::pte_read, PointKind::pte_write}));
}

}  // namespace
}  // namespace shadowtlb::vmm
