// Exception-table search and the deliberately-faulting access helpers.
#include "guest/arch/x86/extable.h"

#include "guest/arch/x86/ptrace.h"
#include "guest/include/errno.h"
#include "guest/kernel/percpu.h"

extern "C" const exception_table_entry __start___ex_table[], __stop___ex_table[];

static DEFINE_PER_CPU(fault_info, last_fault);

bool fixup_exception(pt_regs* regs, u64 cr2) {
  // A handful of entries: a linear search beats sorting them at boot.
  for (const exception_table_entry* e = __start___ex_table; e < __stop___ex_table; e++) {
    if (e->insn != regs->ip) continue;
    this_cpu(last_fault) = fault_info{regs->vector, regs->ip, cr2, regs->error_code};
    regs->ip = e->fixup;
    regs->ax = static_cast<u64>(-static_cast<s64>(EFAULT));
    return true;
  }
  return false;
}

fault_info last_fault_info() { return this_cpu(last_fault); }

long read_u64_nofault(const volatile void* addr, u64* val) {
  long err = 0;
  u64 v;
  asm volatile("1: movq (%[addr]), %[val]\n"
               "2:\n\t" _ASM_EXTABLE(1b, 2b)
               : "+a"(err), [val] "=r"(v)
               : [addr] "r"(addr)
               : "memory");
  if (!err) *val = v;
  return err;
}

long write_u64_nofault(volatile void* addr, u64 val) {
  long err = 0;
  asm volatile("1: movq %[val], (%[addr])\n"
               "2:\n\t" _ASM_EXTABLE(1b, 2b)
               : "+a"(err)
               : [addr] "r"(addr), [val] "r"(val)
               : "memory");
  return err;
}

long ud2_nofault() {
  long err = 0;
  asm volatile("1: ud2\n"
               "2:\n\t" _ASM_EXTABLE(1b, 2b)
               : "+a"(err)
               :
               : "memory");
  return err;
}
