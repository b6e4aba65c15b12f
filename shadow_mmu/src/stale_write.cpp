// Writes observed through the read-only alias: a vCPU wrote through a stale
// dirty entry. The write is performed (the guest-visible outcome is what the
// hardware would give) and reported, with the lost-dirty-bit hazard when no
// paging entry anywhere still records the frame as dirty.
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

  // PhysMemory stores aligned words: merge the bytes into each word touched.
  std::vector<std::uint8_t> before(data.size()), after(data.size());
  const std::uint64_t start = pa.value(), end = start + data.size();
  for (std::uint64_t word = start & ~7ull; word < end; word += 8) {
    std::uint64_t value = ram_.read_u64(GuestPhysAddr(word)).value_or(0);
    for (unsigned b = 0; b < 8; ++b) {
      if (word + b < start || word + b >= end) continue;
      std::size_t i = word + b - start;
      before[i] = static_cast<std::uint8_t>(value >> (8 * b));
      after[i] = static_cast<std::uint8_t>(data[i]);
      value = (value & ~(0xffull << (8 * b))) | (std::uint64_t{after[i]} << (8 * b));
    }
    if (!ram_.write_u64(GuestPhysAddr(word), value)) return false;  // inside RAM: cannot happen
  }
  if (!found->entry.stale) return true;

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
  // Judged for the page written: a stale entry may still agree with the
  // tables there (a 2 MiB entry after its PDE was split into PTEs for the
  // same frames, SDM 4.10.2.3). Only a write the current tables would not
  // send to this frame is a stale write.
  Translation now = translate(ram_, found->root, event.va, config_.nx_enabled);
  const bool mapped_here = now.ok() && now.writable &&
                           (now.frame + (event.va - now.va)).align_down(kPageSize) ==
                               pa.align_down(kPageSize);
  if (!mapped_here) log_.record(hazard, seq);
  // SDM 4.8: the write set no D bit (the entry was cached dirty). If no leaf
  // mapping the frame has D now, nothing records that the frame was written.
  if (!page_tables_.any_dirty_leaf(Pfn::of(pa))) {
    hazard.kind = HazardKind::lost_dirty_bit;
    log_.record(hazard, seq);
  }
  return true;
}

}  // namespace shadowtlb::mmu
