// Text rendering of TLB entries, one line each, stale ones marked loudly.
#include "vmm/mmu/tlb_dump.h"

#include <fmt/format.h>

namespace shadowtlb::vmm {

std::string format_tlb_entry(const mmu::TlbEntry& e) {
  std::string rights = fmt::format("{}{}{}", e.writable ? "RW" : "R-", e.user ? "U" : "S",
                                   e.executable ? "X" : "-");
  std::string state = e.stale ? fmt::format("STALE since event {}", e.stale_since) : "current";
  return fmt::format("  va {:#014x} {:>2} -> frame {:#011x} {} {:<5}  {:<22} filled@{} pte@{:#x}",
                     e.va.value(), e.page_size == kHugePageSize ? "2M" : "4K", e.frame.value(),
                     rights, e.dirty ? "dirty" : "clean", state, e.filled_at,
                     e.leaf_address().value());
}

std::string format_tlb_dump(const TlbDump& dump) {
  std::string out = fmt::format("== TLB at mark \"{}\" (reached by vCPU {}, value {})\n", dump.mark,
                                dump.vcpu, dump.value);
  for (std::size_t v = 0; v < dump.entries.size(); ++v) {
    out += fmt::format("vCPU {} (guest root {:#x}): {} entr{}\n", v, dump.guest_roots[v].value(),
                       dump.entries[v].size(), dump.entries[v].size() == 1 ? "y" : "ies");
    for (const mmu::TlbEntry& e : dump.entries[v]) out += format_tlb_entry(e) + "\n";
  }
  return out;
}

}  // namespace shadowtlb::vmm
