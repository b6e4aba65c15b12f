// Long-mode entry state: GDT, TSS, CR0/CR4/EFER, CPUID per vCPU.
#include "vmm/x86/long_mode.h"

#include <vector>

namespace shadowtlb::vmm {

namespace {

// Where the boot descriptors live, inside the reserved low 1 MiB of RAM.
constexpr std::uint64_t kBootGdt = 0x2000;
constexpr std::uint64_t kBootTss = 0x3000;
constexpr std::uint16_t kCodeSelector = 0x08;
constexpr std::uint16_t kDataSelector = 0x10;
constexpr std::uint16_t kTssSelector = 0x18;
constexpr std::uint32_t kTssLimit = 103;  // a 64-bit TSS without I/O bitmap (SDM 8.7)

constexpr std::uint64_t CR0_PE = 1ull << 0, CR0_MP = 1ull << 1, CR0_ET = 1ull << 4,
                        CR0_NE = 1ull << 5, CR0_WP = 1ull << 16, CR0_PG = 1ull << 31;
constexpr std::uint64_t CR4_PAE = 1ull << 5, CR4_OSFXSR = 1ull << 9, CR4_OSXMMEXCPT = 1ull << 10;
constexpr std::uint64_t EFER_LME = 1ull << 8, EFER_LMA = 1ull << 10, EFER_NXE = 1ull << 11;

kvm_segment code_segment() {
  kvm_segment s{};
  s.selector = kCodeSelector;
  s.limit = 0xffffffff;
  s.type = 0xb;  // execute/read, accessed
  s.present = 1;
  s.s = 1;
  s.l = 1;  // 64-bit code
  s.g = 1;
  return s;
}

kvm_segment data_segment() {
  kvm_segment s{};
  s.selector = kDataSelector;
  s.limit = 0xffffffff;
  s.type = 0x3;  // read/write, accessed
  s.present = 1;
  s.s = 1;
  s.db = 1;
  s.g = 1;
  return s;
}

kvm_segment task_segment() {
  kvm_segment s{};
  s.selector = kTssSelector;
  s.base = kBootTss;
  s.limit = kTssLimit;
  s.type = 0xb;  // busy 64-bit TSS
  s.present = 1;
  return s;
}

}  // namespace

void write_boot_descriptors(GuestMemory& memory) {
  // Null, 64-bit code, data, and a 16-byte TSS descriptor (SDM 8.2.3).
  const std::uint64_t tss_low = kTssLimit | ((kBootTss & 0xffffff) << 16) | (0x89ull << 40) |
                                (((kBootTss >> 24) & 0xff) << 56);
  const std::uint64_t gdt[] = {0, 0x00af9b000000ffffull, 0x00cf93000000ffffull, tss_low,
                               kBootTss >> 32};
  for (unsigned i = 0; i < std::size(gdt); ++i)
    (void)memory.write(GuestPhysAddr(kBootGdt + 8 * i), gdt[i]);
}

void set_vcpu_cpuid(VcpuFd& vcpu, unsigned id, std::span<const kvm_cpuid_entry2> supported) {
  std::vector<kvm_cpuid_entry2> entries(supported.begin(), supported.end());
  for (kvm_cpuid_entry2& e : entries) {
    if (e.function == 1) e.ebx = (e.ebx & 0x00ffffff) | (id << 24);  // initial APIC id
    if (e.function == 0xb || e.function == 0x1f) e.edx = id;          // x2APIC id
  }
  vcpu.set_cpuid(entries);
}

void enter_long_mode(VcpuFd& vcpu, GuestPhysAddr cr3, bool nx_supported) {
  kvm_sregs sregs = vcpu.get_sregs();
  sregs.cs = code_segment();
  sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data_segment();
  sregs.tr = task_segment();
  sregs.gdt.base = kBootGdt;
  sregs.gdt.limit = 5 * 8 - 1;
  sregs.idt.base = 0;
  sregs.idt.limit = 0;  // any exception before the guest's IDT is a triple fault
  sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
  sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
  sregs.efer = EFER_LME | EFER_LMA | (nx_supported ? EFER_NXE : 0);
  sregs.cr3 = cr3.value();
  vcpu.set_sregs(sregs);
}

}  // namespace shadowtlb::vmm
