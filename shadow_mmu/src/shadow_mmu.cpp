// ShadowMmu: construction, CR3 loads, flushes and shootdowns, page hints,
// inspection; the public class forwards to Impl.
#include "shadow_mmu/shadow_mmu.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "impl.h"

namespace shadowtlb::mmu {

using x86::PageEntry;

namespace {

constexpr std::uint64_t kMaxVcpus = 256;  // VcpuMask's width
constexpr std::uint64_t kPhysAddrLimit = std::uint64_t{1} << 52;  // paging entries hold bits 51:12

// [a, a + a_size) and [b, b + b_size) share a byte.
bool overlap(std::uint64_t a, std::uint64_t a_size, std::uint64_t b, std::uint64_t b_size) {
  return a < b + b_size && b < a + a_size;
}

// Returns `c` if it describes a usable layout; throws std::invalid_argument otherwise.
const MmuConfig& validated(const MmuConfig& c) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("shadow MMU: " + what); };
  if (c.vcpus == 0 || c.vcpus > kMaxVcpus) fail("vcpus must be 1.." + std::to_string(kMaxVcpus));
  if (c.ram_size == 0 || c.ram_size % kPageSize != 0 || c.ram_size >= kPhysAddrLimit)
    fail("ram_size must be a non-zero multiple of 4 KiB");
  const std::uint64_t pool = c.real_tables_base.value();
  if (c.real_tables_size / kPageSize < c.vcpus)
    fail("real_tables_size must hold at least one page per vCPU");
  if (pool >= kPhysAddrLimit || c.real_tables_size > kPhysAddrLimit - pool)
    fail("real tables must lie below 2^52");
  if (overlap(pool, c.real_tables_size, 0, c.ram_size)) fail("real tables overlap guest RAM");
  const std::uint64_t alias = c.readonly_alias_base.value();
  if (!c.readonly_alias_base.is_aligned(kHugePageSize))
    fail("readonly_alias_base must be 2 MiB aligned (2 MiB stale entries point there)");
  if (alias >= kPhysAddrLimit || c.ram_size > kPhysAddrLimit - alias)
    fail("the read-only alias must lie below 2^52");
  if (overlap(alias, c.ram_size, 0, c.ram_size) || overlap(alias, c.ram_size, pool, c.real_tables_size))
    fail("the read-only alias overlaps guest RAM or the real tables");
  return c;
}

}  // namespace

ShadowMmu::Impl::Impl(const MmuConfig& config, PhysMemory& memory, EventSink* sink)
    : config_(validated(config)),
      memory_(memory),
      ram_(memory, config.ram_size),
      log_(sink),
      pool_(memory, config.real_tables_base, config.real_tables_size),
      page_tables_(ram_) {
  vcpus_.reserve(config.vcpus);
  for (unsigned id = 0; id < config.vcpus; ++id)
    vcpus_.push_back(std::make_unique<Vcpu>(config, id, pool_, memory_));
}

ShadowMmu::Impl::Vcpu& ShadowMmu::Impl::at(unsigned vcpu) {
  if (vcpu >= vcpus_.size()) throw std::out_of_range("shadow MMU: no vCPU " + std::to_string(vcpu));
  return *vcpus_[vcpu];
}

const ShadowMmu::Impl::Vcpu& ShadowMmu::Impl::at(unsigned vcpu) const {
  if (vcpu >= vcpus_.size()) throw std::out_of_range("shadow MMU: no vCPU " + std::to_string(vcpu));
  return *vcpus_[vcpu];
}

// MOV CR3 without PCIDs drops every non-global translation (SDM 4.10.4.1).
GuestPhysAddr ShadowMmu::Impl::load_cr3(unsigned vcpu, GuestPhysAddr root, GuestVirtAddr rip) {
  Vcpu& v = at(vcpu);
  // CR3 bits 51:12 locate the PML4; the low bits are PWT/PCD (SDM 4.5, table 4-12).
  GuestPhysAddr table(root.value() & PageEntry::kAddrMask);
  drop_non_global(vcpu);
  v.root = table;
  v.has_root = true;
  for (unsigned i = RealTables::kFirstKernelEntry; i < x86::kEntriesPerTable; ++i)
    v.real.set_kernel_entry(i, kernel_half_entry(ram_.read_u64(table + i * 8ull).value_or(0)));

  Event event;
  event.kind = EventKind::cr3_load;
  event.vcpu = vcpu;
  event.pa = table;
  event.rip = rip;
  EventSeq seq = emit_removal(event);

  std::vector<Pfn> became;
  page_tables_.add_root(table, became);
  cover_verdicts();  // a newly traced table may hold a D bit for a written frame
  report_new_page_tables(became, seq, rip);
  return v.real.root();
}

