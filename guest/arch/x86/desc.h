// Per-CPU descriptor tables: GDT and 64-bit TSS (SDM vol. 3, 3.4.5 and 8.7).
//
// The VMM's boot GDT/IDT are not usable (the boot IDT is empty: any exception
// would triple-fault), so every vCPU loads its own GDT and TSS and the shared
// IDT as its first act.
#pragma once

#include "guest/arch/x86/asm_defs.h"
#include "guest/include/types.h"

// The 64-bit TSS: only the stack pointers matter in long mode (SDM 8.7).
struct __attribute__((packed)) tss_struct {
  u32 reserved0;
  u64 sp0, sp1, sp2;  // stacks for privilege changes (no ring 3 yet)
  u64 reserved1;
  u64 ist[7];         // interrupt stack table; ist[0] is IST1
  u64 reserved2;
  u16 reserved3;
  u16 io_bitmap_base;  // beyond the limit: no I/O bitmap
};
static_assert(sizeof(tss_struct) == 104);

// Loads this CPU's GDT, reloads the segment registers, loads the TSS
// (with the #DF stack in IST1) and the IDT, and points %gs at pcpu_hot.
void cpu_init_descriptors(unsigned cpu);

// Bounds of this CPU's #DF stack (for the exception report).
unsigned long exception_stack_top(unsigned cpu);
