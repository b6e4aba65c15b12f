// Self-tests of the page-table view: user tables are reached only through it, kernel tables never.
#include "guest/include/errno.h"
#include "guest/kernel/boot_params.h"
#include "guest/kernel/test.h"
#include "guest/mm/memory.h"
#include "guest/mm/mm.h"
#include "guest/mm/page_alloc.h"

namespace {

constexpr unsigned long USER_VA = 0x20000000;

// The guest-physical address the kernel's own tables translate p to: for a
// view pointer, the no-memslot alias where every access exits.
phys_addr_t translate_kernel(const volatile void* p) {
  pt_walk w;
  if (walk_page_table(&init_mm, reinterpret_cast<unsigned long>(p), &w)) return phys_addr_t(~0ull);
  return w.pa;
}

}  // namespace

TEST(pt_view, kernel_maps_the_view_with_2mib_pages) {
  pt_walk w;
  ASSERT_EQ(walk_page_table(&init_mm, PT_VIEW_START + 0x123456, &w), 0);
  EXPECT_EQ(w.level, PG_LEVEL_2M);
  EXPECT_EQ(w.pa.val, PT_VIEW_PHYS_BASE + 0x123456);
  EXPECT_FALSE(w.entry & _PAGE_USER);
  u64 last = round_down(boot_params.ram_size, PAGE_SIZE) - 8;
  ASSERT_EQ(walk_page_table(&init_mm, PT_VIEW_START + last, &w), 0);
  EXPECT_EQ(w.pa.val, PT_VIEW_PHYS_BASE + last);
  // The kernel's tables themselves stay on the direct map.
  EXPECT_FALSE(is_pt_view_addr(w.pgdp));
  EXPECT_FALSE(is_pt_view_addr(w.entryp));
}

TEST(pt_view, user_tables_are_read_through_the_view) {
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  EXPECT_TRUE(is_pt_view_addr(mm->pgd));
  ASSERT_EQ(map_page(mm, USER_VA, phys_addr_t(0x300000), PAGE_SHARED), 0);
  pt_walk w;
  ASSERT_EQ(walk_page_table(mm, USER_VA, &w), 0);
  EXPECT_EQ(w.level, PG_LEVEL_4K);
  // The pgd entry the walk read is in mm's pgd, at its view address...
  EXPECT_TRUE(is_pt_view_addr(w.pgdp));
  EXPECT_EQ(pgtable_phys(w.pgdp), pgtable_phys(mm->pgd) + pgd_index(USER_VA) * sizeof(pgd_t));
  // ...which the kernel maps to the alias with no memory behind it.
  EXPECT_EQ(translate_kernel(w.pgdp).val, PT_VIEW_PHYS_BASE + pgtable_phys(w.pgdp).val);
  // So is the PTE, two tables further down.
  EXPECT_TRUE(is_pt_view_addr(w.entryp));
  EXPECT_EQ(translate_kernel(w.entryp).val, PT_VIEW_PHYS_BASE + pgtable_phys(w.entryp).val);
  EXPECT_EQ(ptep_get(static_cast<const pte_t*>(w.entryp)).pte, w.entry);
  mmput(mm);
}

TEST(pt_view, kernel_half_of_a_user_mm_leaves_the_view_below_the_pgd) {
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  pt_walk w;
  ASSERT_EQ(walk_page_table(mm, PAGE_OFFSET + 0x345678, &w), 0);
  EXPECT_TRUE(is_pt_view_addr(w.pgdp));     // the user's pgd page
  EXPECT_FALSE(is_pt_view_addr(w.entryp));  // init_mm's shared pmd table
  EXPECT_EQ(w.pa.val, 0x345678u);
  mmput(mm);
}

