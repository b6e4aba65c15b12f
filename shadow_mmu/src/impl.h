// ShadowMmu's private half: the per-vCPU TLBs and real tables, the guest's
// page-table pages, the reverse indexes, and the operations shared by the
// public calls. Split over several .cpp files by concern:
//   shadow_mmu.cpp   construction, CR3 loads, flushes, page hints, inspection
//   entries.cpp      putting entries in and taking them out (TLB + real tables + indexes)
//   tlb_miss.cpp     the page walk behind a #PF: fill, dirty upgrade, spurious faults
//   pte_writes.cpp   trapped paging-entry accesses and what they do to cached entries
//   stale_write.cpp  writes observed through the read-only alias, their hazards and
//                    lost-dirty-bit verdicts (opened there, settled at removal or finalize)
#pragma once

#include <memory>
#include <vector>

#include "cached_entry.h"
#include "dirty_pages.h"
#include "dirty_verdicts.h"
#include "entry_index.h"
#include "event_log.h"
#include "page_table_pages.h"
#include "ram_view.h"
#include "real_tables.h"
#include "shadow_mmu/shadow_mmu.h"
#include "table_pool.h"
#include "tlb.h"
#include "translation.h"

namespace shadowtlb::mmu {

// Lower-half addresses only are modelled (abi::USER_VA_END).
inline constexpr std::uint64_t kModelledVaEnd = 0x0000'8000'0000'0000ull;

class ShadowMmu::Impl {
 public:
  Impl(const MmuConfig& config, PhysMemory& memory, EventSink* sink);

  GuestPhysAddr load_cr3(unsigned vcpu, GuestPhysAddr root, GuestVirtAddr rip);
  void flush_local(unsigned vcpu, GuestVirtAddr va, std::uint64_t npages, GuestVirtAddr rip);
  void shootdown(unsigned initiator, const VcpuMask& targets, GuestVirtAddr va,
                 std::uint64_t npages, GuestVirtAddr rip);
  MissResult tlb_miss(unsigned vcpu, GuestVirtAddr va, Access access, GuestVirtAddr rip);
  void page_freed(unsigned vcpu, Pfn pfn, unsigned order);
  void page_reused(unsigned vcpu, Pfn pfn, unsigned order);
  void page_dirty(unsigned vcpu, Pfn pfn, unsigned order, bool dirty);

  std::uint64_t read_pte(unsigned vcpu, GuestPhysAddr pte, GuestVirtAddr rip);
  PteWriteResult write_pte(unsigned vcpu, GuestPhysAddr pte, std::uint64_t value, GuestVirtAddr rip);
  RmwResult rmw_pte(unsigned vcpu, GuestPhysAddr pte,
                    const std::function<std::optional<std::uint64_t>(std::uint64_t)>& op,
                    GuestVirtAddr rip);
  bool stale_write(unsigned vcpu, GuestPhysAddr pa, std::span<const std::byte> data,
                   GuestVirtAddr rip);
  void finalize();

  std::vector<TlbEntry> entries(unsigned vcpu) const;
  std::vector<VcpuView> view(GuestVirtAddr va) const;
  const std::vector<Hazard>& hazards() const { return log_.hazards(); }
  GuestPhysAddr guest_root(unsigned vcpu) const { return at(vcpu).root; }
  GuestPhysAddr real_root(unsigned vcpu) const { return at(vcpu).real.root(); }
  const MmuConfig& config() const { return config_; }

 private:
  struct Vcpu {
    Vcpu(const MmuConfig& config, unsigned id, TablePool& pool, PhysMemory& memory)
        : tlb(config.capacity, config.evict, config.seed, id), real(pool, memory) {}
    Tlb tlb;
    RealTables real;
    GuestPhysAddr root;     // the guest root of the last load_cr3
    bool has_root = false;  // before the first load_cr3 every miss faults
  };

  Vcpu& at(unsigned vcpu);
  const Vcpu& at(unsigned vcpu) const;

  // --- page hints (shadow_mmu.cpp) -------------------------------------------
  [[nodiscard]] static std::uint64_t hinted_frames(Pfn pfn, unsigned order);
  EventSeq emit_page_hint(EventKind kind, unsigned vcpu, Pfn pfn, std::uint64_t count,
                          std::uint64_t value);

