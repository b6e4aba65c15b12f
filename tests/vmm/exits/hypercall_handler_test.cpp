// Hypercalls: arguments from sync regs, results in rax, reports decoded, bad input refused.
#include "vmm/exits/hypercall_handler.h"

#include <gtest/gtest.h>

#include <cstring>

#include "abi/guest_report.h"
#include "support/fake_machine.h"
#include "vmm/exits/passthrough_mmu.h"

namespace shadowtlb::vmm {
namespace {

class HypercallTest : public ::testing::Test {
 protected:
  VcpuStep call(std::uint32_t nr, std::uint64_t a0 = 0, std::uint64_t a1 = 0) {
    ctx.regs().rdi = a0;
    ctx.regs().rsi = a1;
    ctx.run.kvm_dirty_regs = 0;
    return handler.handle(ctx, nr);
  }
  std::int64_t result() { return static_cast<std::int64_t>(ctx.regs().rax); }

  test::FakeMachine machine;
  PassthroughMmu mmu{machine.memory(), 2};
  HypercallHandler handler{machine, mmu};
  test::FakeRun fake;
  ExitContext ctx{1, fake.run()};
};

TEST_F(HypercallTest, ExitZeroIsSuccessAndStopsTheVcpu) {
  EXPECT_EQ(call(abi::HC_EXIT, 0), VcpuStep::stop);
  EXPECT_EQ(machine.outcome, Outcome::guest_exit_ok);
  EXPECT_EQ(machine.guest_status, 0);
}

TEST_F(HypercallTest, ExitNonZeroIsAGuestFailure) {
  EXPECT_EQ(call(abi::HC_EXIT, 7), VcpuStep::stop);
  EXPECT_EQ(machine.outcome, Outcome::guest_exit_failed);
  EXPECT_EQ(machine.guest_status, 7);
}

TEST_F(HypercallTest, ResultIsWrittenBackThroughSyncRegs) {
  EXPECT_EQ(call(abi::HC_NOP), VcpuStep::resume);
  EXPECT_EQ(result(), 0);
  EXPECT_TRUE(ctx.run.kvm_dirty_regs & KVM_SYNC_X86_REGS);
}

TEST_F(HypercallTest, UnknownCallIsENOSYS) {
  EXPECT_EQ(call(0x7777), VcpuStep::resume);
  EXPECT_EQ(result(), -abi::HC_ENOSYS);
  EXPECT_FALSE(machine.stopped);
}

TEST_F(HypercallTest, StartCpuIsForwarded) {
  call(abi::HC_START_CPU, 1);
  EXPECT_EQ(machine.started, std::vector<unsigned>{1});
}

TEST_F(HypercallTest, ReportIsDecodedWithItsStrings) {
  abi::guest_report r{};
  r.kind = abi::REPORT_VALUE;
  r.values[0] = 99;
  std::strcpy(r.name, "smoke.vcpu");
  ASSERT_TRUE(machine.memory().write(GuestPhysAddr(0x5000), r));
  call(abi::HC_REPORT, 0x5000);
  EXPECT_EQ(result(), 0);
  ASSERT_EQ(machine.reports.size(), 1u);
  EXPECT_EQ(machine.reports[0].name, "smoke.vcpu");
  EXPECT_EQ(machine.reports[0].values[0], 99u);
  EXPECT_EQ(machine.reports[0].vcpu, 1u);
}

TEST_F(HypercallTest, ReportWithoutNulTerminatorIsBounded) {
  abi::guest_report r{};
  r.kind = abi::REPORT_TEST_PASS;
  std::memset(r.name, 'a', sizeof r.name);
  std::memset(r.file, 'b', sizeof r.file);
  ASSERT_TRUE(machine.memory().write(GuestPhysAddr(0x5000), r));
  call(abi::HC_REPORT, 0x5000);
  ASSERT_EQ(machine.reports.size(), 1u);
  EXPECT_EQ(machine.reports[0].name, std::string(abi::REPORT_NAME_LEN, 'a'));
}

TEST_F(HypercallTest, ReportOutsideRamOrOfUnknownKindIsRefused) {
  call(abi::HC_REPORT, 4 << 20);
  EXPECT_EQ(result(), -abi::HC_EINVAL);
  abi::guest_report r{};
  r.kind = 99;
  ASSERT_TRUE(machine.memory().write(GuestPhysAddr(0x5000), r));
  call(abi::HC_REPORT, 0x5000);
  EXPECT_EQ(result(), -abi::HC_EINVAL);
  EXPECT_TRUE(machine.reports.empty());
}

TEST_F(HypercallTest, PanicReportStopsTheRun) {
  abi::guest_report r{};
  r.kind = abi::REPORT_PANIC;
  r.line = 12;
  std::strcpy(r.expr, "out of memory");
  std::strcpy(r.file, "mm/page_alloc.cpp");
  ASSERT_TRUE(machine.memory().write(GuestPhysAddr(0x5000), r));
  EXPECT_EQ(call(abi::HC_REPORT, 0x5000), VcpuStep::stop);
  EXPECT_EQ(machine.outcome, Outcome::guest_panic);
  EXPECT_NE(machine.message.find("out of memory (mm/page_alloc.cpp:12)"), std::string::npos);
}

TEST_F(HypercallTest, ExceptionReportNamesTheVector) {
  abi::guest_report r{};
  r.kind = abi::REPORT_EXCEPTION;
  r.values[0] = 14;
  r.values[1] = 0xffffffff80101234;
  r.values[2] = 0xdead000;
  r.values[3] = 2;
  ASSERT_TRUE(machine.memory().write(GuestPhysAddr(0x5000), r));
  EXPECT_EQ(call(abi::HC_REPORT, 0x5000), VcpuStep::stop);
  EXPECT_NE(machine.message.find("#PF (page fault) at rip 0xffffffff80101234, cr2 0xdead000"),
            std::string::npos)
      << machine.message;
  ASSERT_TRUE(machine.failure.has_value());
  EXPECT_EQ(machine.failure->rip, 0xffffffff80101234u);
}

TEST_F(HypercallTest, MarkReadsABoundedName) {
  ASSERT_TRUE(machine.memory().write_bytes(GuestPhysAddr(0x6000),
                                           std::as_bytes(std::span("pte_moved", 10))));
  call(abi::HC_MARK, 0x6000, 5);
  ASSERT_EQ(machine.marks.size(), 1u);
  EXPECT_EQ(machine.marks[0].name, "pte_moved");
  EXPECT_EQ(machine.marks[0].value, 5u);
  ASSERT_TRUE(machine.memory().write(GuestPhysAddr((4 << 20) - 1), 'x'));
  call(abi::HC_MARK, (4 << 20) - 1);  // no NUL before the end of RAM
  EXPECT_EQ(result(), -abi::HC_EINVAL);
}

TEST_F(HypercallTest, PassthroughCr3LoadValidatesTheRoot) {
  call(abi::HC_MMU_LOAD_CR3, 0x20000);
  EXPECT_EQ(result(), 0);
  EXPECT_EQ(ctx.sregs().cr3, 0x20000u);
  EXPECT_TRUE(ctx.run.kvm_dirty_regs & KVM_SYNC_X86_SREGS);
  call(abi::HC_MMU_LOAD_CR3, 0x20010);
  EXPECT_EQ(result(), -abi::HC_EINVAL);
  call(abi::HC_MMU_LOAD_CR3, 64ull << 30);
  EXPECT_EQ(result(), -abi::HC_EINVAL);
}

TEST_F(HypercallTest, PageDirtyTakesOnlyZeroOrOne) {
  ctx.regs().rdx = 1;
  call(abi::HC_MMU_PAGE_DIRTY, 0x368, 0);
  EXPECT_EQ(result(), 0);
  ctx.regs().rdx = 2;  // a hostile guest: neither set nor cleared
  call(abi::HC_MMU_PAGE_DIRTY, 0x368, 0);
  EXPECT_EQ(result(), -abi::HC_EINVAL);
}

TEST_F(HypercallTest, PassthroughTlbMissIsAlwaysARealFault) {
  call(abi::HC_MMU_TLB_MISS, 0x1000, 2);
  EXPECT_EQ(result(), abi::TLB_MISS_FAULT);
}

}  // namespace
}  // namespace shadowtlb::vmm
