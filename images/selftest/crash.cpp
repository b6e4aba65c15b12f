// selftest.crash=pf|ud|df|panic|assert: fail on purpose, without a fixup.
//
// Host tests check that the VMM reports each with the right vector, RIP and
// CR2 and exits 2.
#include "images/selftest/crash.h"

#include "guest/kernel/panic.h"
#include "guest/kernel/printk.h"
#include "guest/kernel/test.h"
#include "guest/lib/string.h"

namespace {

// Lower-half addresses are unmapped in init_mm, which the init task runs on.
constexpr unsigned long CRASH_PF_ADDR = 0xdead000;
// The #DF crash points rsp here, so the next push faults, and delivering that
// #PF pushes to the same unmapped stack: a fault while delivering #PF is a
// double fault (SDM 6.15, Table 6-5), taken on the IST1 stack.
constexpr unsigned long CRASH_DF_STACK = 0x1000;

}  // namespace

void selftest_crash(const char* mode) {
  printk("selftest: crashing on purpose (%s)\n", mode);
  if (strcmp(mode, "pf") == 0) {
    u64 v;
    asm volatile("movq (%1), %0" : "=r"(v) : "r"(CRASH_PF_ADDR) : "memory");
  } else if (strcmp(mode, "ud") == 0) {
    asm volatile("ud2");
  } else if (strcmp(mode, "df") == 0) {
    asm volatile("movq %0, %%rsp\n\tpushq $0" : : "r"(CRASH_DF_STACK) : "memory");
  } else if (strcmp(mode, "panic") == 0) {
    panic("deliberate panic (selftest.crash=panic)");
  } else if (strcmp(mode, "assert") == 0) {
    EXPECT_EQ(1 + 1, 3);  // outside a test: REPORT_PANIC with the expression
  }
  panic("selftest.crash=%s: unknown mode or the crash did not happen", mode);
}
