// Self-tests of the #PF path: the spurious-fault check and a permission increase without a flush.
#include "guest/arch/x86/extable.h"
#include "guest/arch/x86/fault.h"
#include "guest/include/errno.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "guest/mm/memory.h"
#include "guest/mm/mm.h"
#include "guest/mm/page_alloc.h"

namespace {

constexpr unsigned long USER_VA = 0x30000000;
constexpr u64 WRITE_PROT = X86_PF_PROT | X86_PF_WRITE;

pte_t* user_ptep(mm_struct* mm, unsigned long va) {
  pt_walk w;
  if (walk_page_table(mm, va, &w)) return nullptr;
  return static_cast<pte_t*>(const_cast<void*>(w.entryp));
}

struct upgrade_result {
  mm_struct* mm;
  long read_err, write_err;
  u64 guest_faults, spurious;
};

// Reads (caching the entry read-only), makes the PTE writable with no flush,
// writes: at most the one spurious fault a stale read-only entry gives.
int upgrade_thread(void* arg) {
  auto* r = static_cast<upgrade_result*>(arg);
  kthread_use_mm(r->mm);
  u64 v;
  r->read_err = read_u64_nofault(reinterpret_cast<void*>(USER_VA), &v);
  pte_t* ptep = user_ptep(r->mm, USER_VA);
  set_pte(ptep, pte_mkwrite(ptep_get(ptep)));
  pf_stats before = page_fault_stats(smp_processor_id());
  r->write_err = write_u64_nofault(reinterpret_cast<void*>(USER_VA), 0x600d);
  pf_stats after = page_fault_stats(smp_processor_id());
  r->guest_faults = after.guest_faults - before.guest_faults;
  r->spurious = after.spurious - before.spurious;
  kthread_unuse_mm(r->mm);
  return 0;
}

}  // namespace

TEST(fault, spurious_check_follows_the_current_tables) {
  mm_struct* mm = mm_alloc();
  ASSERT_TRUE(mm != nullptr);
  ASSERT_EQ(map_page(mm, USER_VA, phys_addr_t(0x300000), PAGE_READONLY), 0);
  EXPECT_TRUE(fault_is_spurious(mm, USER_VA + 8, X86_PF_PROT));  // a read is allowed
  EXPECT_FALSE(fault_is_spurious(mm, USER_VA + 8, WRITE_PROT));
  pte_t* ptep = user_ptep(mm, USER_VA);
  ASSERT_TRUE(ptep != nullptr);
  set_pte(ptep, pte_mkwrite(ptep_get(ptep)));
  EXPECT_TRUE(fault_is_spurious(mm, USER_VA + 8, WRITE_PROT));
  EXPECT_FALSE(fault_is_spurious(mm, USER_VA + 8, WRITE_PROT | X86_PF_RSVD));
  EXPECT_FALSE(fault_is_spurious(mm, USER_VA + PAGE_SIZE, 0));  // not mapped
  EXPECT_TRUE(fault_is_spurious(mm, PAGE_OFFSET + 0x1000, WRITE_PROT));  // init_mm's direct map
  mmput(mm);
}

TEST(fault, permission_increase_without_flush_is_retried) {
  mm_struct* mm = mm_alloc();
  page* frame = alloc_page(__GFP_ZERO);
  ASSERT_TRUE(mm != nullptr && frame != nullptr);
  ASSERT_EQ(map_page(mm, USER_VA, page_to_phys(frame), PAGE_READONLY), 0);
  upgrade_result r{mm, -1, -1, 0, 0};
  task_struct* t = kthread_run_on_cpu(upgrade_thread, &r, nr_cpu_ids - 1, "upgrade");
  ASSERT_TRUE(t != nullptr);
  EXPECT_EQ(kthread_join(t), 0);
  EXPECT_EQ(r.read_err, 0);
  EXPECT_EQ(r.write_err, 0);
  // One spurious fault with a TLB model that kept the read-only entry, none
  // where the change reached the TLB at once (coherent, pass-through).
  EXPECT_LE(r.guest_faults, 1u);
  EXPECT_EQ(r.spurious, r.guest_faults);
  EXPECT_EQ(static_cast<u64*>(page_address(frame))[0], 0x600du);
  mmput(mm);
  __free_page(frame);
}
