// Self-tests of 2 MiB anonymous pages: faults, move_huge_pmd(), splitting, page-out to swap.
#include "guest/arch/x86/uaccess.h"
#include "guest/kernel/test.h"
#include "guest/mm/handle_mm_fault.h"
#include "guest/mm/memory.h"
#include "guest/mm/mmap.h"
#include "guest/mm/mremap.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/swap.h"
#include "guest/mm/vma.h"
#include "images/selftest/user_mm.h"

namespace {

constexpr unsigned long MOVE_TARGET = MMAP_BASE + (64ul << 30);

// A 2 MiB-aligned anonymous region marked MADV_HUGEPAGE; 0 on failure.
unsigned long mmap_thp(unsigned long len) {
  unsigned long a = vm_mmap(nullptr, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
  if (IS_ERR_VALUE(a) || do_madvise(a, len, MADV_HUGEPAGE)) return 0;
  return a;
}

pg_level level_of(unsigned long addr) {
  pt_walk w;
  walk_page_table(current->mm, addr, &w);
  return w.level;
}

}  // namespace

TEST(thp, fault_maps_a_huge_pmd) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = mmap_thp(PMD_SIZE);
  ASSERT_TRUE(a != 0);
  EXPECT_EQ(a % PMD_SIZE, 0u);
  fault_stats before = mm_fault_get_stats();
  ASSERT_EQ(put_user_u64(0x4747, a + PMD_SIZE - 8), 0);
  if (mm_fault_get_stats().huge_anon == before.huge_anon) TEST_SKIP("no free 2 MiB block");
  EXPECT_EQ(level_of(a), PG_LEVEL_2M);
  EXPECT_EQ(*user_ptr(a + PMD_SIZE - 8), 0x4747u);
  EXPECT_EQ(*user_ptr(a), 0u);
}

TEST(thp, mremap_moves_the_huge_pmd) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = mmap_thp(PMD_SIZE);
  ASSERT_TRUE(a != 0);
  ASSERT_EQ(put_user_u64(0x11, a + 4096), 0);
  if (level_of(a) != PG_LEVEL_2M) TEST_SKIP("no free 2 MiB block");
  mremap_stats before = mremap_get_stats();
  ASSERT_EQ(sys_mremap(a, PMD_SIZE, PMD_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, MOVE_TARGET), MOVE_TARGET);
  EXPECT_EQ(mremap_get_stats().huge_pmds_moved - before.huge_pmds_moved, 1u);
  EXPECT_EQ(level_of(MOVE_TARGET), PG_LEVEL_2M);
  EXPECT_EQ(*user_ptr(MOVE_TARGET + 4096), 0x11u);
}

TEST(thp, partial_munmap_splits_the_page) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = mmap_thp(PMD_SIZE);
  ASSERT_TRUE(a != 0);
  ASSERT_EQ(put_user_u64(0x22, a + PMD_SIZE - PAGE_SIZE), 0);
  if (level_of(a) != PG_LEVEL_2M) TEST_SKIP("no free 2 MiB block");
  u64 freed = page_alloc_get_stats().freed_hints;
  EXPECT_EQ(vm_munmap(a, PAGE_SIZE), 0);
  EXPECT_EQ(level_of(a + PAGE_SIZE), PG_LEVEL_4K);
  EXPECT_EQ(*user_ptr(a + PMD_SIZE - PAGE_SIZE), 0x22u);
  EXPECT_EQ(page_alloc_get_stats().freed_hints - freed, 1u);  // the one 4 KiB page unmapped
}

TEST(thp, pageout_splits_swaps_out_and_faults_back) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = mmap_thp(PMD_SIZE);
  ASSERT_TRUE(a != 0);
  ASSERT_EQ(put_user_u64(0x33, a), 0);
  ASSERT_EQ(put_user_u64(0x44, a + PMD_SIZE - 8), 0);
  if (level_of(a) != PG_LEVEL_2M) TEST_SKIP("no free 2 MiB block");
  swap_stats s0 = swap_get_stats();
  if (s0.slots_total - s0.slots_used < PTRS_PER_TABLE) TEST_SKIP("swap area too small");
  u64 freed = page_alloc_get_stats().freed_hints;
  EXPECT_EQ(do_madvise(a, PMD_SIZE, MADV_PAGEOUT), 0);
  swap_stats s1 = swap_get_stats();
  EXPECT_EQ(s1.pageouts - s0.pageouts, PTRS_PER_TABLE);
  EXPECT_EQ(s1.slots_used - s0.slots_used, PTRS_PER_TABLE);
  EXPECT_EQ(page_alloc_get_stats().freed_hints - freed, PTRS_PER_TABLE);
  pt_walk w;
  EXPECT_NE(walk_page_table(current->mm, a, &w), 0);  // a swap entry: not present
  fault_stats f0 = mm_fault_get_stats();
  EXPECT_EQ(*user_ptr(a), 0x33u);
  EXPECT_EQ(*user_ptr(a + PMD_SIZE - 8), 0x44u);
  EXPECT_EQ(mm_fault_get_stats().swap_in - f0.swap_in, 2u);
  EXPECT_EQ(swap_get_stats().slots_used - s0.slots_used, PTRS_PER_TABLE - 2);
  EXPECT_EQ(vm_munmap(a, PMD_SIZE), 0);  // frees the other slots
  EXPECT_EQ(swap_get_stats().slots_used, s0.slots_used);
}
