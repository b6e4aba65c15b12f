// Self-tests of mremap(): moved page tables, the flush orderings, and data across CPUs.
#include "guest/arch/x86/uaccess.h"
#include "guest/include/errno.h"
#include "guest/kernel/completion.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/report.h"
#include "guest/kernel/signal.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "guest/mm/memory.h"
#include "guest/mm/mmap.h"
#include "guest/mm/mremap.h"
#include "guest/mm/vma.h"
#include "images/selftest/user_mm.h"

namespace {

// Far from MMAP_BASE, 2 MiB aligned: where MREMAP_FIXED moves things.
constexpr unsigned long MOVE_TARGET = MMAP_BASE + (64ul << 30);

unsigned long mmap_anon_at(unsigned long addr, unsigned long len) {
  return vm_mmap(nullptr, addr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
}

}  // namespace

TEST(mremap, moves_anonymous_pages_and_old_range_faults) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = mmap_anon_at(MMAP_BASE, 3 * PAGE_SIZE);
  ASSERT_EQ(a, MMAP_BASE);
  for (unsigned i = 0; i < 3; i++) ASSERT_EQ(put_user_u64(0xabc0 + i, a + i * PAGE_SIZE), 0);
  mremap_stats before = mremap_get_stats();
  unsigned long b = sys_mremap(a, 3 * PAGE_SIZE, 3 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, MOVE_TARGET);
  ASSERT_EQ(b, MOVE_TARGET);
  EXPECT_EQ(mremap_get_stats().ptes_moved - before.ptes_moved, 3u);
  for (unsigned i = 0; i < 3; i++) EXPECT_EQ(*user_ptr(b + i * PAGE_SIZE), 0xabc0u + i);
  u64 v;
  EXPECT_EQ(get_user_u64(&v, a), -EFAULT);
  EXPECT_EQ(take_pending_signal().si_signo, SIGSEGV);
}

TEST(mremap, grows_in_place_or_moves) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = mmap_anon_at(MMAP_BASE, PAGE_SIZE);
  ASSERT_EQ(a, MMAP_BASE);
  ASSERT_EQ(put_user_u64(5, a), 0);
  EXPECT_EQ(sys_mremap(a, PAGE_SIZE, 2 * PAGE_SIZE, 0, 0), a);  // room after it
  ASSERT_EQ(mmap_anon_at(a + 2 * PAGE_SIZE, PAGE_SIZE), a + 2 * PAGE_SIZE);
  EXPECT_EQ(static_cast<long>(sys_mremap(a, 2 * PAGE_SIZE, 3 * PAGE_SIZE, 0, 0)), -ENOMEM);
  unsigned long b = sys_mremap(a, 2 * PAGE_SIZE, 3 * PAGE_SIZE, MREMAP_MAYMOVE, 0);
  ASSERT_FALSE(IS_ERR_VALUE(b));
  EXPECT_NE(b, a);
  EXPECT_EQ(*user_ptr(b), 5u);
  EXPECT_EQ(sys_mremap(b, 3 * PAGE_SIZE, PAGE_SIZE, 0, 0), b);  // shrinking stays
  EXPECT_TRUE(vma_lookup(current->mm, b + PAGE_SIZE) == nullptr);
}

