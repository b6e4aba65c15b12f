// The interrupt descriptor table: gates for the 32 exception vectors (SDM vol. 3, 6.10-6.14).
#pragma once

inline constexpr unsigned NR_EXCEPTION_VECTORS = 32;

enum x86_vector : unsigned {
  X86_TRAP_DE = 0,   // divide error
  X86_TRAP_DB = 1,
  X86_TRAP_NMI = 2,
  X86_TRAP_BP = 3,
  X86_TRAP_OF = 4,
  X86_TRAP_BR = 5,
  X86_TRAP_UD = 6,   // invalid opcode
  X86_TRAP_NM = 7,
  X86_TRAP_DF = 8,   // double fault
  X86_TRAP_TS = 10,
  X86_TRAP_NP = 11,
  X86_TRAP_SS = 12,
  X86_TRAP_GP = 13,  // general protection
  X86_TRAP_PF = 14,  // page fault
  X86_TRAP_MF = 16,
  X86_TRAP_AC = 17,
  X86_TRAP_MC = 18,
  X86_TRAP_XF = 19,
};

// Boot vCPU: fill the gates once. Every vCPU then loads the same table.
void idt_setup();
void load_idt();

const char* exception_name(unsigned vector);
