// mmap() and munmap() of the current task's mm, and the teardown of an mm's VMAs.
#include "guest/mm/mmap.h"

#include "guest/fs/fs.h"
#include "guest/include/compiler.h"
#include "guest/include/errno.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/report.h"
#include "guest/kernel/sched.h"
#include "guest/mm/mmap_internal.h"
#include "guest/mm/mmu_gather.h"
#include "guest/mm/vma.h"
#include "guest/mm/zap.h"

namespace {

unsigned long err_value(int err) { return static_cast<unsigned long>(static_cast<long>(err)); }

bool range_ok(unsigned long start, unsigned long len) {
  return !(start & ~PAGE_MASK) && len && start + len <= TASK_SIZE && start + len > start;
}

// The vm_flags for prot and flags, or 0 if the combination is not supported.
unsigned long mmap_vm_flags(file* f, unsigned long prot, unsigned long flags) {
  if (prot & ~(PROT_READ | PROT_WRITE)) return 0;
  unsigned long vm = (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0);
  unsigned long kind = flags & (MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS);
  if (f && kind == MAP_SHARED) return vm | VM_SHARED | VM_MAYWRITE;
  if (!f && kind == (MAP_PRIVATE | MAP_ANONYMOUS)) return vm ? vm : VM_READ;  // PROT_NONE: not modelled
  return 0;
}

}  // namespace

unsigned long vm_mmap(file* f, unsigned long addr, unsigned long len, unsigned long prot,
                      unsigned long flags, u64 offset) {
  mm_struct* mm = current->mm;
  len = round_up(len, PAGE_SIZE);
  unsigned long vm_flags = mmap_vm_flags(f, prot, flags);
  if (!mm || !len || (offset & ~PAGE_MASK) || !vm_flags) return err_value(-EINVAL);
  spin_guard guard(&mm->mmap_lock);
  if (flags & MAP_FIXED) {
    if (!range_ok(addr, len)) return err_value(-EINVAL);
    if (int err = do_munmap(mm, addr, len)) return err_value(err);
  } else {
    // Anonymous regions of 2 MiB or more start on a 2 MiB boundary so they
    // can hold huge pages (Linux's thp_get_unmapped_area()).
    addr = get_unmapped_area(mm, len, !f && len >= PMD_SIZE ? PMD_SIZE : PAGE_SIZE);
    if (IS_ERR_VALUE(addr)) return addr;
  }
  anon_vma* av = nullptr;
  if (!f && !(av = anon_vma_alloc())) return err_value(-ENOMEM);
  unsigned long pgoff = f ? offset >> PAGE_SHIFT : addr >> PAGE_SHIFT;
  vm_area_struct* vma = vm_area_alloc(mm, addr, addr + len, vm_flags, pgoff, f, av);
  if (!vma) {
    if (av) kfree_anon_vma(av);
    return err_value(-ENOMEM);
  }
  vma_link(mm, vma);
  mark("mmap", addr);
  return addr;
}

int split_vmas_at(mm_struct* mm, unsigned long start, unsigned long end) {
  vm_area_struct* vma = find_vma(mm, start);
  if (vma && vma->vm_start < start && !split_vma(mm, vma, start)) return -ENOMEM;
  vma = find_vma(mm, end - 1);
  if (vma && vma->vm_start < end && vma->vm_end > end && !split_vma(mm, vma, end)) return -ENOMEM;
  return 0;
}

int do_munmap(mm_struct* mm, unsigned long start, unsigned long len) {
  len = round_up(len, PAGE_SIZE);
  if (!range_ok(start, len)) return -EINVAL;
  const unsigned long end = start + len;
  if (int err = split_vmas_at(mm, start, end)) return err;
  // Zap everything first with one flush, then unlink: the rmap must still
  // find these VMAs while their PTEs exist.
  mmu_gather tlb;
  tlb_gather_mmu(&tlb, mm);
  for (vm_area_struct* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next)
    unmap_page_range(&tlb, v, v->vm_start, v->vm_end);
  tlb_finish_mmu(&tlb);
  for (vm_area_struct* v = find_vma(mm, start); v && v->vm_start < end; v = find_vma(mm, start)) {
    vma_unlink(mm, v);
    vm_area_free(v);
  }
  return 0;
}

int vm_munmap(unsigned long start, unsigned long len) {
  mm_struct* mm = current->mm;
  if (!mm) return -EINVAL;
  spin_guard guard(&mm->mmap_lock);
  mark("munmap", start);
  return do_munmap(mm, start, len);
}

void exit_mmap(mm_struct* mm) {
  spin_guard guard(&mm->mmap_lock);
  while (vm_area_struct* v = mm->mmap) {
    zap_page_range(v, v->vm_start, v->vm_end);
    vma_unlink(mm, v);
    vm_area_free(v);
  }
}