void ShadowMmu::Impl::flush_local(unsigned vcpu, GuestVirtAddr va, std::uint64_t npages,
                                  GuestVirtAddr rip) {
  at(vcpu);
  flush(vcpu, va, npages);
  Event event;
  event.kind = EventKind::flush_local;
  event.vcpu = vcpu;
  event.va = va;
  event.npages = npages;
  event.rip = rip;
  emit_removal(event);
}

// Remote CPUs drop entries only when asked (SDM 4.10.5): the initiator names them.
void ShadowMmu::Impl::shootdown(unsigned initiator, const VcpuMask& targets, GuestVirtAddr va,
                                std::uint64_t npages, GuestVirtAddr rip) {
  at(initiator);
  for (unsigned target = 0; target < vcpus_.size(); ++target) {
    if (!targets.test(target)) continue;
    flush(target, va, npages);
    Event event;
    event.kind = EventKind::shootdown;
    event.vcpu = target;
    event.initiator = initiator;
    event.va = va;
    event.npages = npages;
    event.rip = rip;
    emit_removal(event);
  }
}

// The frames a page hint names: 2^order from pfn. Guest-supplied, so
// clipped to what a paging entry can name (count 0: none).
std::uint64_t ShadowMmu::Impl::hinted_frames(Pfn pfn, unsigned order) {
  constexpr std::uint64_t kMaxPfn = kPhysAddrLimit >> kPageShift;
  if (pfn.value() >= kMaxPfn) return 0;
  const std::uint64_t count = order >= 52 ? kMaxPfn : std::uint64_t{1} << order;
  return std::min(count, kMaxPfn - pfn.value());
}

EventSeq ShadowMmu::Impl::emit_page_hint(EventKind kind, unsigned vcpu, Pfn pfn,
                                         std::uint64_t count, std::uint64_t value) {
  Event event;
  event.kind = kind;
  event.vcpu = vcpu;
  event.pa = count ? pfn.address() : GuestPhysAddr();
  event.npages = count;
  event.new_value = value;
  return log_.emit(event);
}

void ShadowMmu::Impl::page_freed(unsigned vcpu, Pfn pfn, unsigned order) {
  at(vcpu);
  const std::uint64_t count = hinted_frames(pfn, order);
  const EventSeq seq = emit_page_hint(EventKind::page_freed, vcpu, pfn, count, 0);
  if (count == 0) return;

  for (const EntryKey& key : index_.reaching(pfn.address(), count * kPageSize)) {
    const CachedEntry& cached = *at(key.vcpu).tlb.get({key.va, key.page_size});
    GuestPhysAddr frame = std::max(cached.entry.frame, pfn.address());
    log_.record(hazard_for(HazardKind::freed_frame_reachable, key, cached, frame, GuestVirtAddr()),
                seq);
  }
  page_tables_.on_freed(pfn, count);
  dirty_pages_.set(pfn, count, false);  // a freed page owes nothing to any disk
}

void ShadowMmu::Impl::page_reused(unsigned vcpu, Pfn pfn, unsigned order) {
  at(vcpu);
  emit_page_hint(EventKind::page_reused, vcpu, pfn, hinted_frames(pfn, order), 0);
}

// PG_dirty set: a stale write to these frames, made or still open, reaches
// the disk with the page (dirty_pages.h). Cleared: later writes are not.
void ShadowMmu::Impl::page_dirty(unsigned vcpu, Pfn pfn, unsigned order, bool dirty) {
  at(vcpu);
  const std::uint64_t count = hinted_frames(pfn, order);
  emit_page_hint(EventKind::page_dirty, vcpu, pfn, count, dirty ? 1 : 0);
  dirty_pages_.set(pfn, count, dirty);
  if (dirty) cover_verdicts();
}

