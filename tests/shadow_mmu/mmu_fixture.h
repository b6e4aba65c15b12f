// A guest in a FakePhysMemory for the shadow-MMU tests: one address space
// (PML4 → PDPT → PD → PT) over 16 MiB of RAM, a real-table pool beside it, an
// event recorder, and checks that read the real tables back from memory.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "shadow_mmu/shadow_mmu.h"
#include "shadow_mmu/walker.h"
#include "support/fake_phys_memory.h"

namespace shadowtlb::mmu::testing {

using shadowtlb::test::FakePhysMemory;
using x86::PageEntry;

inline constexpr std::uint64_t kRamSize = 16 << 20;
inline constexpr GuestPhysAddr kPoolBase{16 << 20};
inline constexpr std::uint64_t kPoolSize = 4 << 20;
inline constexpr GuestPhysAddr kAliasBase{1ull << 30};

// The guest's tables. va(i) = 0x4000'0000 + i * 4 KiB uses PML4[0], PDPT[1], PD[0], PT[i];
// PD[1] (va 0x4020'0000) is free for 2 MiB pages.
inline constexpr GuestPhysAddr kRoot{0x10000}, kPdpt{0x11000}, kPd{0x12000}, kPt{0x13000};
inline constexpr GuestPhysAddr kPt2{0x14000}, kRoot2{0x15000};
inline constexpr GuestPhysAddr kKernelPdpt{0x16000};
inline constexpr std::uint64_t kBase = 0x4000'0000;
inline constexpr std::uint64_t kHugeBase = kBase + kHugePageSize;

inline constexpr std::uint64_t kRw = PageEntry::RW, kUs = PageEntry::US;
inline constexpr std::uint64_t kA = PageEntry::A, kD = PageEntry::D, kXd = PageEntry::XD;

inline GuestVirtAddr va(unsigned i) { return GuestVirtAddr(kBase + i * kPageSize); }
inline GuestPhysAddr pte(unsigned i) { return kPt + i * 8ull; }
inline GuestPhysAddr pde(unsigned i) { return kPd + i * 8ull; }
// Data frames: frame(n) = 1 MiB + n * 4 KiB.
inline GuestPhysAddr frame(unsigned n) { return GuestPhysAddr(0x100000 + n * kPageSize); }
inline GuestPhysAddr huge_frame(unsigned n) { return GuestPhysAddr(0x400000 + n * kHugePageSize); }

inline constexpr Access kRead{};
inline constexpr Access kWrite{true, false, false};
inline constexpr Access kFetch{false, false, true};
inline constexpr GuestVirtAddr kRip{0xffff'ffff'8000'1234ull};

class RecordingSink final : public EventSink {
 public:
  void on_event(const Event& event) override { events.push_back(event); }
  [[nodiscard]] std::vector<Event> of(EventKind kind) const {
    std::vector<Event> out;
    for (const Event& e : events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }
  [[nodiscard]] std::size_t count(EventKind kind) const { return of(kind).size(); }
  std::vector<Event> events;
};

class MmuTest : public ::testing::Test {
 protected:
  MmuTest() {
    mem.set_entry(kRoot, 0, PageEntry::table(kPdpt, kRw | kUs));
    mem.set_entry(kPdpt, 1, PageEntry::table(kPd, kRw | kUs));
    mem.set_entry(kPd, 0, PageEntry::table(kPt, kRw | kUs));
    mem.set_entry(kRoot, 256, PageEntry::table(kKernelPdpt, kRw));
  }

  static MmuConfig config(unsigned vcpus = 2) {
    MmuConfig c;
    c.vcpus = vcpus;
    c.ram_size = kRamSize;
    c.real_tables_base = kPoolBase;
    c.real_tables_size = kPoolSize;
    c.readonly_alias_base = kAliasBase;
    return c;
  }
  // Creates the model and loads kRoot on every vCPU.
  void start(const MmuConfig& c) {
    mmu = std::make_unique<ShadowMmu>(c, mem, &sink);
    for (unsigned v = 0; v < c.vcpus; ++v) (void)mmu->load_cr3(v, kRoot, kRip);
  }
  void start(unsigned vcpus = 2) { start(config(vcpus)); }

  // Test setup before start(): not trapped.
  void set_pte(unsigned i, GuestPhysAddr f, std::uint64_t flags) {
    mem.set_entry(kPt, i, PageEntry::page(f, flags));
  }
  // A trapped guest store through the page-table view.
  PteWriteResult write(unsigned vcpu, GuestPhysAddr entry, std::uint64_t value) {
    return mmu->write_pte(vcpu, entry, value, GuestVirtAddr(0xffff'ffff'8000'5000ull + vcpu));
  }
  MissResult miss(unsigned vcpu, GuestVirtAddr address, Access access) {
    return mmu->tlb_miss(vcpu, address, access, kRip);
  }
  [[nodiscard]] PageEntry guest_pte(unsigned i) const { return mem.entry(kPt, i); }

  // What the vCPU's real tables give for va, read back from memory.
  [[nodiscard]] WalkResult real_walk(unsigned vcpu, GuestVirtAddr address) const {
    return walk(mem, mmu->real_root(vcpu), address);
  }
  [[nodiscard]] std::optional<TlbEntry> entry(unsigned vcpu, GuestVirtAddr address) const {
    return mmu->view(address).at(vcpu).entry;
  }
  [[nodiscard]] std::vector<HazardKind> hazard_kinds() const {
    std::vector<HazardKind> out;
    for (const Hazard& h : mmu->hazards()) out.push_back(h.kind);
    return out;
  }

  FakePhysMemory mem{kPoolBase.value() + kPoolSize};
  RecordingSink sink;
  std::unique_ptr<ShadowMmu> mmu;
};

// Present lower-half leaves in a vCPU's real tables (any size).
inline std::size_t count_real_leaves(const FakePhysMemory& mem, GuestPhysAddr table, x86::Level level) {
  std::size_t n = 0;
  unsigned entries = level == x86::Level::pml4 ? 256 : 512;
  for (unsigned i = 0; i < entries; ++i) {
    PageEntry e = mem.entry(table, i);
    if (!e.present()) continue;
    if (level == x86::Level::pt || e.large(level)) {
      ++n;
    } else {
      n += count_real_leaves(mem, e.address(), static_cast<x86::Level>(static_cast<unsigned>(level) - 1));
    }
  }
  return n;
}

// The real tables hold exactly the TLB's entries, each encoded as the model's
// rules say (docs/shadow-mmu.md, "Real-table encoding").
inline void expect_real_tables_match(const ShadowMmu& mmu, const FakePhysMemory& mem, unsigned vcpu) {
  std::vector<TlbEntry> entries = mmu.entries(vcpu);
  EXPECT_EQ(count_real_leaves(mem, mmu.real_root(vcpu), x86::Level::pml4), entries.size())
      << "vCPU " << vcpu;
  for (const TlbEntry& e : entries) {
    WalkResult w = walk(mem, mmu.real_root(vcpu), e.va);
    ASSERT_TRUE(w.ok()) << "no real leaf for va " << std::hex << e.va.value();
    EXPECT_EQ(w.page_size, e.page_size);
    GuestPhysAddr want = e.stale && e.dirty ? mmu.config().readonly_alias_base + e.frame.value() : e.frame;
    EXPECT_EQ(w.frame, want) << "va " << std::hex << e.va.value();
    EXPECT_EQ(w.writable, e.dirty && e.writable) << "va " << std::hex << e.va.value();
    EXPECT_EQ(w.user, e.user);
    EXPECT_EQ(w.executable, e.executable);
    EXPECT_TRUE(w.leaf().accessed() && w.leaf().dirty());
    EXPECT_FALSE(w.leaf().global());
  }
}

}  // namespace shadowtlb::mmu::testing
