// Rule 6: a finite TLB evicts (LRU or seeded random), stale entries included,
// and the real tables follow.
#include "mmu_fixture.h"

#include <array>

namespace shadowtlb::mmu::testing {
namespace {

class EvictionTest : public MmuTest {
 protected:
  void start_with(std::size_t capacity, EvictPolicy policy, std::uint64_t seed = 1) {
    for (unsigned i = 0; i < 16; ++i) set_pte(i, frame(i), kRw);
    MmuConfig c = config();
    c.capacity = capacity;
    c.evict = policy;
    c.seed = seed;
    start(c);
  }
};

TEST_F(EvictionTest, CapacityOneEvictsAStaleEntrySoTheNextAccessSeesTheNewFrame) {
  start_with(1, EvictPolicy::lru);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), PageEntry::page(frame(9), kRw).raw());
  ASSERT_TRUE(entry(1, va(0))->stale);
  ASSERT_EQ(miss(1, va(1), kRead), MissResult::retry);  // evicts the stale entry
  EXPECT_FALSE(entry(1, va(0)));
  Event evict = sink.of(EventKind::evict).at(0);
  EXPECT_TRUE(evict.entry.stale);
  EXPECT_EQ(evict.entry.va, va(0));
  EXPECT_EQ(evict.vcpu, 1u);
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  EXPECT_EQ(entry(1, va(0))->frame, frame(9));
  EXPECT_EQ(real_walk(1, va(0)).frame, frame(9));
  expect_real_tables_match(*mmu, mem, 1);
}

TEST_F(EvictionTest, CapacityOneAfterAClearTheAccessFaults) {
  start_with(1, EvictPolicy::lru);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), 0);
  ASSERT_EQ(miss(1, va(1), kRead), MissResult::retry);
  EXPECT_EQ(miss(1, va(0), kWrite), MissResult::fault);
  // No write can reach the old frame any more: no stale write is possible.
  std::array<std::byte, 1> b{std::byte{1}};
  EXPECT_FALSE(mmu->stale_write(1, frame(0), b, kRip));
}

TEST_F(EvictionTest, LruEvictsTheLeastRecentlyFilled) {
  start_with(3, EvictPolicy::lru);
  for (unsigned i = 0; i < 3; ++i) ASSERT_EQ(miss(0, va(i), kRead), MissResult::retry);
  ASSERT_EQ(miss(0, va(0), kWrite), MissResult::retry);  // the upgrade counts as a use
  ASSERT_EQ(miss(0, va(3), kRead), MissResult::retry);
  EXPECT_TRUE(entry(0, va(0)));
  EXPECT_FALSE(entry(0, va(1)));
  EXPECT_TRUE(entry(0, va(2)));
  EXPECT_EQ(mmu->entries(0).size(), 3u);
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(EvictionTest, CapacityIsPerVcpu) {
  start_with(2, EvictPolicy::lru);
  for (unsigned i = 0; i < 2; ++i) {
    ASSERT_EQ(miss(0, va(i), kRead), MissResult::retry);
    ASSERT_EQ(miss(1, va(i + 4), kRead), MissResult::retry);
  }
  EXPECT_EQ(sink.count(EventKind::evict), 0u);
}

// A whole run on its own memory: which entries random eviction picked.
std::vector<std::uint64_t> evicted_with_seed(std::uint64_t seed) {
  FakePhysMemory mem(kPoolBase.value() + kPoolSize);
  mem.set_entry(kRoot, 0, PageEntry::table(kPdpt, kRw));
  mem.set_entry(kPdpt, 1, PageEntry::table(kPd, kRw));
  mem.set_entry(kPd, 0, PageEntry::table(kPt, kRw));
  for (unsigned i = 0; i < 16; ++i) mem.set_entry(kPt, i, PageEntry::page(frame(i), kRw));
  MmuConfig c;
  c.ram_size = kRamSize;
  c.real_tables_base = kPoolBase;
  c.real_tables_size = kPoolSize;
  c.readonly_alias_base = kAliasBase;
  c.capacity = 4;
  c.evict = EvictPolicy::random;
  c.seed = seed;
  RecordingSink sink;
  ShadowMmu mmu(c, mem, &sink);
  (void)mmu.load_cr3(0, kRoot, kRip);
  for (unsigned round = 0; round < 3; ++round)
    for (unsigned i = 0; i < 16; ++i) (void)mmu.tlb_miss(0, va(i), kRead, kRip);
  std::vector<std::uint64_t> out;
  for (const Event& e : sink.of(EventKind::evict)) out.push_back(e.entry.va.value());
  return out;
}

TEST(EvictionReplay, RandomEvictionIsReproducibleForTheSameSeed) {
  std::vector<std::uint64_t> a = evicted_with_seed(7), b = evicted_with_seed(7);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, evicted_with_seed(8));
}

TEST_F(EvictionTest, HugeFillEvictsTheSmallEntriesBeneathIt) {
  start_with(0, EvictPolicy::lru);
  mem.set_entry(kPt2, 0, PageEntry::page(frame(0), kRw));
  write(0, pde(1), PageEntry::table(kPt2, kRw | kUs).raw());
  ASSERT_EQ(miss(1, GuestVirtAddr(kHugeBase), kWrite), MissResult::retry);
  write(0, pde(1), PageEntry::huge_page(huge_frame(0), kRw).raw());  // collapse, no flush
  ASSERT_TRUE(entry(1, GuestVirtAddr(kHugeBase))->stale);
  ASSERT_EQ(miss(1, GuestVirtAddr(kHugeBase + 0x5000), kRead), MissResult::retry);
  std::vector<TlbEntry> entries = mmu->entries(1);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].page_size, kHugePageSize);
  EXPECT_EQ(sink.of(EventKind::evict).at(0).entry.page_size, kPageSize);
  expect_real_tables_match(*mmu, mem, 1);
}

TEST_F(EvictionTest, PoolExhaustionIsAClearError) {
  for (unsigned i = 0; i < 16; ++i) set_pte(i, frame(i), kRw);
  MmuConfig c = config(1);
  c.real_tables_size = 3 * kPageSize;  // root, PDPT, PD: no page table
  start(c);
  try {
    (void)miss(0, va(0), kRead);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("pool exhausted"), std::string::npos);
  }
  EXPECT_TRUE(mmu->entries(0).empty());  // nothing half-done
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
