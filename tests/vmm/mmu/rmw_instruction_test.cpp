// RMW decoding: each locked form on a PTE, the value it stores, plain loads refused.
#include "vmm/mmu/rmw_instruction.h"

#include <gtest/gtest.h>

#include <vector>

namespace shadowtlb::vmm {
namespace {

using Op = RmwInstruction::Op;
using Code = std::vector<std::uint8_t>;

kvm_regs regs_with(std::uint64_t rax, std::uint64_t rbx, std::uint64_t rcx, std::uint64_t rsi) {
  kvm_regs r{};
  r.rax = rax;
  r.rbx = rbx;
  r.rcx = rcx;
  r.rsi = rsi;
  return r;
}

std::optional<RmwInstruction> decode(const Code& code, const kvm_regs& r = kvm_regs{}) {
  return decode_rmw(code, r);
}

TEST(RmwInstruction, XchgStoresTheRegister) {
  auto rmw = decode({0x48, 0x87, 0x1f}, regs_with(0, 0x1234067, 0, 0));  // xchg [rdi], rbx
  ASSERT_TRUE(rmw);
  EXPECT_EQ(rmw->op, Op::xchg);
  EXPECT_EQ(rmw->size, 8u);
  EXPECT_EQ(rmw->apply(0xdead067), 0x1234067u);
}

TEST(RmwInstruction, CmpxchgSucceedsOrStoresTheOldValueBack) {
  // lock cmpxchg [rdi], rsi with rax = expected
  auto rmw = decode({0xf0, 0x48, 0x0f, 0xb1, 0x37}, regs_with(0x1000067, 0, 0, 0x1000025));
  ASSERT_TRUE(rmw);
  EXPECT_EQ(rmw->op, Op::cmpxchg);
  EXPECT_EQ(rmw->apply(0x1000067), 0x1000025u);
  EXPECT_EQ(rmw->apply(0x1000027), 0x1000027u);  // failure: old value written back
}

TEST(RmwInstruction, BitOperationsWithImmediates) {
  auto bts = decode({0xf0, 0x48, 0x0f, 0xba, 0x2f, 0x06});  // lock bts [rdi], 6 (D)
  ASSERT_TRUE(bts);
  EXPECT_EQ(bts->apply(0x1000025), 0x1000065u);
  auto btr = decode({0xf0, 0x48, 0x0f, 0xba, 0x37, 0x01});  // lock btr [rdi], 1 (RW)
  ASSERT_TRUE(btr);
  EXPECT_EQ(btr->apply(0x1000067), 0x1000065u);
}

TEST(RmwInstruction, LockedArithmeticAndPartialWidth) {
  auto orq = decode({0xf0, 0x48, 0x83, 0x0f, 0x60});  // lock or qword [rdi], 0x60
  ASSERT_TRUE(orq);
  EXPECT_EQ(orq->apply(0x1000005), 0x1000065u);
  auto andl = decode({0xf0, 0x83, 0x27, 0xfd});  // lock and dword [rdi], ~2
  ASSERT_TRUE(andl);
  EXPECT_EQ(andl->size, 4u);
  EXPECT_EQ(andl->apply(0x01000067), 0x01000065u);
  auto orb = decode({0xf0, 0x80, 0x0f, 0x40});  // lock or byte [rdi], 0x40
  ASSERT_TRUE(orb);
  EXPECT_EQ(orb->size, 1u);
  EXPECT_EQ(orb->apply(0x25), 0x65u);
  auto xadd = decode({0xf0, 0x48, 0x0f, 0xc1, 0x0f}, regs_with(0, 0, 5, 0));
  ASSERT_TRUE(xadd);
  EXPECT_EQ(xadd->apply(10), 15u);
  auto inc = decode({0xf0, 0x48, 0xff, 0x07});
  ASSERT_TRUE(inc);
  EXPECT_EQ(inc->apply(41), 42u);
}

TEST(RmwInstruction, PlainLoadsAndUnlockedRmwAreNotAtomicSteps) {
  EXPECT_FALSE(decode({0x48, 0x8b, 0x07}));        // mov rax, [rdi]
  EXPECT_FALSE(decode({0x48, 0x83, 0x0f, 0x02}));  // or qword [rdi], 2 (no lock)
  EXPECT_FALSE(decode({0x0f, 0x0b}));              // ud2
  EXPECT_FALSE(decode({}));                        // nothing to decode
}

}  // namespace
}  // namespace shadowtlb::vmm
