// Self-tests of the kernel page tables and of map/unmap/walk on a user mm.
#include "guest/kernel/boot_params.h"
#include "guest/kernel/test.h"
#include "guest/include/errno.h"
#include "guest/mm/memory.h"
#include "guest/mm/mm.h"
#include "guest/mm/page_alloc.h"

namespace {

int kernel_data_probe = 42;

}  // namespace

TEST(pgtable, direct_map_uses_2mib_pages) {
  pt_walk w;
  ASSERT_EQ(walk_page_table(&init_mm, PAGE_OFFSET + 0x123456, &w), 0);
  EXPECT_EQ(w.level, PG_LEVEL_2M);
  EXPECT_EQ(w.pa.val, 0x123456u);
  EXPECT_TRUE(w.entry & _PAGE_RW);
  EXPECT_FALSE(w.entry & _PAGE_USER);
  u64 last = round_down(boot_params.ram_size, PAGE_SIZE) - 8;
  ASSERT_EQ(walk_page_table(&init_mm, PAGE_OFFSET + last, &w), 0);
  EXPECT_EQ(w.pa.val, last);
  EXPECT_EQ(walk_page_table(&init_mm, PAGE_OFFSET + round_up(boot_params.ram_size, PMD_SIZE), &w), -ENOENT);
  EXPECT_EQ(w.level, PG_LEVEL_NONE);
}

TEST(pgtable, kernel_image_mapped_at_kernel_base) {
  pt_walk w;
  auto va = reinterpret_cast<unsigned long>(&kernel_data_probe);
  ASSERT_EQ(walk_page_table(&init_mm, va, &w), 0);
  EXPECT_EQ(w.pa, virt_to_phys(&kernel_data_probe));
  EXPECT_EQ(w.pa.val, va - START_KERNEL_MAP);
}

TEST(pgtable, lower_half_empty_in_init_mm) {
  pt_walk w;
  EXPECT_EQ(walk_page_table(&init_mm, 0x100000, &w), -ENOENT);
}

TEST(pgtable, map_unmap_4k) {
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  page* p = alloc_page(GFP_KERNEL);
  ASSERT_TRUE(p != nullptr);
  const unsigned long va = 0x400000;
  EXPECT_EQ(map_page(mm, va, page_to_phys(p), PAGE_SHARED), 0);
  pt_walk w;
  ASSERT_EQ(walk_page_table(mm, va + 0x10, &w), 0);
  EXPECT_EQ(w.level, PG_LEVEL_4K);
  EXPECT_EQ(w.pa, page_to_phys(p) + 0x10);
  EXPECT_EQ(w.page_size, PAGE_SIZE);
  EXPECT_EQ(w.entry & PTE_FLAGS_MASK, pgprot_val(PAGE_SHARED));
  EXPECT_EQ(map_page(mm, va, page_to_phys(p), PAGE_SHARED), -EEXIST);
  EXPECT_EQ(map_page(mm, va + 1, page_to_phys(p), PAGE_SHARED), -EINVAL);
  EXPECT_EQ(unmap_page(mm, va), 0);
  EXPECT_EQ(walk_page_table(mm, va, &w), -ENOENT);
  EXPECT_EQ(unmap_page(mm, va), -ENOENT);
  mmput(mm);
  __free_page(p);
}

TEST(pgtable, map_unmap_2m) {
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  page* p = alloc_pages(GFP_KERNEL, 9);
  if (!p) {
    mmput(mm);
    TEST_SKIP("no free 2 MiB block: RAM too small");
  }
  const unsigned long va = 0x40000000;
  EXPECT_EQ(map_huge_pmd(mm, va, page_to_phys(p), PAGE_SHARED), 0);
  pt_walk w;
  ASSERT_EQ(walk_page_table(mm, va + 0x12345, &w), 0);
  EXPECT_EQ(w.level, PG_LEVEL_2M);
  EXPECT_EQ(w.pa, page_to_phys(p) + 0x12345);
  EXPECT_EQ(w.page_size, PMD_SIZE);
  EXPECT_TRUE(w.entry & _PAGE_PSE);
  EXPECT_EQ(map_page(mm, va + PAGE_SIZE, page_to_phys(p), PAGE_SHARED), -EEXIST);
  EXPECT_EQ(map_huge_pmd(mm, va + PAGE_SIZE, page_to_phys(p), PAGE_SHARED), -EINVAL);
  EXPECT_EQ(unmap_page(mm, va), -ENOENT);  // a 4 KiB unmap does not split a 2 MiB page
  EXPECT_EQ(unmap_huge_pmd(mm, va + 0x5000), 0);
  EXPECT_EQ(walk_page_table(mm, va, &w), -ENOENT);
  mmput(mm);
  __free_pages(p, 9);
}

TEST(pgtable, map_range_mixes_page_sizes) {
  // Table contents only: the frames are never accessed, so any will do.
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  const unsigned long va = 0x5ff000;
  ASSERT_EQ(map_range(mm, va, phys_addr_t(0x1ff000), PMD_SIZE + 2 * PAGE_SIZE, PAGE_READONLY), 0);
  pt_walk w;
  ASSERT_EQ(walk_page_table(mm, va, &w), 0);
  EXPECT_EQ(w.level, PG_LEVEL_4K);
  EXPECT_EQ(w.pa.val, 0x1ff000u);
  ASSERT_EQ(walk_page_table(mm, 0x600000, &w), 0);
  EXPECT_EQ(w.level, PG_LEVEL_2M);
  EXPECT_EQ(w.pa.val, 0x200000u);
  ASSERT_EQ(walk_page_table(mm, 0x800000, &w), 0);
  EXPECT_EQ(w.level, PG_LEVEL_4K);
  EXPECT_EQ(w.pa.val, 0x400000u);
  EXPECT_FALSE(w.entry & _PAGE_RW);
  EXPECT_EQ(walk_page_table(mm, 0x801000, &w), -ENOENT);
  mmput(mm);
}

TEST(pgtable, each_mm_maps_only_its_half) {
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  EXPECT_EQ(map_page(mm, PAGE_OFFSET, phys_addr_t(0), PAGE_SHARED), -EINVAL);
  EXPECT_EQ(map_page(&init_mm, 0x1000, phys_addr_t(0), PAGE_KERNEL), -EINVAL);
  mmput(mm);
}
