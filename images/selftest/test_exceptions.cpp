// Self-tests of exception handling: deliberate faults caught through the fixup table.
#include "guest/arch/x86/extable.h"
#include "guest/arch/x86/idt.h"
#include "guest/arch/x86/page.h"
#include "guest/include/errno.h"
#include "guest/kernel/test.h"

namespace {

// Unmapped in init_mm: its lower half is empty.
constexpr unsigned long UNMAPPED = 0x3000;

}  // namespace

TEST(exceptions, page_fault_on_read_is_fixed_up) {
  u64 v = 0;
  EXPECT_EQ(read_u64_nofault(reinterpret_cast<void*>(UNMAPPED + 8), &v), -EFAULT);
  fault_info fi = last_fault_info();
  EXPECT_EQ(fi.vector, static_cast<u64>(X86_TRAP_PF));
  EXPECT_EQ(fi.cr2, UNMAPPED + 8);
  EXPECT_EQ(fi.error_code, 0u);  // not present, read, supervisor (SDM 4.7)
  EXPECT_GE(fi.ip, START_KERNEL_MAP);
}

TEST(exceptions, page_fault_on_write_is_fixed_up) {
  EXPECT_EQ(write_u64_nofault(reinterpret_cast<void*>(UNMAPPED), 1), -EFAULT);
  fault_info fi = last_fault_info();
  EXPECT_EQ(fi.vector, static_cast<u64>(X86_TRAP_PF));
  EXPECT_EQ(fi.cr2, UNMAPPED);
  EXPECT_EQ(fi.error_code, 2u);  // not present, write
}

TEST(exceptions, invalid_opcode_is_fixed_up) {
  EXPECT_EQ(ud2_nofault(), -EFAULT);
  fault_info fi = last_fault_info();
  EXPECT_EQ(fi.vector, static_cast<u64>(X86_TRAP_UD));
  EXPECT_EQ(fi.error_code, 0u);
  EXPECT_EQ(fi.cr2, 0u);
}

TEST(exceptions, general_protection_is_fixed_up) {
  u64 v;
  // A non-canonical address raises #GP, not #PF (SDM 3.3.7.1).
  EXPECT_EQ(read_u64_nofault(reinterpret_cast<void*>(0x8000000000000000ul), &v), -EFAULT);
  fault_info fi = last_fault_info();
  EXPECT_EQ(fi.vector, static_cast<u64>(X86_TRAP_GP));
  EXPECT_EQ(fi.error_code, 0u);
}

TEST(exceptions, execution_continues_after_fixups) {
  u64 v;
  for (int i = 0; i < 3; i++) EXPECT_EQ(read_u64_nofault(reinterpret_cast<void*>(UNMAPPED), &v), -EFAULT);
  int x = 41;
  EXPECT_EQ(x + 1, 42);
}
