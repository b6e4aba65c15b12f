// Writes observed through the read-only alias: a vCPU wrote through a stale
// dirty entry. The write is performed (the guest-visible outcome is what the
// hardware would give) and reported at once as a stale write; whether its
// dirty bit is lost is a verdict left open until the stale entry leaves the
// TLB (dirty_verdicts.h), since the kernel may be holding D in a register.
#include <algorithm>

#include "impl.h"

namespace shadowtlb::mmu {

namespace {

// Up to the first 8 bytes of a little-endian byte string, as a number.
std::uint64_t pack(std::span<const std::uint8_t> bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(bytes.size(), 8); ++i)
    value |= std::uint64_t{bytes[i]} << (8 * i);
  return value;
}

}  // namespace

bool ShadowMmu::Impl::stale_write(unsigned vcpu, GuestPhysAddr pa, std::span<const std::byte> data,
                                  GuestVirtAddr rip) {
  Vcpu& v = at(vcpu);
  if (data.empty() || !ram_.contains(pa, data.size())) return false;

  // The alias names a frame, not a virtual address: with two stale entries on
  // one frame the first in address order is blamed (the hazard is the same).
  const CachedEntry* found = nullptr;
  for (const EntryKey& key : index_.reaching(pa, data.size())) {
    if (key.vcpu != vcpu) continue;
    const CachedEntry* cached = v.tlb.get({key.va, key.page_size});
    const TlbEntry& e = cached->entry;
    if (!e.dirty || !e.writable) continue;
    if (data.size() > e.page_size || pa < e.frame || pa - e.frame > e.page_size - data.size())
      continue;
    if (e.stale) {
      found = cached;
      break;
    }
    // A current dirty entry: it was stale when the vCPU wrote, and became
    // current again before the exit got here. Still perform the write.
    if (found == nullptr) found = cached;
  }
  if (found == nullptr) return false;

  std::vector<std::uint8_t> before;
  if (!store_exactly(pa, data, before)) return false;  // inside RAM: cannot happen
  if (!found->entry.stale) return true;

  std::vector<std::uint8_t> after(data.size());
  std::transform(data.begin(), data.end(), after.begin(),
                 [](std::byte b) { return static_cast<std::uint8_t>(b); });
  const EntryKey key = found->key(vcpu);
  Event event;
  event.kind = EventKind::stale_write;
  event.vcpu = vcpu;
  event.va = found->entry.va + (pa - found->entry.frame);
  event.pa = pa;
  event.old_value = pack(before);
  event.new_value = pack(after);
  event.rip = rip;
  event.cause = found->entry.stale_since;
  event.entry = found->entry;
  EventSeq seq = log_.emit(event);

  Hazard hazard = hazard_for(HazardKind::stale_write, key, *found, pa, rip);
  hazard.va = event.va;
  hazard.write_event = seq;
  // Judged for the page written: a stale entry may still agree with the
  // tables there (a 2 MiB entry after its PDE was split into PTEs for the
  // same frames, SDM 4.10.2.3). Only a write the current tables would not
  // send to this frame is a stale write.
  Translation now = translate(ram_, found->root, event.va, config_.nx_enabled);
  const bool mapped_here = now.ok() && now.writable &&
                           (now.frame + (event.va - now.va)).align_down(kPageSize) ==
                               pa.align_down(kPageSize);
  if (!mapped_here) log_.record(hazard, seq);
  open_verdicts(key, hazard, pa, data.size());
  return true;
}

// Aligned whole words go as 8-byte stores, as the guest's own store was one;
// anything smaller or unaligned goes byte-exact, never as a read-merge-write
// of its word: the other vCPUs run while the VMM handles this exit and may be
// storing to the neighbouring bytes.
bool ShadowMmu::Impl::store_exactly(GuestPhysAddr pa, std::span<const std::byte> data,
                                    std::vector<std::uint8_t>& before) {
  const std::uint64_t start = pa.value(), end = start + data.size();
  before.resize(data.size());
  for (std::uint64_t word = start & ~7ull; word < end; word += 8) {
    std::uint64_t value = ram_.read_u64(GuestPhysAddr(word)).value_or(0);
    for (std::uint64_t at = std::max(word, start); at < std::min(word + 8, end); ++at)
      before[at - start] = static_cast<std::uint8_t>(value >> (8 * (at - word)));
  }
  if (!pa.is_aligned(8) || data.size() % 8 != 0) return ram_.write_bytes(pa, data);
  for (std::size_t i = 0; i < data.size(); i += 8) {
    std::uint64_t value = 0;
    for (unsigned b = 0; b < 8; ++b)
      value |= std::uint64_t{static_cast<std::uint8_t>(data[i + b])} << (8 * b);
    if (!ram_.write_u64(pa + i, value)) return false;
  }
  return true;
}

// SDM 4.8: the write set no D bit (the entry was cached dirty). If no leaf
// mapping a frame written has D now, and its page is not PG_dirty, nothing
// records that write yet.
void ShadowMmu::Impl::open_verdicts(const EntryKey& key, const Hazard& hazard, GuestPhysAddr pa,
                                    std::uint64_t size) {
  const Pfn first = Pfn::of(pa), last = Pfn::of(pa + (size - 1));
  for (Pfn frame = first; frame <= last; frame = frame + 1) {
    if (recorded_dirty(frame)) continue;
    LostDirtyVerdict verdict{key, frame, hazard};
    verdict.hazard.kind = HazardKind::lost_dirty_bit;
    if (frame != first) {  // a write across a 4 KiB boundary of a 2 MiB entry
      verdict.hazard.va = hazard.entry.va + (frame.address() - hazard.entry.frame);
      verdict.hazard.frame = frame.address();
    }
    verdicts_.open(verdict);
  }
}

void ShadowMmu::Impl::cover_verdicts() {
  if (verdicts_.any_open()) verdicts_.cover([this](Pfn frame) { return recorded_dirty(frame); });
}

bool ShadowMmu::Impl::recorded_dirty(Pfn frame) const {
  return page_tables_.any_dirty_leaf(frame) || dirty_pages_.contains(frame);
}

// The hazard event names the stale write as its cause; it follows the
// removal in the event stream (removed_at), or comes from finalize().
void ShadowMmu::Impl::record_lost_dirty(const LostDirtyVerdict& verdict, EventSeq removed_at) {
  Hazard hazard = verdict.hazard;
  hazard.removed_at = removed_at;
  log_.record(hazard, hazard.write_event);
}

// Verdicts still open are uncovered: every change that can add a D leaf has
// already closed the ones it covers.
void ShadowMmu::Impl::finalize() {
  for (const LostDirtyVerdict& verdict : verdicts_.take_open()) record_lost_dirty(verdict, 0);
}

}  // namespace shadowtlb::mmu
