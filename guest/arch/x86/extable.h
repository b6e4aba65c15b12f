// Exception fixups (Linux's extable): code that may fault on purpose says where to resume.
//
// An instruction tagged with _ASM_EXTABLE(insn, fixup) that raises an
// exception the kernel does not otherwise resolve resumes at fixup with
// rax = -EFAULT, and the fault's details in this CPU's last_fault_info().
// By convention every tagged site keeps its error result in rax ("+a").
#pragma once

#include "guest/include/types.h"

struct pt_regs;

struct exception_table_entry {
  unsigned long insn;
  unsigned long fixup;
};

#define _ASM_EXTABLE(from, to)             \
  ".pushsection __ex_table, \"a\"\n\t"     \
  ".balign 8\n\t"                          \
  ".quad " #from ", " #to "\n\t"           \
  ".popsection\n\t"

struct fault_info {
  u64 vector;
  u64 ip;
  u64 cr2;  // for #PF; 0 otherwise
  u64 error_code;
};

// Looks regs->ip up; if tagged, redirects regs and records the fault.
bool fixup_exception(pt_regs* regs, u64 cr2);
// The last fault this CPU resolved through the table.
fault_info last_fault_info();

// 0, or -EFAULT with the fault in last_fault_info(). Deliberately faulting
// accesses for tests and probes; they still go through HC_MMU_TLB_MISS first.
long read_u64_nofault(const volatile void* addr, u64* val);
long write_u64_nofault(volatile void* addr, u64 val);
// Executes ud2: always -EFAULT with vector 6 (#UD) in last_fault_info().
long ud2_nofault();