std::vector<TlbEntry> ShadowMmu::Impl::entries(unsigned vcpu) const {
  std::vector<TlbEntry> out;
  for (const CachedEntry* cached : at(vcpu).tlb.in_order()) out.push_back(cached->entry);
  return out;
}

std::vector<VcpuView> ShadowMmu::Impl::view(GuestVirtAddr va) const {
  std::vector<VcpuView> out;
  for (unsigned id = 0; id < vcpus_.size(); ++id) {
    VcpuView v{id, std::nullopt};
    if (va.value() < kModelledVaEnd)
      if (const CachedEntry* cached = vcpus_[id]->tlb.find(va)) v.entry = cached->entry;
    out.push_back(v);
  }
  return out;
}

// --- the public class ----------------------------------------------------------

ShadowMmu::ShadowMmu(const MmuConfig& config, PhysMemory& memory, EventSink* sink)
    : impl_(std::make_unique<Impl>(config, memory, sink)) {}
ShadowMmu::~ShadowMmu() = default;

GuestPhysAddr ShadowMmu::load_cr3(unsigned vcpu, GuestPhysAddr root, GuestVirtAddr rip) {
  return impl_->load_cr3(vcpu, root, rip);
}
void ShadowMmu::flush_local(unsigned vcpu, GuestVirtAddr va, std::uint64_t npages,
                            GuestVirtAddr rip) {
  impl_->flush_local(vcpu, va, npages, rip);
}
void ShadowMmu::shootdown(unsigned initiator, const VcpuMask& targets, GuestVirtAddr va,
                          std::uint64_t npages, GuestVirtAddr rip) {
  impl_->shootdown(initiator, targets, va, npages, rip);
}
MissResult ShadowMmu::tlb_miss(unsigned vcpu, GuestVirtAddr va, Access access, GuestVirtAddr rip) {
  return impl_->tlb_miss(vcpu, va, access, rip);
}
void ShadowMmu::page_freed(unsigned vcpu, Pfn pfn, unsigned order) { impl_->page_freed(vcpu, pfn, order); }
void ShadowMmu::page_reused(unsigned vcpu, Pfn pfn, unsigned order) {
  impl_->page_reused(vcpu, pfn, order);
}
void ShadowMmu::page_dirty(unsigned vcpu, Pfn pfn, unsigned order, bool dirty) {
  impl_->page_dirty(vcpu, pfn, order, dirty);
}
std::uint64_t ShadowMmu::read_pte(unsigned vcpu, GuestPhysAddr pte, GuestVirtAddr rip) {
  return impl_->read_pte(vcpu, pte, rip);
}
PteWriteResult ShadowMmu::write_pte(unsigned vcpu, GuestPhysAddr pte, std::uint64_t value,
                                    GuestVirtAddr rip) {
  return impl_->write_pte(vcpu, pte, value, rip);
}
ShadowMmu::RmwResult ShadowMmu::rmw_pte(
    unsigned vcpu, GuestPhysAddr pte,
    const std::function<std::optional<std::uint64_t>(std::uint64_t)>& op, GuestVirtAddr rip) {
  return impl_->rmw_pte(vcpu, pte, op, rip);
}
bool ShadowMmu::stale_write(unsigned vcpu, GuestPhysAddr pa, std::span<const std::byte> data,
                            GuestVirtAddr rip) {
  return impl_->stale_write(vcpu, pa, data, rip);
}
void ShadowMmu::finalize() { impl_->finalize(); }
std::vector<TlbEntry> ShadowMmu::entries(unsigned vcpu) const { return impl_->entries(vcpu); }
std::vector<VcpuView> ShadowMmu::view(GuestVirtAddr va) const { return impl_->view(va); }
const std::vector<Hazard>& ShadowMmu::hazards() const { return impl_->hazards(); }
GuestPhysAddr ShadowMmu::guest_root(unsigned vcpu) const { return impl_->guest_root(vcpu); }
GuestPhysAddr ShadowMmu::real_root(unsigned vcpu) const { return impl_->real_root(vcpu); }
const MmuConfig& ShadowMmu::config() const { return impl_->config(); }

}  // namespace shadowtlb::mmu
