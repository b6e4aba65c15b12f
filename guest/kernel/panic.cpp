// panic(): one console line, one REPORT_PANIC, then the exit hypercall.
#include "guest/kernel/panic.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/kernel/percpu.h"
#include "guest/kernel/printk.h"
#include "guest/kernel/report.h"
#include "guest/lib/vsprintf.h"

void machine_exit(int status) {
  hc_exit(status);
  for (;;) hc_yield();
}

void panic_at(const char* file, int line, const char* fmt, ...) {
  // A panic while panicking (say, a fault in printk) must still end the run.
  static bool panicking[NR_CPUS];
  unsigned cpu = smp_processor_id();
  if (panicking[cpu]) machine_exit(1);
  panicking[cpu] = true;

  char msg[sizeof(abi::guest_report::expr)];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  printk("Kernel panic on vCPU %u: %s (%s:%d)\n", cpu, msg, file, line);
  report_send(abi::REPORT_PANIC, "panic", file, static_cast<unsigned>(line), msg, nullptr, 0);
  machine_exit(1);
}
