// Guest-supplied addresses outside RAM never crash the model, never make it
// read or write the VMM's memory, and never reach the real tables.
#include "mmu_fixture.h"

namespace shadowtlb::mmu::testing {
namespace {

using HostileTest = MmuTest;

TEST_F(HostileTest, RootOutsideRamGivesNothingButFaults) {
  mmu = std::make_unique<ShadowMmu>(config(), mem, &sink);
  for (GuestPhysAddr root : {kPoolBase, GuestPhysAddr(1ull << 45), GuestPhysAddr(kRamSize - 8)}) {
    (void)mmu->load_cr3(0, root, kRip);
    EXPECT_EQ(miss(0, va(0), kRead), MissResult::fault);
    for (unsigned i = 256; i < 512; ++i) EXPECT_EQ(mem.entry(mmu->real_root(0), i).raw(), 0u);
  }
  EXPECT_TRUE(mmu->entries(0).empty());
}

TEST_F(HostileTest, RootInsideThePoolIsNotWalked) {
  // The pool holds this vCPU's own real tables: a guest naming them as its
  // root must not get a translation out of them.
  start();
  set_pte(0, frame(0), kRw);
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  (void)mmu->load_cr3(0, mmu->real_root(1), kRip);
  EXPECT_EQ(miss(0, va(0), kRead), MissResult::fault);
}

TEST_F(HostileTest, PteFramesOutsideRamAreRefused) {
  set_pte(0, kPoolBase, kRw);                          // the real-table pool
  set_pte(1, GuestPhysAddr(kRamSize), kRw);            // just past RAM
  set_pte(2, GuestPhysAddr(0x000f'ffff'ffff'f000ull), kRw);
  mem.set_entry(kPd, 1, PageEntry::huge_page(GuestPhysAddr(kRamSize), kRw));  // 2 MiB past RAM
  start();
  for (unsigned i = 0; i < 3; ++i) EXPECT_EQ(miss(0, va(i), kWrite), MissResult::fault) << i;
  EXPECT_EQ(miss(0, GuestVirtAddr(kHugeBase), kRead), MissResult::fault);
  EXPECT_TRUE(mmu->entries(0).empty());
  EXPECT_FALSE(guest_pte(0).accessed());
}

TEST_F(HostileTest, TablesOutsideRamStopTheWalk) {
  mem.set_entry(kPd, 0, PageEntry::table(kPoolBase, kRw));
  mem.set_entry(kPdpt, 2, PageEntry::table(GuestPhysAddr(1ull << 40), kRw));
  start();
  EXPECT_EQ(miss(0, va(0), kRead), MissResult::fault);
  EXPECT_EQ(miss(0, GuestVirtAddr(0x8000'0000ull), kRead), MissResult::fault);
  EXPECT_TRUE(mmu->entries(0).empty());
}

TEST_F(HostileTest, PageTableAccessesOutsideRamAreIgnoredWithAnEvent) {
  start();
  std::uint64_t pool_word = mem.read_u64(mmu->real_root(0) + 256 * 8).value();
  PteWriteResult r = write(0, mmu->real_root(0) + 256 * 8, 0xdead'b000 | PageEntry::P);
  EXPECT_TRUE(r.sync.empty());
  EXPECT_EQ(mem.read_u64(mmu->real_root(0) + 256 * 8).value(), pool_word);
  Event ignored = sink.of(EventKind::pte_write).back();
  EXPECT_EQ(ignored.old_value, 0u);
  EXPECT_EQ(ignored.new_value, 0xdead'b000u | PageEntry::P);
  EXPECT_EQ(mmu->read_pte(0, kPoolBase, kRip), 0u);
  EXPECT_EQ(mmu->read_pte(0, GuestPhysAddr(~0ull - 3), kRip), 0u);
  (void)write(0, GuestPhysAddr(~0ull - 3), 1);
  (void)write(0, pte(0) + 4, 1);  // misaligned: not a paging entry
  EXPECT_EQ(guest_pte(0).raw(), 0u);
}

TEST_F(HostileTest, KernelHalfEntriesPointingOutsideRamAreNotCopied) {
  mem.set_entry(kRoot, 300, PageEntry::table(kPoolBase, kRw));
  mem.set_entry(kRoot, 301, PageEntry(kKernelPdpt.value() | PageEntry::P | PageEntry::PS));
  start();
  EXPECT_EQ(mem.entry(mmu->real_root(0), 300).raw(), 0u);
  EXPECT_EQ(mem.entry(mmu->real_root(0), 301).raw(), 0u);
  EXPECT_EQ(mem.entry(mmu->real_root(0), 256), mem.entry(kRoot, 256));
  write(0, kRoot + 302 * 8, PageEntry::table(GuestPhysAddr(kRamSize), kRw).raw());
  EXPECT_EQ(mem.entry(mmu->real_root(0), 302).raw(), 0u);
}

TEST_F(HostileTest, TablesLinkingThemselvesTerminate) {
  mem.set_entry(kRoot, 1, PageEntry::table(kRoot, kRw));  // recursive PML4 slot
  mem.set_entry(kPt, 0, PageEntry::page(frame(0), kRw));
  start();
  // va with PML4[1] PDPT[1] PD[0] PT[0] goes root → root → PDPT ... → a leaf.
  GuestVirtAddr recursive((1ull << 39) | (1ull << 30));
  (void)miss(0, recursive, kWrite);
  (void)miss(0, va(0), kWrite);
  write(1, kRoot + 8, 0);
  SUCCEED();
}

TEST_F(HostileTest, PagingEntriesAtAddressZeroAreWatchedToo) {
  mem.set_entry(GuestPhysAddr(0), 0, PageEntry::table(kPdpt, kRw | kUs));  // a root at frame 0
  set_pte(0, frame(0), kRw);
  start();
  (void)mmu->load_cr3(1, GuestPhysAddr(0), kRip);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, GuestPhysAddr(0), 0);
  ASSERT_TRUE(entry(1, va(0)));
  EXPECT_TRUE(entry(1, va(0))->stale);
}

TEST_F(HostileTest, UnknownVcpuIsAProgrammingError) {
  start();
  EXPECT_THROW((void)miss(7, va(0), kRead), std::out_of_range);
  EXPECT_THROW((void)mmu->entries(2), std::out_of_range);
}

TEST(MmuConfigCheck, RejectsOverlapsAndBadSizes) {
  FakePhysMemory mem(32 << 20);
  auto make = [&](auto tweak) {
    MmuConfig c;
    c.ram_size = kRamSize;
    c.real_tables_base = kPoolBase;
    c.real_tables_size = kPoolSize;
    c.readonly_alias_base = kAliasBase;
    tweak(c);
    return ShadowMmu(c, mem);
  };
  EXPECT_NO_THROW(make([](MmuConfig&) {}));
  EXPECT_THROW(make([](MmuConfig& c) { c.vcpus = 0; }), std::invalid_argument);
  EXPECT_THROW(make([](MmuConfig& c) { c.vcpus = 257; }), std::invalid_argument);
  EXPECT_THROW(make([](MmuConfig& c) { c.ram_size = 0; }), std::invalid_argument);
  EXPECT_THROW(make([](MmuConfig& c) { c.ram_size = 12345; }), std::invalid_argument);
  EXPECT_THROW(make([](MmuConfig& c) { c.real_tables_base = GuestPhysAddr(0x100000); }),
               std::invalid_argument);
  EXPECT_THROW(make([](MmuConfig& c) { c.real_tables_base = kPoolBase + 8; }), std::invalid_argument);
  EXPECT_THROW(make([](MmuConfig& c) { c.real_tables_size = 0; }), std::invalid_argument);
  EXPECT_THROW(make([](MmuConfig& c) { c.readonly_alias_base = GuestPhysAddr(); }),
               std::invalid_argument);
  EXPECT_THROW(make([](MmuConfig& c) { c.readonly_alias_base = kAliasBase + kPageSize; }),
               std::invalid_argument);
  EXPECT_THROW(make([](MmuConfig& c) { c.readonly_alias_base = kPoolBase; }), std::invalid_argument);
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
