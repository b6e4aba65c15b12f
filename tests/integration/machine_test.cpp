// The VMM against tiny hand-assembled guests: every way a run can end.
//
// Each guest is a few bytes at 1 MiB (va = pa on the boot tables), built with
// the test ELF builder, so these tests need KVM but no guest kernel.
#include "vmm/runtime/machine.h"

#include <gtest/gtest.h>

#include "support/handmade_image.h"
#include "support/kvm_available.h"
#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

using Bytes = std::vector<std::uint8_t>;

VmConfig config_for(const Bytes& code, unsigned vcpus = 1) {
  return test::handmade_config(code, vcpus, std::chrono::seconds(20));
}

// mov $5, %edi; mov $HC_EXIT, %eax; out %eax, $0xe0; jmp .
const Bytes kExit5 = {0xbf, 0x05, 0, 0, 0, 0xb8, 0, 0, 0, 0, 0xe7, 0xe0, 0xeb, 0xfe};
// Prints "hi\n" on COM1, then HC_EXIT(0).
const Bytes kConsole = {0x66, 0xba, 0xf8, 0x03, 0xb0, 0x68, 0xee, 0xb0, 0x69, 0xee, 0xb0, 0x0a,
                        0xee, 0x31, 0xff, 0xb8, 0,    0,    0,    0,    0xe7, 0xe0, 0xeb, 0xfe};
const Bytes kUd2 = {0x0f, 0x0b};  // no IDT yet: #UD escalates to a triple fault
const Bytes kHlt = {0xf4};
const Bytes kSpin = {0xeb, 0xfe};
// movabs $0x7fff00000000, %rax; mov (%rax), %rbx: not in the boot tables -> #PF -> no IDT
const Bytes kUnmappedRead = {0x48, 0xb8, 0, 0, 0, 0, 0xff, 0x7f, 0, 0, 0x48, 0x8b, 0x18};

class MachineTest : public ::testing::Test {
 protected:
  void SetUp() override { SHADOWTLB_REQUIRE_KVM(); }
};

TEST_F(MachineTest, GuestExitStatusIsReported) {
  RunResult r = run_vm(config_for(kExit5));
  EXPECT_EQ(r.outcome, Outcome::guest_exit_failed);
  EXPECT_EQ(r.guest_status, 5);
  EXPECT_EQ(r.vcpus_started, 1u);
}

TEST_F(MachineTest, ConsoleLinesAreCapturedAndExitZeroIsOk) {
  RunResult r = run_vm(config_for(kConsole));
  EXPECT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  EXPECT_EQ(r.guest_status, 0);
}

TEST_F(MachineTest, TripleFaultNamesRipAndInstruction) {
  RunResult r = run_vm(config_for(kUd2));
  EXPECT_EQ(r.outcome, Outcome::triple_fault) << r.message;
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->rip, 0x100000u);
  EXPECT_EQ(r.failure->instruction, "ud2  (0f 0b)");
}

TEST_F(MachineTest, PageFaultWithoutIdtTripleFaultsAtTheLoad) {
  RunResult r = run_vm(config_for(kUnmappedRead));
  EXPECT_EQ(r.outcome, Outcome::triple_fault) << r.message;
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->rip, 0x10000au);
  EXPECT_EQ(r.failure->cr2, 0x7fff00000000u);
  EXPECT_EQ(r.failure->instruction, "mov rbx, qword ptr [rax]  (48 8b 18)");
}

TEST_F(MachineTest, HaltedGuestEndsTheRunWithoutWaitingForTheTimeout) {
  RunResult r = run_vm(config_for(kHlt));
  EXPECT_EQ(r.outcome, Outcome::guest_panic) << r.message;
  EXPECT_NE(r.message.find("halted"), std::string::npos) << r.message;
  EXPECT_LT(r.wall_ms, 10'000);
}

TEST_F(MachineTest, SpinningGuestIsStoppedByTheTimeout) {
  VmConfig config = config_for(kSpin, 1);
  config.timeout = std::chrono::milliseconds(500);
  RunResult r = run_vm(config);
  EXPECT_EQ(r.outcome, Outcome::timeout);
  EXPECT_NE(r.message.find("vCPU 0 at rip 0x100000: jmp 0x100000"), std::string::npos)
      << r.message;
}

TEST_F(MachineTest, OverlongCommandLineIsAConfigError) {
  VmConfig config = config_for(kExit5);
  config.cmdline = std::string(5000, 'x');
  EXPECT_THROW((void)run_vm(config), ConfigError);
}

}  // namespace
}  // namespace shadowtlb::vmm
