// madvise(): MADV_HUGEPAGE and MADV_PAGEOUT on the current task's mm.
#include "guest/include/compiler.h"
#include "guest/include/errno.h"
#include "guest/kernel/report.h"
#include "guest/kernel/sched.h"
#include "guest/mm/mmap.h"
#include "guest/mm/mmap_internal.h"
#include "guest/mm/vma.h"
#include "guest/mm/vmscan.h"

namespace {

bool range_mapped(mm_struct* mm, unsigned long start, unsigned long end) {
  for (unsigned long a = start; a < end;) {
    vm_area_struct* v = vma_lookup(mm, a);
    if (!v) return false;
    a = v->vm_end;
  }
  return true;
}

}  // namespace

int do_madvise(unsigned long start, unsigned long len, int advice) {
  mm_struct* mm = current->mm;
  len = round_up(len, PAGE_SIZE);
  if (!mm || (start & ~PAGE_MASK) || !len || start + len > TASK_SIZE) return -EINVAL;
  if (advice != MADV_HUGEPAGE && advice != MADV_PAGEOUT) return -EINVAL;
  const unsigned long end = start + len;
  spin_guard guard(&mm->mmap_lock);
  if (!range_mapped(mm, start, end)) return -ENOMEM;  // Linux's answer for a hole
  if (advice == MADV_HUGEPAGE) {
    if (int err = split_vmas_at(mm, start, end)) return err;
    for (vm_area_struct* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next)
      if (vma_is_anonymous(v)) v->vm_flags |= VM_HUGEPAGE;
    return 0;
  }
  mark("madvise.pageout", start);
  for (vm_area_struct* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next)
    if (vma_is_anonymous(v)) reclaim_anon_range(v, max_t(start, v->vm_start), min_t(end, v->vm_end));
  mark("madvise.pageout.done", start);
  return 0;
}
