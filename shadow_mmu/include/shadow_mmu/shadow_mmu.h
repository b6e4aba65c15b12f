// The shadow MMU: every vCPU's TLB, modelled, and the real page tables that
// hold exactly what each TLB holds (DESIGN.md §2–§3).
//
//   guest PTE write ──► write_pte ──► dependent TLB entries: stale (architectural)
//   (trapped, the VMM                                      or dropped (coherent,
//    is the one writer)                                     enforcement policy)
//   guest #PF ──► tlb_miss ──► walk current tables, set A/D ──► fill ──► real tables
//   flush / CR3 / shootdown ──► drop entries ──► real tables
//
// Not thread-safe: the VMM calls it under one lock. No KVM anywhere: guest
// memory is a PhysMemory, and the real tables are written into a region of it
// (the VMM's private memslot) that only this class writes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "shadow_mmu/address.h"
#include "shadow_mmu/events.h"
#include "shadow_mmu/phys_memory.h"
#include "shadow_mmu/tlb_entry.h"

namespace shadowtlb::mmu {

enum class TlbMode {
  architectural,  // SDM rules: stale entries live until flushed or evicted
  coherent,       // every paging-entry change reaches every vCPU before the write completes
};

enum class EvictPolicy { lru, random };

enum class EnforcePolicy {
  none,
  // When a paging entry that some vCPU caches *dirty* is cleared, repointed or
  // write-protected/cleaned, shoot those entries down before the write completes.
  dirty_shootdown,
};

struct MmuConfig {
  unsigned vcpus = 1;
  TlbMode mode = TlbMode::architectural;
  std::size_t capacity = 0;           // entries per vCPU; 0 = unlimited
  EvictPolicy evict = EvictPolicy::lru;
  std::uint64_t seed = 1;             // random eviction is seeded: runs replay
  EnforcePolicy enforce = EnforcePolicy::none;
  bool nx_enabled = true;             // EFER.NXE: XD bits are meaningful
  // Guest RAM is [0, ram_size); paging entries pointing elsewhere are invalid.
  std::uint64_t ram_size = 0;
  // Where the real tables live: a region of `memory` only the model writes.
  GuestPhysAddr real_tables_base;
  std::uint64_t real_tables_size = 0;
  // A read-only alias of RAM at readonly_alias_base + pa: stale dirty entries
  // point there so every write through them exits to the VMM (stale_write).
  GuestPhysAddr readonly_alias_base;
};

// Decoded #PF error code (SDM 4.7) of the access that missed.
struct Access {
  bool write = false;
  bool user = false;
  bool fetch = false;
  static Access from_error_code(std::uint64_t error_code) {
    return {(error_code & 2) != 0, (error_code & 4) != 0, (error_code & 16) != 0};
  }
};

enum class MissResult {
  retry,  // the entry is in the TLB and the real tables now: retry the access
  fault,  // the guest takes a #PF and runs its own handler
};

// A set of vCPUs (bit i = vCPU i), for shootdowns and for "these vCPUs' real
// tables changed: make sure they have left guest mode before going on".
struct VcpuMask {
  std::uint64_t bits[4] = {};
  void set(unsigned vcpu) { bits[vcpu / 64] |= std::uint64_t{1} << (vcpu % 64); }
  [[nodiscard]] bool test(unsigned vcpu) const { return (bits[vcpu / 64] >> (vcpu % 64)) & 1; }
  [[nodiscard]] bool empty() const { return !(bits[0] | bits[1] | bits[2] | bits[3]); }
};

// What a page-table write did to other vCPUs' real tables: the VMM must kick
// `sync` and wait for them to leave guest mode before the write completes.
struct PteWriteResult {
  VcpuMask sync;
};

// One vCPU's view of a guest-virtual address, for inspection.
struct VcpuView {
  unsigned vcpu = 0;
  std::optional<TlbEntry> entry;  // what its TLB holds for the address, if anything
};

class ShadowMmu {
 public:
  ShadowMmu(const MmuConfig& config, PhysMemory& memory, EventSink* sink = nullptr);
  ~ShadowMmu();
  ShadowMmu(const ShadowMmu&) = delete;
  ShadowMmu& operator=(const ShadowMmu&) = delete;

