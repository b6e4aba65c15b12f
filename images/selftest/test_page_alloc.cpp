// Self-tests of the page allocator and kmalloc.
#include "guest/kernel/test.h"
#include "guest/lib/string.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/slab.h"

TEST(page_alloc, order0_alloc_write_free) {
  page* p = alloc_page(GFP_KERNEL);
  ASSERT_TRUE(p != nullptr);
  EXPECT_LT(page_to_pfn(p), max_pfn);
  auto* w = static_cast<volatile u64*>(page_address(p));
  w[0] = 0x1234;
  w[511] = 0x5678;
  EXPECT_EQ(w[0], 0x1234u);
  EXPECT_EQ(w[511], 0x5678u);
  __free_page(p);
}

TEST(page_alloc, freed_page_is_reused_first) {
  page* p = alloc_page(GFP_KERNEL);
  ASSERT_TRUE(p != nullptr);
  u64 pfn = page_to_pfn(p);
  __free_page(p);
  page* q = alloc_page(GFP_KERNEL);
  ASSERT_TRUE(q != nullptr);
  EXPECT_EQ(page_to_pfn(q), pfn);  // LIFO: the most recently freed block
  __free_page(q);
}

TEST(page_alloc, pages_are_distinct) {
  page* pages[8];
  for (auto& p : pages) {
    p = alloc_page(GFP_KERNEL);
    ASSERT_TRUE(p != nullptr);
  }
  for (unsigned i = 0; i < 8; i++)
    for (unsigned j = i + 1; j < 8; j++) EXPECT_NE(page_to_pfn(pages[i]), page_to_pfn(pages[j]));
  for (auto* p : pages) __free_page(p);
}

TEST(page_alloc, order9_block_is_2mib_aligned) {
  page* p = alloc_pages(GFP_KERNEL, 9);
  if (!p) TEST_SKIP("no free 2 MiB block: RAM too small");
  EXPECT_EQ(page_to_pfn(p) % 512, 0u);
  EXPECT_LE(page_to_pfn(p) + 512, max_pfn);
  auto* bytes = static_cast<volatile u8*>(page_address(p));
  bytes[0] = 1;
  bytes[PMD_SIZE - 1] = 2;
  EXPECT_EQ(bytes[PMD_SIZE - 1], 2u);
  __free_pages(p, 9);
}

TEST(page_alloc, hints_on_free_and_reuse) {
  page* p = alloc_page(GFP_KERNEL);
  ASSERT_TRUE(p != nullptr);
  page_alloc_stats s0 = page_alloc_get_stats();
  __free_page(p);
  page_alloc_stats s1 = page_alloc_get_stats();
  EXPECT_EQ(s1.freed_hints, s0.freed_hints + 1);
  p = alloc_page(GFP_KERNEL);  // the block just freed: a reuse, so one hint
  ASSERT_TRUE(p != nullptr);
  page_alloc_stats s2 = page_alloc_get_stats();
  EXPECT_EQ(s2.reused_hints, s1.reused_hints + 1);
  EXPECT_EQ(s2.fresh_allocs, s1.fresh_allocs);
  __free_page(p);
}

TEST(page_alloc, never_used_memory_sends_no_hint) {
  page_alloc_stats s0 = page_alloc_get_stats();
  page* p = alloc_pages(GFP_KERNEL, 3);  // no order-3 block was ever freed
  ASSERT_TRUE(p != nullptr);
  page_alloc_stats s1 = page_alloc_get_stats();
  EXPECT_EQ(s1.reused_hints, s0.reused_hints);
  EXPECT_EQ(s1.fresh_allocs, s0.fresh_allocs + 1);
  __free_pages(p, 3);
}

TEST(page_alloc, zeroed_page_after_reuse) {
  page* p = alloc_page(GFP_KERNEL);
  ASSERT_TRUE(p != nullptr);
  memset(page_address(p), 0xa5, PAGE_SIZE);
  u64 pfn = page_to_pfn(p);
  __free_page(p);
  page* q = alloc_page(__GFP_ZERO);
  ASSERT_TRUE(q != nullptr);
  EXPECT_EQ(page_to_pfn(q), pfn);
  static const u8 zero[PAGE_SIZE] = {};
  EXPECT_EQ(memcmp(page_address(q), zero, PAGE_SIZE), 0);
  __free_page(q);
}

TEST(slab, kmalloc_kfree_reuse) {
  void* a = kmalloc(24);
  void* b = kmalloc(24);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a, b);
  EXPECT_EQ(reinterpret_cast<u64>(a) % 32, 0u);  // the 32-byte class
  kfree(a);
  void* c = kmalloc(30);
  EXPECT_EQ(c, a);
  memset(c, 0xff, 30);
  kfree(c);
  auto* z = static_cast<u8*>(kzalloc(30));
  ASSERT_TRUE(z != nullptr);
  EXPECT_EQ(z[0] | z[29], 0);
  kfree(z);
  kfree(b);
}

TEST(slab, large_kmalloc_uses_pages) {
  void* p = kmalloc(3 * PAGE_SIZE);
  ASSERT_TRUE(p != nullptr);
  EXPECT_EQ(reinterpret_cast<u64>(p) % PAGE_SIZE, 0u);
  EXPECT_TRUE(virt_to_page(p)->flags & PG_large_kmalloc);
  kfree(p);
}
