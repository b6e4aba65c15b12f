// Self-tests of VMAs, anonymous memory, faults and fault signals (guest/mm/mmap.h).
#include "guest/arch/x86/uaccess.h"
#include "guest/include/compiler.h"
#include "guest/include/errno.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/signal.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "guest/mm/handle_mm_fault.h"
#include "guest/mm/mmap.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/vma.h"
#include "images/selftest/user_mm.h"

namespace {

unsigned long mmap_anon(unsigned long len) {
  return vm_mmap(nullptr, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
}

unsigned vma_count(mm_struct* mm) {
  unsigned n = 0;
  for (vm_area_struct* v = mm->mmap; v; v = v->vm_next) n++;
  return n;
}

}  // namespace

TEST(vma, mmap_places_and_munmap_removes) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = mmap_anon(3 * PAGE_SIZE);
  ASSERT_FALSE(IS_ERR_VALUE(a));
  EXPECT_GE(a, MMAP_BASE);
  unsigned long b = mmap_anon(PAGE_SIZE);
  EXPECT_EQ(b, a + 3 * PAGE_SIZE);
  EXPECT_EQ(vma_count(scope.mm()), 2u);
  // Unmapping the middle page splits the first VMA in two.
  EXPECT_EQ(vm_munmap(a + PAGE_SIZE, PAGE_SIZE), 0);
  EXPECT_EQ(vma_count(scope.mm()), 3u);
  EXPECT_TRUE(vma_lookup(scope.mm(), a + PAGE_SIZE) == nullptr);
  EXPECT_TRUE(vma_lookup(scope.mm(), a + 2 * PAGE_SIZE) != nullptr);
  EXPECT_EQ(vm_munmap(a, 4 * PAGE_SIZE), 0);
  EXPECT_EQ(vma_count(scope.mm()), 0u);
}

TEST(vma, bad_arguments_are_rejected) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  EXPECT_EQ(static_cast<long>(mmap_anon(0)), -EINVAL);
  EXPECT_EQ(static_cast<long>(vm_mmap(nullptr, 0, PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, 0)), -EINVAL);
  EXPECT_EQ(static_cast<long>(vm_mmap(nullptr, 0x1001, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0)),
            -EINVAL);
  EXPECT_EQ(vm_munmap(0x1001, PAGE_SIZE), -EINVAL);
  EXPECT_EQ(static_cast<long>(sys_mremap(0x1000, PAGE_SIZE, PAGE_SIZE, MREMAP_FIXED, 0x2000)), -EINVAL);
  EXPECT_EQ(static_cast<long>(sys_mremap(MMAP_BASE, PAGE_SIZE, PAGE_SIZE, 0, 0)), -EFAULT);
  EXPECT_EQ(do_madvise(MMAP_BASE, PAGE_SIZE, MADV_PAGEOUT), -ENOMEM);
  EXPECT_EQ(do_madvise(MMAP_BASE, PAGE_SIZE, 99), -EINVAL);
}

TEST(vma, anonymous_pages_fault_in_zeroed) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = mmap_anon(2 * PAGE_SIZE);
  ASSERT_FALSE(IS_ERR_VALUE(a));
  fault_stats before = mm_fault_get_stats();
  u64 signals = task_signal_count();
  u64 v = 1;
  EXPECT_EQ(get_user_u64(&v, a + 8), 0);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(put_user_u64(0xa11ce, a + PAGE_SIZE), 0);
  EXPECT_EQ(*user_ptr(a + PAGE_SIZE), 0xa11ceu);
  EXPECT_EQ(mm_fault_get_stats().anon - before.anon, 2u);
  EXPECT_EQ(task_signal_count(), signals);
}

TEST(vma, access_outside_any_vma_gets_sigsegv) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = mmap_anon(PAGE_SIZE);
  ASSERT_FALSE(IS_ERR_VALUE(a));
  ASSERT_EQ(vm_munmap(a, PAGE_SIZE), 0);
  u64 before = task_signal_count();
  EXPECT_EQ(put_user_u64(1, a), -EFAULT);
  kernel_siginfo si = take_pending_signal();
  EXPECT_EQ(si.si_signo, SIGSEGV);
  EXPECT_EQ(si.si_code, SEGV_MAPERR);
  EXPECT_EQ(si.si_addr, a);
  EXPECT_EQ(task_signal_count() - before, 1u);
}

TEST(vma, write_to_read_only_mapping_gets_sigsegv) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = vm_mmap(nullptr, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 0);
  ASSERT_FALSE(IS_ERR_VALUE(a));
  u64 v;
  EXPECT_EQ(get_user_u64(&v, a), 0);
  EXPECT_EQ(put_user_u64(1, a), -EFAULT);
  kernel_siginfo si = take_pending_signal();
  EXPECT_EQ(si.si_signo, SIGSEGV);
  EXPECT_EQ(si.si_code, SEGV_ACCERR);
}

TEST(vma, munmap_frees_anonymous_pages) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  unsigned long a = mmap_anon(4 * PAGE_SIZE);
  ASSERT_FALSE(IS_ERR_VALUE(a));
  for (unsigned i = 0; i < 4; i++) EXPECT_EQ(put_user_u64(i, a + i * PAGE_SIZE), 0);
  u64 freed = page_alloc_get_stats().freed_hints;
  EXPECT_EQ(vm_munmap(a, 4 * PAGE_SIZE), 0);
  EXPECT_EQ(page_alloc_get_stats().freed_hints - freed, 4u);
}

namespace {

struct writer {
  mm_struct* mm;
  unsigned long addr;
  u64 value;
  long result;
};

int write_from_thread(void* arg) {
  auto* w = static_cast<writer*>(arg);
  kthread_use_mm(w->mm);
  // Each writer faults its own page in, several per CPU, interleaved by the
  // cooperative scheduler at every contended lock.
  w->result = put_user_u64(w->value, w->addr);
  kthread_unuse_mm(w->mm);
  return 0;
}

}  // namespace

TEST(vma, threads_on_every_cpu_fault_one_mm) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  // Two threads per CPU, at most 16 in all.
  constexpr unsigned MAX_WRITERS = 16;
  const unsigned n = min_t(nr_cpu_ids * 2, MAX_WRITERS);
  unsigned long a = mmap_anon(n * PAGE_SIZE);
  ASSERT_FALSE(IS_ERR_VALUE(a));
  writer w[MAX_WRITERS];
  task_struct* t[MAX_WRITERS];
  for (unsigned i = 0; i < n; i++) {
    w[i] = {scope.mm(), a + i * PAGE_SIZE, 0x7000 + i, 1};
    t[i] = kthread_run_on_cpu(write_from_thread, &w[i], i % nr_cpu_ids, "writer");
    ASSERT_TRUE(t[i] != nullptr);
  }
  for (unsigned i = 0; i < n; i++) kthread_join(t[i]);
  for (unsigned i = 0; i < n; i++) {
    EXPECT_EQ(w[i].result, 0);
    EXPECT_EQ(*user_ptr(a + i * PAGE_SIZE), 0x7000u + i);
  }
}
