// bench-exit: cost of a bare KVM exit (outl to HC_RAW_PORT) next to a null hypercall (HC_NOP).
#include "guest/arch/x86/hypercall.h"
#include "guest/kernel/cmdline.h"
#include "guest/kernel/image.h"
#include "guest/kernel/printk.h"
#include "guest/kernel/report.h"

namespace {

// The same instructions as hc_nop() (the call number in eax, one outl) aimed
// at HC_RAW_PORT, which the VMM ignores: guest ring 0 is emulated, so both
// loops must run the same code for their difference to be the VMM's dispatch.
inline void raw_exit_like_hypercall() {
  u64 rax = abi::HC_NOP;
  asm volatile("outl %%eax, %[port]" : "+a"(rax) : [port] "i"(abi::HC_RAW_PORT) : "memory");
}

}  // namespace

int image_main() {
  u64 n = cmdline_get_u64("bench.iterations", 20000);
  if (n == 0) n = 1;
  u64 t0 = hc_clock_ns();
  for (u64 i = 0; i < n; i++) raw_exit_like_hypercall();
  u64 t1 = hc_clock_ns();
  for (u64 i = 0; i < n; i++) hc_nop();
  u64 t2 = hc_clock_ns();
  u64 raw_ns = (t1 - t0) / n;
  u64 nop_ns = (t2 - t1) / n;
  printk("bench-exit: %lu iterations: raw exit %lu ns, null hypercall %lu ns\n", n, raw_ns, nop_ns);
  report_value("raw_exit_ns", raw_ns);
  report_value("null_hypercall_ns", nop_ns);
  return 0;
}
