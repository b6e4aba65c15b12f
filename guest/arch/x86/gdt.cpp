// Per-CPU GDT and TSS, and the descriptor loads at CPU start-up.
#include "guest/arch/x86/desc.h"

#include "guest/arch/x86/idt.h"
#include "guest/arch/x86/processor.h"
#include "guest/kernel/percpu.h"

namespace {

// Segment descriptors (SDM 3.4.5): in 64-bit mode base and limit are ignored
// for CS/DS; what matters is present, DPL, type, and L for code.
constexpr u64 GDT_KERNEL_CODE64 = 0x00af9b000000ffffull;  // P, DPL0, code r/x, L
constexpr u64 GDT_KERNEL_DATA = 0x00cf93000000ffffull;    // P, DPL0, data r/w
constexpr u64 GDT_USER_CODE32 = 0x00cffb000000ffffull;    // P, DPL3, 32-bit code
constexpr u64 GDT_USER_DATA = 0x00cff3000000ffffull;      // P, DPL3, data r/w
constexpr u64 GDT_USER_CODE64 = 0x00affb000000ffffull;    // P, DPL3, code r/x, L

struct alignas(16) cpu_tables {
  u64 gdt[GDT_ENTRIES];
  tss_struct tss;
};

DEFINE_PER_CPU(cpu_tables, cpu_tables_area);

alignas(16) char exception_stacks[NR_CPUS][EXCEPTION_STACK_SIZE];

struct __attribute__((packed)) desc_ptr {
  u16 limit;
  u64 base;
};

// A 16-byte system-segment descriptor for an available 64-bit TSS (SDM 8.2.3).
void set_tss_desc(u64* gdt, const tss_struct* tss) {
  u64 base = reinterpret_cast<u64>(tss);
  u64 limit = sizeof(tss_struct) - 1;
  gdt[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
           ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
  gdt[1] = base >> 32;
}

}  // namespace

DEFINE_PER_CPU(pcpu_hot, pcpu_hot_area);

static_assert(KERNEL_CS == 1 * 8 && KERNEL_DS == 2 * 8 && GDT_TSS == 6 * 8);
static_assert((USER32_CS & ~3) == 3 * 8 && (USER_DS & ~3) == 4 * 8 && (USER_CS & ~3) == 5 * 8);

unsigned long exception_stack_top(unsigned cpu) {
  return reinterpret_cast<unsigned long>(exception_stacks[cpu + 1]);
}

void cpu_init_descriptors(unsigned cpu) {
  cpu_tables& t = per_cpu(cpu_tables_area, cpu);
  t.gdt[0] = 0;
  t.gdt[1] = GDT_KERNEL_CODE64;
  t.gdt[2] = GDT_KERNEL_DATA;
  t.gdt[3] = GDT_USER_CODE32;
  t.gdt[4] = GDT_USER_DATA;
  t.gdt[5] = GDT_USER_CODE64;
  t.tss.ist[IST_DOUBLE_FAULT - 1] = exception_stack_top(cpu);
  t.tss.io_bitmap_base = sizeof(tss_struct);
  set_tss_desc(&t.gdt[6], &t.tss);

  desc_ptr gdtr{sizeof(t.gdt) - 1, reinterpret_cast<u64>(t.gdt)};
  // Reload CS with a far return, then the data segments. FS and GS get the
  // null selector: loading a selector would reset the GS base set below.
  asm volatile(
      "lgdt %[gdtr]\n\t"
      "pushq %[cs]\n\t"
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "lretq\n"
      "1:\n\t"
      "movl %[ds], %%eax\n\t"
      "movl %%eax, %%ds\n\t"
      "movl %%eax, %%es\n\t"
      "movl %%eax, %%ss\n\t"
      "xorl %%eax, %%eax\n\t"
      "movl %%eax, %%fs\n\t"
      "movl %%eax, %%gs\n\t"
      "ltr %w[tr]"
      :
      : [gdtr] "m"(gdtr), [cs] "i"(KERNEL_CS), [ds] "i"(KERNEL_DS), [tr] "r"(GDT_TSS)
      : "rax", "memory");
  load_idt();

  pcpu_hot& hot = per_cpu(pcpu_hot_area, cpu);
  hot.self = &hot;
  hot.cpu_number = cpu;
  wrmsr(MSR_GS_BASE, reinterpret_cast<u64>(&hot));
  wrmsr(MSR_KERNEL_GS_BASE, 0);
}
