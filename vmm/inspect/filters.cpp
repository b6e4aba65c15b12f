// Record selection for the timeline, the JSON and the Chrome export.
#include "vmm/inspect/filters.h"

#include <algorithm>

#include "vmm/inspect/record_text.h"

namespace shadowtlb::inspect {
namespace {

constexpr std::uint64_t k4K = 4096;

bool entry_covers(const proto::TlbEntryRecord& e, std::uint64_t va) {
  return e.page_size() != 0 && va >= e.va() && va - e.va() < e.page_size();
}

bool same_page(std::uint64_t a, std::uint64_t b) { return (a & ~(k4K - 1)) == (b & ~(k4K - 1)); }

bool is_flush(proto::RecordKind kind) {
  return kind == proto::FLUSH_LOCAL || kind == proto::FLUSH_REMOTE || kind == proto::SHOOTDOWN_ACK;
}

bool is_pte_access(proto::RecordKind kind) {
  return kind == proto::PTE_READ || kind == proto::PTE_WRITE || kind == proto::AD_UPDATE;
}

// Kinds whose gva is a guest-virtual address of the access or entry.
bool has_gva(proto::RecordKind kind) {
  switch (kind) {
    case proto::TLB_FILL:
    case proto::DIRTY_UPGRADE:
    case proto::GUEST_FAULT:
    case proto::SPURIOUS_FAULT:
    case proto::EVICT:
    case proto::STALE:
    case proto::STALE_WRITE:
    case proto::ENFORCE:
    case proto::HAZARD:
    case proto::AD_UPDATE:  // the access that set A/D
      return true;
    default:
      return false;
  }
}

}  // namespace

VaRange flush_range(const proto::TraceRecord& r) {
  if (r.npages() == kAllPages) return {0, ~std::uint64_t{0}};
  const std::uint64_t begin = r.gva() & ~(k4K - 1);
  const std::uint64_t room = (~std::uint64_t{0} - begin) / k4K;
  return {begin, begin + std::min(r.npages(), room) * k4K};
}

bool touches_va(const proto::TraceRecord& r, std::uint64_t va,
                const std::vector<std::uint64_t>& leaf_ptes) {
  if (r.has_entry() && entry_covers(r.entry(), va)) return true;
  if (has_gva(r.kind()) && same_page(r.gva(), va)) return true;
  if (is_flush(r.kind())) return flush_range(r).contains(va);
  if (is_pte_access(r.kind())) return std::binary_search(leaf_ptes.begin(), leaf_ptes.end(), r.gpa());
  return false;
}

std::vector<std::uint64_t> leaf_ptes_for(const trace::TraceFile& trace, std::uint64_t va) {
  std::vector<std::uint64_t> ptes;
  auto add = [&](const proto::TlbEntryRecord& e) {
    if (entry_covers(e, va) && e.pte_address() != 0) ptes.push_back(e.pte_address());
  };
  for (const proto::TraceRecord& r : trace.records)
    if (r.has_entry()) add(r.entry());
  for (const proto::TlbSnapshot& s : trace.snapshots)
    for (const proto::VcpuTlb& tlb : s.tlbs())
      for (const proto::TlbEntryRecord& e : tlb.entries()) add(e);
  std::sort(ptes.begin(), ptes.end());
  ptes.erase(std::unique(ptes.begin(), ptes.end()), ptes.end());
  return ptes;
}

std::vector<std::size_t> select_records(const trace::TraceFile& trace, const RecordFilter& filter) {
  std::vector<std::uint64_t> leaf_ptes;
  if (filter.va) leaf_ptes = leaf_ptes_for(trace, *filter.va);
  std::vector<std::size_t> out;
  const std::size_t first = filter.from.value_or(0);
  for (std::size_t i = first; i < trace.records.size(); ++i) {
    if (filter.to && i > *filter.to) break;
    const proto::TraceRecord& r = trace.records[i];
    if (!filter.vcpus.empty() &&
        std::find(filter.vcpus.begin(), filter.vcpus.end(), r.vcpu()) == filter.vcpus.end())
      continue;
    if (!filter.kinds.empty() &&
        std::find(filter.kinds.begin(), filter.kinds.end(), r.kind()) == filter.kinds.end())
      continue;
    if (filter.va && !touches_va(r, *filter.va, leaf_ptes)) continue;
    out.push_back(i);
  }
  return out;
}

}  // namespace shadowtlb::inspect
