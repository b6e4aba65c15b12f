// One IDT shared by all vCPUs: a 64-bit interrupt gate per exception vector.
//
// Per-CPU state the handlers need (the #DF stack) lives in each CPU's TSS,
// so the gates themselves can be shared.
#include "guest/arch/x86/idt.h"

#include "guest/arch/x86/asm_defs.h"
#include "guest/include/types.h"

extern "C" const u64 exception_stubs[NR_EXCEPTION_VECTORS];  // entry_exceptions.S

namespace {

// A 16-byte gate descriptor (SDM 6.14.1, Figure 6-8).
struct gate_desc {
  u16 offset_low;
  u16 segment;
  u16 bits;  // IST (2:0), type (11:8), DPL (14:13), P (15)
  u16 offset_middle;
  u32 offset_high;
  u32 reserved;
};
static_assert(sizeof(gate_desc) == 16);

constexpr u16 GATE_INTERRUPT = 0xe;  // clears IF on entry (there are no interrupts anyway)

alignas(4096) gate_desc idt_table[256];

struct __attribute__((packed)) desc_ptr {
  u16 limit;
  u64 base;
};

const char* const names[NR_EXCEPTION_VECTORS] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31"};

}  // namespace

void idt_setup() {
  for (unsigned v = 0; v < NR_EXCEPTION_VECTORS; v++) {
    u64 addr = exception_stubs[v];
    unsigned ist = v == 8 ? IST_DOUBLE_FAULT : 0;  // #DF on its own stack: a stack overflow is reported
    idt_table[v] = gate_desc{static_cast<u16>(addr), KERNEL_CS,
                             static_cast<u16>(0x8000 | GATE_INTERRUPT << 8 | ist),
                             static_cast<u16>(addr >> 16), static_cast<u32>(addr >> 32), 0};
  }
}

void load_idt() {
  desc_ptr idtr{sizeof(idt_table) - 1, reinterpret_cast<u64>(idt_table)};
  asm volatile("lidt %0" : : "m"(idtr));
}

const char* exception_name(unsigned vector) {
  return vector < NR_EXCEPTION_VECTORS ? names[vector] : "interrupt";
}