  // --- entries.cpp -------------------------------------------------------------
  [[nodiscard]] x86::PageEntry real_leaf(const TlbEntry& entry) const;
  void publish(unsigned vcpu, const CachedEntry& cached);
  // Frees room for `incoming`: smaller entries under a 2 MiB one, then
  // capacity victims, each with an evict event.
  void make_room(unsigned vcpu, const TlbEntry& incoming, GuestVirtAddr rip);
  void insert(unsigned vcpu, const CachedEntry& cached);
  // Takes an entry out of the TLB, the real tables and the indexes; its open
  // lost-dirty verdicts fall due (settled by the next emit_removal).
  CachedEntry drop(unsigned vcpu, Tlb::Key key);
  // Emits the event of a call that dropped entries, then settles the verdicts
  // those drops made due, naming this event as the removal.
  EventSeq emit_removal(const Event& event);
  void evict(unsigned vcpu, Tlb::Key key, GuestVirtAddr rip);
  void drop_range(unsigned vcpu, std::uint64_t start, std::uint64_t end);
  void drop_non_global(unsigned vcpu);
  // invlpg over npages pages from va, or everything non-global for kFlushAll.
  void flush(unsigned vcpu, GuestVirtAddr va, std::uint64_t npages);
  // Replaces an entry's watch list, keeping the index in step.
  void rewatch(unsigned vcpu, CachedEntry& cached, const Translation& now);
  [[nodiscard]] Hazard hazard_for(HazardKind kind, const EntryKey& key, const CachedEntry& cached,
                                  GuestPhysAddr frame, GuestVirtAddr rip) const;
  // Hazards for TLB entries reaching frames that just became page-table pages.
  void report_new_page_tables(const std::vector<Pfn>& became, EventSeq cause, GuestVirtAddr rip);

  // --- tlb_miss.cpp ------------------------------------------------------------
  MissResult fill(unsigned vcpu, GuestVirtAddr va, Access access, GuestVirtAddr rip);
  MissResult miss_on_cached(unsigned vcpu, CachedEntry& cached, GuestVirtAddr va, Access access,
                            GuestVirtAddr rip);
  MissResult dirty_upgrade(unsigned vcpu, CachedEntry& cached, GuestVirtAddr va, Access access,
                           GuestVirtAddr rip);
  MissResult spurious_fault(unsigned vcpu, Tlb::Key key, GuestVirtAddr va, GuestVirtAddr rip);
  MissResult fault(unsigned vcpu, GuestVirtAddr va, Access access, const Translation* walk,
                   const TlbEntry* dropped, GuestVirtAddr rip);
  // Sets A in every entry of the walk that lacks it and, for a write, D in the
  // leaf, as the processor does (SDM 4.8). Returns the leaf's new value.
  std::uint64_t set_accessed_dirty(unsigned vcpu, const Translation& t, bool write,
                                   GuestVirtAddr va, GuestVirtAddr rip);
  [[nodiscard]] CachedEntry make_entry(GuestPhysAddr root, const Translation& t, bool dirty,
                                       std::uint64_t leaf_value) const;

  // --- pte_writes.cpp ----------------------------------------------------------
  PteWriteResult apply_pte_write(unsigned vcpu, GuestPhysAddr pte, std::uint64_t old_value,
                                 std::uint64_t value, GuestVirtAddr rip);
  void recheck(const EntryKey& key, EventSeq cause, unsigned writer, GuestVirtAddr rip,
               PteWriteResult& result);
  [[nodiscard]] std::uint64_t kernel_half_entry(std::uint64_t value) const;

  // --- stale_write.cpp ---------------------------------------------------------
  // Writes [pa, pa + size) in RAM as the guest did; `before` gets the old bytes.
  bool store_exactly(GuestPhysAddr pa, std::span<const std::byte> data,
                     std::vector<std::uint8_t>& before);
  // Opens a verdict for each 4 KiB frame written that no leaf records as dirty.
  void open_verdicts(const EntryKey& key, const Hazard& hazard, GuestPhysAddr pa,
                     std::uint64_t size);
  // A leaf may have gained D (a store, the model's own D update, a new traced
  // table), or a page PG_dirty: close the verdicts that covers.
  void cover_verdicts();
  // A leaf maps the frame with D, or the guest holds its page PG_dirty.
  [[nodiscard]] bool recorded_dirty(Pfn frame) const;
  void record_lost_dirty(const LostDirtyVerdict& verdict, EventSeq removed_at);

  MmuConfig config_;
  PhysMemory& memory_;
  RamView ram_;
  EventLog log_;
  TablePool pool_;
  std::vector<std::unique_ptr<Vcpu>> vcpus_;
  PageTablePages page_tables_;
  EntryIndex index_;
  DirtyPages dirty_pages_;
  DirtyVerdicts verdicts_;
};

}  // namespace shadowtlb::mmu
