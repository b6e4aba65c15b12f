// Turning one walk into a cacheable translation: bounds, reserved XD, 1 GiB split.
#include "translation.h"

namespace shadowtlb::mmu {

using x86::Level;
using x86::PageEntry;

bool Translation::permits(Access access, bool nx_enabled) const {
  if (!ok()) return false;
  if (access.write && !writable) return false;
  if (access.user && !user) return false;
  if (access.fetch && nx_enabled && !executable) return false;
  return true;
}

std::array<GuestPhysAddr, 5> Translation::visited() const {
  std::array<GuestPhysAddr, 5> out{};
  for (unsigned slot = static_cast<unsigned>(walk.level); slot <= 4; ++slot)
    out[slot] = walk.entry_address[slot];
  return out;
}

Translation translate(const RamView& ram, GuestPhysAddr root, GuestVirtAddr va, bool nx_enabled) {
  Translation t;
  t.walk = walk(ram, root, va);
  if (t.walk.status == WalkResult::Status::not_present) return t;
  if (t.walk.status == WalkResult::Status::reserved) {
    t.status = Translation::Status::reserved;
    return t;
  }
  // Without EFER.NXE bit 63 is reserved at every level (SDM 4.5, tables 4-14..4-20).
  if (!nx_enabled) {
    for (unsigned slot = static_cast<unsigned>(t.walk.level); slot <= 4; ++slot) {
      if (t.walk.entry[slot].no_execute()) {
        t.status = Translation::Status::reserved;
        return t;
      }
    }
  }
  // The shadow tables hold 4 KiB and 2 MiB leaves; a 1 GiB leaf is cached as
  // the 2 MiB piece containing va (SDM 4.10.2.3 lets a TLB cache a smaller
  // page than the paging structures map).
  t.page_size = t.walk.page_size == kPageSize ? kPageSize : kHugePageSize;
  t.va = va.align_down(t.page_size);
  t.frame = t.walk.frame + ((va.value() & (t.walk.page_size - 1)) & ~(t.page_size - 1));
  // A leaf must name RAM: anything else could reach the VMM's private region.
  if (!ram.contains(t.frame, t.page_size)) {
    t.status = Translation::Status::reserved;
    return t;
  }
  PageEntry leaf = t.walk.leaf();
  t.status = Translation::Status::ok;
  t.writable = t.walk.writable;
  t.user = t.walk.user;
  t.executable = nx_enabled ? t.walk.executable : true;
  t.leaf_dirty = leaf.dirty();
  t.global = leaf.global();
  return t;
}

bool entry_permits(const TlbEntry& entry, Access access, bool nx_enabled) {
  if (access.write && !entry.writable) return false;
  if (access.user && !entry.user) return false;
  if (access.fetch && nx_enabled && !entry.executable) return false;
  return true;
}

bool still_translates(const TlbEntry& entry, const Translation& now) {
  return now.ok() && now.frame == entry.frame && now.page_size == entry.page_size &&
         (!entry.writable || now.writable) && (!entry.executable || now.executable);
}

bool translates_exactly(const TlbEntry& entry, const Translation& now) {
  if (!now.ok() || now.frame != entry.frame || now.page_size != entry.page_size) return false;
  if (now.writable != entry.writable || now.user != entry.user) return false;
  if (now.executable != entry.executable || now.global != entry.global) return false;
  if (entry.dirty && !now.leaf_dirty) return false;
  // The entry was cached after A was set at every level (SDM 4.8): with A
  // cleared since, an uncached access would set it again.
  for (unsigned slot = static_cast<unsigned>(now.walk.level); slot <= 4; ++slot)
    if (!now.walk.entry[slot].accessed()) return false;
  return true;
}

}  // namespace shadowtlb::mmu
