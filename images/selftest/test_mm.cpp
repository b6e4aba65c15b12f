// Self-tests of user address spaces: the shared kernel half and kthread_use_mm().
#include "guest/arch/x86/extable.h"
#include "guest/arch/x86/mmu_context.h"
#include "guest/include/errno.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "guest/mm/memory.h"
#include "guest/mm/mm.h"
#include "guest/mm/page_alloc.h"

namespace {

constexpr unsigned long USER_VA = 0x10000000;

// A user mm with one page mapped at USER_VA.
struct user_page {
  mm_struct* mm = nullptr;
  page* frame = nullptr;
  bool ok() const { return mm && frame; }
  u64* direct() const { return static_cast<u64*>(page_address(frame)); }
};

user_page make_user_page(pgprot_t prot) {
  user_page u{mm_alloc(), alloc_page(__GFP_ZERO)};
  if (u.ok() && map_page(u.mm, USER_VA, page_to_phys(u.frame), prot) != 0) u.frame = nullptr;
  return u;
}

void free_user_page(user_page& u) {
  unmap_page(u.mm, USER_VA);
  mmput(u.mm);
  __free_page(u.frame);
}

struct use_mm_result {
  user_page* u;
  u64 read;
  bool loaded;
  long fault_after_unuse;
};

int use_mm_thread(void* arg) {
  auto* r = static_cast<use_mm_result*>(arg);
  kthread_use_mm(r->u->mm);
  r->loaded = loaded_mm() == r->u->mm;
  auto* p = reinterpret_cast<volatile u64*>(USER_VA);
  r->read = p[0];
  p[1] = 0xbeef;
  kthread_unuse_mm(r->u->mm);
  u64 dummy;
  r->fault_after_unuse = read_u64_nofault(p, &dummy);
  return 0;
}

}  // namespace

TEST(mm, user_mm_shares_kernel_half) {
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  const unsigned long kernel_vas[] = {PAGE_OFFSET, START_KERNEL_MAP};
  for (unsigned long va : kernel_vas) {
    EXPECT_TRUE(pgd_present(pgdp_get(pgd_offset(mm, va))));
    EXPECT_EQ(pgd_val(pgdp_get(pgd_offset(mm, va))), pgd_val(pgdp_get(pgd_offset_k(va))));
  }
  EXPECT_TRUE(pgd_none(pgdp_get(pgd_offset(mm, 0))));
  pt_walk a, b;
  ASSERT_EQ(walk_page_table(mm, PAGE_OFFSET + 0x345678, &a), 0);
  ASSERT_EQ(walk_page_table(&init_mm, PAGE_OFFSET + 0x345678, &b), 0);
  EXPECT_EQ(a.pa, b.pa);
  mmput(mm);
}

TEST(mm, kthread_use_mm_reaches_user_mapping) {
  user_page u = make_user_page(PAGE_SHARED);
  ASSERT_TRUE(u.ok());
  u.direct()[0] = 0xfeed;
  use_mm_result r{&u, 0, false, 0};
  // On the last vCPU: another CPU than the one that built the tables.
  task_struct* t = kthread_run_on_cpu(use_mm_thread, &r, nr_cpu_ids - 1, "use_mm");
  ASSERT_TRUE(t != nullptr);
  EXPECT_EQ(kthread_join(t), 0);
  EXPECT_TRUE(r.loaded);
  EXPECT_EQ(r.read, 0xfeedu);
  EXPECT_EQ(u.direct()[1], 0xbeefu);  // the write landed in the frame
  EXPECT_EQ(r.fault_after_unuse, -EFAULT);  // init_mm has no lower half
  pt_walk w;
  ASSERT_EQ(walk_page_table(u.mm, USER_VA, &w), 0);
  EXPECT_TRUE(w.entry & _PAGE_DIRTY);  // the write set D in the PTE (SDM 4.8)
  EXPECT_EQ(cpumask_weight(mm_cpumask(u.mm)), 0u);
  free_user_page(u);
}

TEST(mm, unmapped_user_page_faults) {
  user_page u = make_user_page(PAGE_SHARED);
  ASSERT_TRUE(u.ok());
  kthread_use_mm(u.mm);
  u64 v = 1;
  EXPECT_EQ(read_u64_nofault(reinterpret_cast<void*>(USER_VA), &v), 0);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(unmap_page(u.mm, USER_VA), 0);
  EXPECT_EQ(read_u64_nofault(reinterpret_cast<void*>(USER_VA), &v), -EFAULT);
  fault_info fi = last_fault_info();
  EXPECT_EQ(fi.vector, 14u);
  EXPECT_EQ(fi.cr2, USER_VA);
  EXPECT_EQ(fi.error_code, 0u);  // not present, read, supervisor
  kthread_unuse_mm(u.mm);
  mmput(u.mm);
  __free_page(u.frame);
}

TEST(mm, write_to_readonly_user_page_faults) {
  user_page u = make_user_page(PAGE_READONLY);
  ASSERT_TRUE(u.ok());
  kthread_use_mm(u.mm);
  u64 v;
  EXPECT_EQ(read_u64_nofault(reinterpret_cast<void*>(USER_VA), &v), 0);
  EXPECT_EQ(write_u64_nofault(reinterpret_cast<void*>(USER_VA + 8), 7), -EFAULT);
  fault_info fi = last_fault_info();
  EXPECT_EQ(fi.vector, 14u);
  EXPECT_EQ(fi.cr2, USER_VA + 8);
  EXPECT_EQ(fi.error_code, 3u);  // present, write (CR0.WP applies in ring 0)
  kthread_unuse_mm(u.mm);
  EXPECT_EQ(u.direct()[1], 0u);
  free_user_page(u);
}

TEST(mm, reload_cr3_keeps_the_mm_loaded) {
  user_page u = make_user_page(PAGE_SHARED);
  ASSERT_TRUE(u.ok());
  u.direct()[0] = 0xc3;
  kthread_use_mm(u.mm);
  reload_cr3();  // the same root again: only the TLB is affected
  EXPECT_TRUE(loaded_mm() == u.mm);
  EXPECT_TRUE(cpumask_test_cpu(smp_processor_id(), mm_cpumask(u.mm)));
  u64 v = 0;
  EXPECT_EQ(read_u64_nofault(reinterpret_cast<void*>(USER_VA), &v), 0);
  EXPECT_EQ(v, 0xc3u);
  kthread_unuse_mm(u.mm);
  free_user_page(u);
}
