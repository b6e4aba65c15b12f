// Every vCPU's TLB at any record of a trace: the last usable snapshot, then
// the model's records since, applied as the shadow MMU applied them
// (docs/shadow-mmu.md, rules 1-6; docs/trace.md, "Reconstruction").
//
//   snapshot (after_seq s) ─► records with seq in (s, seq of records[index]] ─► TLBs
//
// Model records are written in seq order (each under the model's lock), so
// "the records since the snapshot" are those with a larger seq; VMM records
// (seq 0) change no TLB.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "vmm/trace/trace_reader.h"

namespace shadowtlb::trace {
namespace {

constexpr std::uint64_t kPageSize = 4096;
constexpr std::uint64_t kLargestPage = 2ull << 20;  // 1 GiB pages are cached as 2 MiB pieces
constexpr std::uint64_t kFlushAll = ~0ull;

// One vCPU's TLB by (va, page size).
using Tlb = std::map<std::pair<std::uint64_t, std::uint64_t>, proto::TlbEntryRecord>;

std::pair<std::uint64_t, std::uint64_t> key_of(const proto::TlbEntryRecord& e) {
  return {e.va(), e.page_size()};
}

void drop_non_global(Tlb& tlb) {
  std::erase_if(tlb, [](const auto& kv) { return !kv.second.global(); });
}

// Entries overlapping [start, end): INVLPG drops them whatever their size (SDM 4.10.4.1).
void drop_range(Tlb& tlb, std::uint64_t start, std::uint64_t end) {
  auto it = tlb.lower_bound({start >= kLargestPage ? start - kLargestPage : 0, 0});
  while (it != tlb.end() && it->first.first < end) {
    const proto::TlbEntryRecord& e = it->second;
    if (e.va() + e.page_size() > start)
      it = tlb.erase(it);
    else
      ++it;
  }
}

void drop_covering(Tlb& tlb, std::uint64_t va) { drop_range(tlb, va, va + 1); }

void flush(Tlb& tlb, std::uint64_t va, std::uint64_t npages) {
  if (npages == kFlushAll) {
    drop_non_global(tlb);
    return;
  }
  const std::uint64_t max_pages = (~0ull - va) / kPageSize;
  const std::uint64_t end = npages > max_pages ? ~0ull : va + npages * kPageSize;
  drop_range(tlb, va, end);
}

// What one model record does to the TLB of the vCPU it names.
void apply(const proto::TraceRecord& r, Tlb& tlb) {
  switch (r.kind()) {
    case proto::CR3_LOAD:
      drop_non_global(tlb);  // MOV CR3 without PCIDs (SDM 4.10.4.1)
      return;
    case proto::TLB_FILL:
      tlb.insert_or_assign(key_of(r.entry()), r.entry());
      return;
    case proto::DIRTY_UPGRADE:
      // The entry that took the write is replaced (by another frame or size, perhaps).
      drop_covering(tlb, r.gva());
      tlb.insert_or_assign(key_of(r.entry()), r.entry());
      return;
    case proto::GUEST_FAULT:
      if (r.has_entry()) tlb.erase(key_of(r.entry()));  // the #PF invalidated a cached entry
      return;
    case proto::SPURIOUS_FAULT:
    case proto::EVICT:
    case proto::ENFORCE:
      tlb.erase(key_of(r.entry()));
      return;
    case proto::FLUSH_LOCAL:
    case proto::FLUSH_REMOTE:
      flush(tlb, r.gva(), r.npages());
      return;
    case proto::STALE:
      // stale set: the tables no longer give it; clear: current again.
      tlb.insert_or_assign(key_of(r.entry()), r.entry());
      return;
    default:
      return;  // PTE accesses, A/D updates, stale writes, frees, hazards: no TLB change
  }
}

bool changes_tlbs(const proto::TraceRecord& r) { return r.seq() != 0; }

// The model event number the TLBs have reached at records[index]: the last
// model record at or before it.
std::uint64_t seq_reached(const TraceFile& trace, std::size_t index) {
  for (std::size_t i = index + 1; i-- > 0;)
    if (trace.records[i].seq() != 0) return trace.records[i].seq();
  return 0;
}

}  // namespace

std::vector<std::vector<proto::TlbEntryRecord>> tlbs_at(const TraceFile& trace, std::size_t index) {
  if (index >= trace.records.size())
    throw std::out_of_range(
        fmt::format("record {} does not exist: the trace has {}", index, trace.records.size()));
  const std::uint64_t reached = seq_reached(trace, index);

  // The last snapshot taken at or before that point.
  const proto::TlbSnapshot* base = nullptr;
  for (const proto::TlbSnapshot& s : trace.snapshots)
    if (s.after_seq() <= reached && (base == nullptr || s.after_seq() >= base->after_seq())) base = &s;

  std::size_t vcpus = trace.header.vcpus();
  std::vector<Tlb> tlbs(vcpus);
  auto tlb_of = [&](std::uint32_t vcpu) -> Tlb& {
    if (vcpu >= tlbs.size()) tlbs.resize(vcpu + 1);
    return tlbs[vcpu];
  };
  const std::uint64_t from = base != nullptr ? base->after_seq() : 0;
  if (base != nullptr)
    for (const proto::VcpuTlb& v : base->tlbs()) {
      Tlb& tlb = tlb_of(v.vcpu());
      for (const proto::TlbEntryRecord& e : v.entries()) tlb.insert_or_assign(key_of(e), e);
    }
  for (std::size_t i = 0; i <= index; ++i) {
    const proto::TraceRecord& r = trace.records[i];
    if (changes_tlbs(r) && r.seq() > from) apply(r, tlb_of(r.vcpu()));
  }

  std::vector<std::vector<proto::TlbEntryRecord>> out(tlbs.size());
  for (std::size_t v = 0; v < tlbs.size(); ++v)
    for (auto& [key, entry] : tlbs[v]) out[v].push_back(entry);
  return out;
}

std::optional<std::size_t> index_of_seq(const TraceFile& trace, std::uint64_t seq) {
  if (seq == 0) return std::nullopt;
  // Model records are in seq order: binary search over them, skipping VMM records.
  std::size_t lo = 0, hi = trace.records.size();
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo) / 2;
    std::size_t probe = mid;
    while (probe < hi && trace.records[probe].seq() == 0) ++probe;
    if (probe == hi) {
      hi = mid;
      continue;
    }
    const std::uint64_t s = trace.records[probe].seq();
    if (s == seq) return probe;
    if (s < seq)
      lo = probe + 1;
    else
      hi = mid;
  }
  // Out of order (a damaged or hand-made file): look at every record.
  for (std::size_t i = 0; i < trace.records.size(); ++i)
    if (trace.records[i].seq() == seq) return i;
  return std::nullopt;
}

}  // namespace shadowtlb::trace
