// Exit dispatch: ports routed, unknown exits end the run with their name.
#include "vmm/exits/exit_dispatch.h"

#include <gtest/gtest.h>

#include "abi/hypercall.h"
#include "abi/memory_layout.h"

#include <cstring>
#include "support/fake_machine.h"
#include "vmm/exits/passthrough_mmu.h"

namespace shadowtlb::vmm {
namespace {

class ExitDispatchTest : public ::testing::Test {
 protected:
  test::FakeMachine machine;
  PassthroughMmu mmu{machine.memory(), 2};
  HypercallHandler hypercalls{machine, mmu};
  ExitDispatcher exits{machine, hypercalls, mmu};
  test::FakeRun fake;
  ExitContext ctx{0, fake.run()};
};

TEST_F(ExitDispatchTest, HypercallPortReachesTheHandler) {
  fake.io_out(abi::HC_PORT, abi::HC_EXIT);
  ctx.regs().rdi = 0;
  EXPECT_EQ(exits.handle(ctx), VcpuStep::stop);
  EXPECT_EQ(machine.outcome, Outcome::guest_exit_ok);
}

TEST_F(ExitDispatchTest, SerialBytesReachTheConsole) {
  for (char c : std::string("hi\n")) {
    fake.io_out(abi::SERIAL_COM1, static_cast<std::uint8_t>(c), 1);
    EXPECT_EQ(exits.handle(ctx), VcpuStep::resume);
  }
  EXPECT_EQ(machine.console().captured_lines(), std::vector<std::string>{"hi"});
}

TEST_F(ExitDispatchTest, UnknownPortsAreHarmless) {
  fake.io_out(0x80, 0x12, 1);
  EXPECT_EQ(exits.handle(ctx), VcpuStep::resume);
  EXPECT_FALSE(machine.stopped);
}

TEST_F(ExitDispatchTest, TripleFaultIsReportedWithRegisters) {
  fake.run().exit_reason = KVM_EXIT_SHUTDOWN;
  ctx.regs().rip = 0x123456;
  EXPECT_EQ(exits.handle(ctx), VcpuStep::stop);
  EXPECT_EQ(machine.outcome, Outcome::triple_fault);
  ASSERT_TRUE(machine.failure.has_value());
  EXPECT_EQ(machine.failure->rip, 0x123456u);
}

TEST_F(ExitDispatchTest, UnhandledExitReasonIsAVmErrorNamingIt) {
  fake.run().exit_reason = KVM_EXIT_DEBUG;
  EXPECT_EQ(exits.handle(ctx), VcpuStep::stop);
  EXPECT_EQ(machine.outcome, Outcome::vm_error);
  EXPECT_NE(machine.message.find("KVM_EXIT_DEBUG"), std::string::npos) << machine.message;
}

TEST_F(ExitDispatchTest, UnbackedMemoryAccessStopsTheGuest) {
  fake.run().exit_reason = KVM_EXIT_MMIO;
  fake.run().mmio.phys_addr = 0x4000'0000;
  fake.run().mmio.len = 8;
  EXPECT_EQ(exits.handle(ctx), VcpuStep::stop);
  EXPECT_NE(machine.message.find("0x40000000"), std::string::npos);
}

TEST_F(ExitDispatchTest, PageTableViewReadsAndWritesRamInPassThrough) {
  ASSERT_TRUE(machine.memory().write(GuestPhysAddr(0x3008), std::uint64_t{0x1234567}));
  kvm_run& run = fake.run();
  run.exit_reason = KVM_EXIT_MMIO;
  run.mmio.phys_addr = abi::PT_VIEW_BASE + 0x3008;
  run.mmio.len = 8;
  run.mmio.is_write = 0;
  EXPECT_EQ(exits.handle(ctx), VcpuStep::resume);
  std::uint64_t read;
  std::memcpy(&read, run.mmio.data, 8);
  EXPECT_EQ(read, 0x1234567u);

  run.mmio.is_write = 1;
  std::uint64_t value = 0xabcdef000063;
  std::memcpy(run.mmio.data, &value, 8);
  EXPECT_EQ(exits.handle(ctx), VcpuStep::resume);
  EXPECT_EQ(machine.memory().read_u64(GuestPhysAddr(0x3008)), value);
}

TEST_F(ExitDispatchTest, PageTableViewBeyondRamStopsTheGuest) {
  kvm_run& run = fake.run();
  run.exit_reason = KVM_EXIT_MMIO;
  run.mmio.phys_addr = abi::PT_VIEW_BASE + (4 << 20);
  run.mmio.len = 8;
  EXPECT_EQ(exits.handle(ctx), VcpuStep::stop);
  EXPECT_EQ(machine.outcome, Outcome::guest_panic);
}

TEST_F(ExitDispatchTest, HltParksTheVcpu) {
  fake.run().exit_reason = KVM_EXIT_HLT;
  EXPECT_EQ(exits.handle(ctx), VcpuStep::halt);
}

}  // namespace
}  // namespace shadowtlb::vmm
