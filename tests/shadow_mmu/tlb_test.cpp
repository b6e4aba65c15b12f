// One vCPU's TLB container: lookup by page of either size, range queries,
// victims (LRU and seeded random).
#include "shadow_mmu/src/tlb.h"

#include <gtest/gtest.h>

namespace shadowtlb::mmu {
namespace {

CachedEntry make(std::uint64_t va, std::uint64_t size, EventSeq used, bool global = false) {
  CachedEntry c;
  c.entry.va = GuestVirtAddr(va);
  c.entry.page_size = size;
  c.entry.frame = GuestPhysAddr(0x100000);
  c.entry.last_used = used;
  c.entry.global = global;
  return c;
}

TEST(Tlb, FindsFourKilobyteAndTwoMegabyteEntriesByAnyAddressInside) {
  Tlb tlb(0, EvictPolicy::lru, 1, 0);
  tlb.insert(make(0x40000000, kPageSize, 1));
  tlb.insert(make(0x40200000, kHugePageSize, 2));
  ASSERT_NE(tlb.find(GuestVirtAddr(0x40000fff)), nullptr);
  EXPECT_EQ(tlb.find(GuestVirtAddr(0x40000fff))->entry.page_size, kPageSize);
  EXPECT_EQ(tlb.find(GuestVirtAddr(0x40001000)), nullptr);
  ASSERT_NE(tlb.find(GuestVirtAddr(0x403fffff)), nullptr);
  EXPECT_EQ(tlb.find(GuestVirtAddr(0x403fffff))->entry.page_size, kHugePageSize);
  EXPECT_EQ(tlb.find(GuestVirtAddr(0x40400000)), nullptr);
}

TEST(Tlb, DuplicateInsertIsALogicError) {
  Tlb tlb(0, EvictPolicy::lru, 1, 0);
  tlb.insert(make(0x1000, kPageSize, 1));
  EXPECT_THROW(tlb.insert(make(0x1000, kPageSize, 2)), std::logic_error);
}

TEST(Tlb, OverlappingFindsEveryPageSizeTouchingTheRange) {
  Tlb tlb(0, EvictPolicy::lru, 1, 0);
  tlb.insert(make(0x200000, kHugePageSize, 1));  // 0x200000..0x3fffff
  tlb.insert(make(0x400000, kPageSize, 2));
  tlb.insert(make(0x401000, kPageSize, 3));
  using Key = Tlb::Key;
  EXPECT_EQ(tlb.overlapping(0x3ff000, 0x401000),
            (std::vector<Key>{{0x200000, kHugePageSize}, {0x400000, kPageSize}}));
  EXPECT_EQ(tlb.overlapping(0x300000, 0x301000), (std::vector<Key>{{0x200000, kHugePageSize}}));
  EXPECT_TRUE(tlb.overlapping(0x402000, 0x500000).empty());
  EXPECT_TRUE(tlb.overlapping(0x400000, 0x400000).empty());
}

TEST(Tlb, NonGlobalSkipsGlobalEntries) {
  Tlb tlb(0, EvictPolicy::lru, 1, 0);
  tlb.insert(make(0x1000, kPageSize, 1, true));
  tlb.insert(make(0x2000, kPageSize, 2));
  EXPECT_EQ(tlb.non_global(), (std::vector<Tlb::Key>{{0x2000, kPageSize}}));
}

TEST(Tlb, FullOnlyWithACapacity) {
  Tlb unlimited(0, EvictPolicy::lru, 1, 0);
  for (unsigned i = 0; i < 100; ++i) unlimited.insert(make(i * kPageSize, kPageSize, i));
  EXPECT_FALSE(unlimited.full());
  Tlb two(2, EvictPolicy::lru, 1, 0);
  two.insert(make(0x1000, kPageSize, 1));
  EXPECT_FALSE(two.full());
  two.insert(make(0x2000, kPageSize, 2));
  EXPECT_TRUE(two.full());
}

TEST(Tlb, LruVictimIsTheLeastRecentlyUsed) {
  Tlb tlb(3, EvictPolicy::lru, 1, 0);
  tlb.insert(make(0x1000, kPageSize, 7));
  tlb.insert(make(0x2000, kPageSize, 3));
  tlb.insert(make(0x3000, kPageSize, 9));
  EXPECT_EQ(tlb.victim(), (Tlb::Key{0x2000, kPageSize}));
}

std::vector<std::uint64_t> random_victims(std::uint64_t seed, unsigned vcpu) {
  Tlb tlb(0, EvictPolicy::random, seed, vcpu);
  for (unsigned i = 0; i < 64; ++i) tlb.insert(make(i * kPageSize, kPageSize, i));
  std::vector<std::uint64_t> out;
  for (unsigned i = 0; i < 32; ++i) out.push_back(tlb.victim().va);
  return out;
}

TEST(Tlb, RandomVictimsReplayForTheSameSeedAndVcpu) {
  EXPECT_EQ(random_victims(42, 0), random_victims(42, 0));
  EXPECT_NE(random_victims(42, 0), random_victims(43, 0));
  EXPECT_NE(random_victims(42, 0), random_victims(42, 1));
}

TEST(Tlb, InOrderIsByAddressThenSize) {
  Tlb tlb(0, EvictPolicy::lru, 1, 0);
  tlb.insert(make(0x400000, kPageSize, 1));
  tlb.insert(make(0x200000, kHugePageSize, 2));
  tlb.insert(make(0x1000, kPageSize, 3));
  std::vector<std::uint64_t> vas;
  for (const CachedEntry* c : tlb.in_order()) vas.push_back(c->entry.va.value());
  EXPECT_EQ(vas, (std::vector<std::uint64_t>{0x1000, 0x200000, 0x400000}));
}

}  // namespace
}  // namespace shadowtlb::mmu