// Three PTE tables move: the first holds a dirty entry, the other two clean
// ones. The orderings differ in how many flush_tlb_range() calls that takes
// (mremap.h): after-unlock 0 before + 1 after, dirty-before-unlock 1 + 1,
// always-before-unlock 3 + 0. The host test runs all three.
TEST(mremap, flush_count_follows_mremap_flush) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  const unsigned long len = 2 * PMD_SIZE + PAGE_SIZE;
  unsigned long a = mmap_anon_at(MMAP_BASE, len);
  ASSERT_EQ(a, MMAP_BASE);
  u64 v;
  ASSERT_EQ(put_user_u64(1, a), 0);               // dirty
  ASSERT_EQ(get_user_u64(&v, a + PMD_SIZE), 0);   // present, clean
  ASSERT_EQ(get_user_u64(&v, a + 2 * PMD_SIZE), 0);
  mremap_stats before = mremap_get_stats();
  mark("selftest.mremap.begin");
  ASSERT_EQ(sys_mremap(a, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, MOVE_TARGET), MOVE_TARGET);
  mark("selftest.mremap.end");
  mremap_stats after = mremap_get_stats();
  report_value("mremap.policy", static_cast<u64>(mremap_flush_mode()));
  report_value("mremap.flushes_before_unlock", after.flushes_before_unlock - before.flushes_before_unlock);
  report_value("mremap.flushes_after_unlock", after.flushes_after_unlock - before.flushes_after_unlock);
  report_value("mremap.ptes_moved", after.ptes_moved - before.ptes_moved);
  u64 expect_before = 0, expect_after = 0;
  switch (mremap_flush_mode()) {
    case mremap_flush_policy::after_unlock: expect_after = 1; break;
    case mremap_flush_policy::dirty_before_unlock: expect_before = expect_after = 1; break;
    case mremap_flush_policy::always_before_unlock: expect_before = 3; break;
  }
  EXPECT_EQ(after.flushes_before_unlock - before.flushes_before_unlock, expect_before);
  EXPECT_EQ(after.flushes_after_unlock - before.flushes_after_unlock, expect_after);
  EXPECT_EQ(after.ptes_moved - before.ptes_moved, 3u);
  EXPECT_EQ(*user_ptr(MOVE_TARGET), 1u);
}

namespace {

struct remote_writer {
  mm_struct* mm;
  unsigned long addr;
  completion written, moved;
  long result;
};

// Writes through the mapping on another CPU, then keeps the mm loaded there
// (its TLB entry for the old address lives on) until the move is done.
int write_then_wait(void* arg) {
  auto* w = static_cast<remote_writer*>(arg);
  kthread_use_mm(w->mm);
  w->result = put_user_u64(0x600d, w->addr);
  complete(&w->written);
  wait_for_completion(&w->moved);
  kthread_unuse_mm(w->mm);
  return 0;
}

}  // namespace

// Issue 4's acceptance case without a forced race: whatever the ordering,
// a write on vCPU 1 survives mremap on vCPU 0, fadvise(DONTNEED) and pread.
TEST(mremap, write_on_other_cpu_survives_mremap_and_fadvise) {
  if (nr_cpu_ids < 2) TEST_SKIP("needs 2 vCPUs");
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  file* f = scratch_file("mremap", PAGE_SIZE);
  ASSERT_TRUE(f != nullptr);
  ASSERT_EQ(do_truncate(f, PAGE_SIZE), 0);
  unsigned long x = vm_mmap(f, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
  ASSERT_FALSE(IS_ERR_VALUE(x));
  remote_writer w{scope.mm(), x, {}, {}, 1};
  init_completion(&w.written);
  init_completion(&w.moved);
  task_struct* t = kthread_run_on_cpu(write_then_wait, &w, 1, "writer");
  ASSERT_TRUE(t != nullptr);
  wait_for_completion(&w.written);
  unsigned long y = sys_mremap(x, PAGE_SIZE, PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, MOVE_TARGET);
  complete(&w.moved);
  kthread_join(t);
  EXPECT_EQ(w.result, 0);
  EXPECT_EQ(y, MOVE_TARGET);
  EXPECT_EQ(vfs_fadvise(f, 0, 0, POSIX_FADV_DONTNEED), 0);
  EXPECT_EQ(vm_munmap(y, PAGE_SIZE), 0);
  EXPECT_EQ(vfs_fadvise(f, 0, 0, POSIX_FADV_DONTNEED), 0);
  EXPECT_EQ(f->f_mapping->nrpages, 0u);
  u64 v = 0;
  EXPECT_EQ(kernel_pread(f, &v, sizeof(v), 0), 8);
  EXPECT_EQ(v, 0x600du);
  report_value("mremap.pread_after_move", v);
  fput(f);
}