TEST(pt_view, recycled_page_is_cleared_before_it_becomes_a_table) {
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  // Empty the page-table cache, so the next table comes from the allocator.
  phys_addr_t held[PGTABLE_CACHE_MAX];
  unsigned nheld = 0;
  while (pgtable_cache_count() && nheld < PGTABLE_CACHE_MAX) held[nheld++] = pgtable_alloc(mm);
  // A page full of old data, freed: the allocator hands it out next (LIFO).
  page* junk = alloc_page(GFP_KERNEL);
  ASSERT_TRUE(junk != nullptr);
  auto* direct = static_cast<volatile u64*>(page_address(junk));
  for (unsigned i = 0; i < PTRS_PER_TABLE; i++) direct[i] = 0xdeadbeef000 | _PAGE_PRESENT;
  phys_addr_t junk_pa = page_to_phys(junk);
  __free_page(junk);
  phys_addr_t table = pgtable_alloc(mm);
  EXPECT_EQ(table, junk_pa);
  auto* view = static_cast<const pte_t*>(pgtable_virt(table, USER_VA));
  const unsigned probes[] = {0, 1, 255, 256, 511};
  for (unsigned i : probes) {
    EXPECT_TRUE(pte_none(ptep_get(view + i)));
    EXPECT_EQ(direct[i], 0u);  // the clear reached RAM (checked here only, by the test)
  }
  pgtable_free_cleared(table);
  while (nheld) pgtable_free_cleared(held[--nheld]);
  mmput(mm);
}

TEST(pt_view, teardown_leaves_tables_zero_for_reuse) {
  if (pgtable_cache_count() + 4 > PGTABLE_CACHE_MAX) TEST_SKIP("page-table cache nearly full");
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  ASSERT_EQ(map_page(mm, USER_VA, phys_addr_t(0x300000), PAGE_SHARED), 0);
  ASSERT_EQ(map_page(mm, USER_VA + PAGE_SIZE, phys_addr_t(0x301000), PAGE_SHARED), 0);
  const unsigned in_use = pgtable_cache_count();
  mmput(mm);  // the frames are still mapped: teardown clears their PTEs
  EXPECT_EQ(pgtable_cache_count(), in_use + 4);  // pgd, pud, pmd and pte tables
  mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  ASSERT_EQ(map_page(mm, USER_VA + PAGE_SIZE, phys_addr_t(0x302000), PAGE_SHARED), 0);
  EXPECT_EQ(pgtable_cache_count(), in_use);  // all four came back from the cache
  pt_walk w;
  EXPECT_EQ(walk_page_table(mm, USER_VA, &w), -ENOENT);  // the old PTE did not survive
  ASSERT_EQ(walk_page_table(mm, USER_VA + PAGE_SIZE, &w), 0);
  EXPECT_EQ(w.pa.val, 0x302000u);
  mmput(mm);
}

TEST(pt_view, atomic_updates_of_a_pte) {
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  ASSERT_EQ(map_page(mm, USER_VA, phys_addr_t(0x300000), PAGE_SHARED), 0);
  pt_walk w;
  ASSERT_EQ(walk_page_table(mm, USER_VA, &w), 0);
  auto* ptep = static_cast<pte_t*>(const_cast<void*>(w.entryp));
  const pte_t orig = ptep_get(ptep);

  EXPECT_EQ(ptep_xchg(ptep, orig).pte, orig.pte);  // xchg with the same value
  pte_t old = orig;
  EXPECT_TRUE(ptep_try_cmpxchg(ptep, &old, __pte(orig.pte | _PAGE_SOFTW1)));
  old = orig;  // stale expectation: fails and reports what the entry holds
  EXPECT_FALSE(ptep_try_cmpxchg(ptep, &old, __pte(orig.pte | _PAGE_DIRTY)));
  EXPECT_EQ(old.pte, orig.pte | _PAGE_SOFTW1);
  EXPECT_EQ(ptep_get(ptep).pte, orig.pte | _PAGE_SOFTW1);
  ptep_set_bit(_PAGE_BIT_SOFTW2, ptep);
  ptep_clear_bit(_PAGE_BIT_SOFTW1, ptep);
  EXPECT_EQ(ptep_get(ptep).pte, orig.pte | _PAGE_SOFTW2);
  ptep_set_flags(ptep, _PAGE_SOFTW3);
  ptep_clear_flags(ptep, _PAGE_SOFTW2);
  EXPECT_EQ(ptep_get(ptep).pte, orig.pte | _PAGE_SOFTW3);
  EXPECT_EQ(ptep_get_and_clear(mm, USER_VA, ptep).pte, orig.pte | _PAGE_SOFTW3);
  EXPECT_TRUE(pte_none(ptep_get(ptep)));
  mmput(mm);
}