  // --- paravirtual MMU calls -------------------------------------------------
  // The guest's `mov cr3`: drops the vCPU's non-global entries and points its
  // real tables' kernel half at the root's kernel half (entries 256..511, which
  // are not modelled: fixed kernel mappings). Returns the CR3 value to load
  // into the vCPU (its real root).
  [[nodiscard]] GuestPhysAddr load_cr3(unsigned vcpu, GuestPhysAddr root, GuestVirtAddr rip);
  // The vCPU's own invlpg over [va, va + npages pages), or everything non-global.
  void flush_local(unsigned vcpu, GuestVirtAddr va, std::uint64_t npages, GuestVirtAddr rip);
  static constexpr std::uint64_t kFlushAll = ~std::uint64_t{0};
  // A remote flush of `targets` (the initiator may be among them).
  void shootdown(unsigned initiator, const VcpuMask& targets, GuestVirtAddr va,
                 std::uint64_t npages, GuestVirtAddr rip);
  // The page walk behind a #PF (see class comment). Only lower-half addresses
  // are modelled; anything else answers fault.
  [[nodiscard]] MissResult tlb_miss(unsigned vcpu, GuestVirtAddr va, Access access,
                                    GuestVirtAddr rip);
  void page_freed(unsigned vcpu, Pfn pfn, unsigned order);
  void page_reused(unsigned vcpu, Pfn pfn, unsigned order);
  // The guest set (or cleared) PG_dirty on the page at pfn, 2^order frames:
  // while set, a stale write to those frames is recorded for writeback, so it
  // is no lost dirty bit.
  void page_dirty(unsigned vcpu, Pfn pfn, unsigned order, bool dirty);

  // --- trapped page-table accesses (the page-table view) ----------------------
  // `pte` is the guest-physical address of an aligned 8-byte paging entry.
  [[nodiscard]] std::uint64_t read_pte(unsigned vcpu, GuestPhysAddr pte, GuestVirtAddr rip);
  [[nodiscard]] PteWriteResult write_pte(unsigned vcpu, GuestPhysAddr pte, std::uint64_t value,
                                         GuestVirtAddr rip);
  // A locked read-modify-write as one step: `op` maps the old value to the new
  // one (nullopt: no store). Returns the old value and what write_pte returns.
  struct RmwResult {
    std::uint64_t old_value = 0;
    PteWriteResult write;
  };
  [[nodiscard]] RmwResult rmw_pte(unsigned vcpu, GuestPhysAddr pte,
                                  const std::function<std::optional<std::uint64_t>(std::uint64_t)>& op,
                                  GuestVirtAddr rip);

  // --- writes observed through the read-only alias ---------------------------
  // A vCPU wrote `data` at alias address readonly_alias_base + pa: performs it
  // in RAM, byte-exact (the guest-visible outcome is unchanged), and records
  // the stale write. If no paging entry has D set for the frame, a
  // lost-dirty-bit verdict opens: it closes as soon as one does (the kernel
  // may hold D in a register, between ptep_get_and_clear and set_pte_at), and
  // becomes a hazard if the stale entry leaves the TLB first. False if no
  // stale entry of that vCPU reaches pa (a VMM bug or a hostile guest: the
  // write is not performed).
  [[nodiscard]] bool stale_write(unsigned vcpu, GuestPhysAddr pa, std::span<const std::byte> data,
                                 GuestVirtAddr rip);
  // The end of a run: every lost-dirty-bit verdict still open (its stale
  // entry still cached, no D bit for the frame since the write) becomes a
  // hazard with removed_at 0. Call it once the vCPUs have stopped.
  void finalize();

  // --- inspection --------------------------------------------------------------
  [[nodiscard]] std::vector<TlbEntry> entries(unsigned vcpu) const;  // by address
  [[nodiscard]] std::vector<VcpuView> view(GuestVirtAddr va) const;   // every vCPU
  [[nodiscard]] const std::vector<Hazard>& hazards() const;
  [[nodiscard]] GuestPhysAddr guest_root(unsigned vcpu) const;       // last root loaded
  [[nodiscard]] GuestPhysAddr real_root(unsigned vcpu) const;        // what CR3 holds
  [[nodiscard]] const MmuConfig& config() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shadowtlb::mmu
