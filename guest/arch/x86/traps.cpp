// Exception dispatch: #PF to fault.cpp, others to the fixup table, else die().
#include "guest/arch/x86/desc.h"
#include "guest/arch/x86/extable.h"
#include "guest/arch/x86/fault.h"
#include "guest/arch/x86/idt.h"
#include "guest/arch/x86/processor.h"
#include "guest/arch/x86/ptrace.h"
#include "guest/arch/x86/traps.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/printk.h"
#include "guest/kernel/report.h"
#include "guest/kernel/sched.h"

namespace {

bool dying[NR_CPUS];

void show_regs(const pt_regs* r) {
  printk("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r->ax, r->bx, r->cx, r->dx);
  printk("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", r->si, r->di, r->bp, r->sp);
  printk("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", r->r8, r->r9, r->r10, r->r11);
  printk("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", r->r12, r->r13, r->r14, r->r15);
  printk("  rip %016lx rflags %08lx cs %04lx ss %04lx\n", r->ip, r->flags, r->cs, r->ss);
}

// Frame-pointer backtrace, trusting only frames inside the current task's stack.
void show_backtrace(u64 bp) {
  auto lo = reinterpret_cast<u64>(current->stack);
  u64 hi = lo + BOOT_STACK_SIZE;
  printk("  call trace:");
  for (int depth = 0; depth < 16 && bp >= lo && bp + 16 <= hi && is_aligned(bp, 8); depth++) {
    const u64* frame = reinterpret_cast<const u64*>(bp);
    if (!frame[1]) break;
    printk(" %lx", frame[1]);
    if (frame[0] <= bp) break;  // frames must go up the stack
    bp = frame[0];
  }
  printk("\n");
}

}  // namespace

// An exception the kernel cannot handle: console dump, REPORT_EXCEPTION, exit.
[[noreturn]] void die(pt_regs* regs, u64 cr2) {
  unsigned cpu = smp_processor_id();
  if (dying[cpu]) machine_exit(1);  // faulted while reporting: just stop
  dying[cpu] = true;
  printk("Unhandled %s (vector %lu) on vCPU %u in %s: rip %lx cr2 %lx error %lx\n",
         exception_name(static_cast<unsigned>(regs->vector)), regs->vector, cpu, current->comm,
         regs->ip, cr2, regs->error_code);
  show_regs(regs);
  if (regs->vector != X86_TRAP_DF) show_backtrace(regs->bp);
  const u64 values[4] = {regs->vector, regs->ip, cr2, regs->error_code};
  report_send(abi::REPORT_EXCEPTION, exception_name(static_cast<unsigned>(regs->vector)), nullptr,
              0, current->comm, values, 4);
  machine_exit(1);
}

extern "C" void do_exception(pt_regs* regs) {
  switch (regs->vector) {
    case X86_TRAP_PF:
      return do_page_fault(regs);
    case X86_TRAP_DF:  // abort class: nothing to resume (SDM 6.15, interrupt 8)
      die(regs, read_cr2());
    default:
      if (fixup_exception(regs, 0)) return;
      die(regs, 0);
  }
}
