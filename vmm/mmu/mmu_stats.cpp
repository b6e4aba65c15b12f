// Lock-free counters: vCPU threads record concurrently.
#include "vmm/mmu/mmu_stats.h"

namespace shadowtlb::vmm {

std::string_view mmu_op_name(MmuOp op) {
  switch (op) {
    case MmuOp::tlb_miss: return "tlb_miss";
    case MmuOp::pte_read: return "pte_read";
    case MmuOp::pte_rmw: return "pte_rmw";
    case MmuOp::pte_write: return "pte_write";
    case MmuOp::stale_write: return "stale_write";
    case MmuOp::flush_local: return "flush_local";
    case MmuOp::shootdown: return "shootdown";
    case MmuOp::load_cr3: return "load_cr3";
    case MmuOp::count: break;
  }
  return "?";
}

void MmuStats::record(MmuOp op, std::chrono::nanoseconds elapsed) {
  Counter& c = counters_[static_cast<std::size_t>(op)];
  const auto ns = static_cast<std::uint64_t>(elapsed.count());
  c.count.fetch_add(1, std::memory_order_relaxed);
  c.total_ns.fetch_add(ns, std::memory_order_relaxed);
  std::uint64_t max = c.max_ns.load(std::memory_order_relaxed);
  while (ns > max && !c.max_ns.compare_exchange_weak(max, ns, std::memory_order_relaxed)) {
  }
}

MmuStats::Totals MmuStats::totals(MmuOp op) const {
  const Counter& c = counters_[static_cast<std::size_t>(op)];
  return {c.count.load(), c.total_ns.load(), c.max_ns.load()};
}

}  // namespace shadowtlb::vmm
