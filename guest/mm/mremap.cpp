// mremap(): checks, then move_vma(): a new VMA, move_page_tables(), unmap the old range.
#include "guest/mm/mremap.h"

#include "guest/include/compiler.h"
#include "guest/include/errno.h"
#include "guest/kernel/report.h"
#include "guest/kernel/sched.h"
#include "guest/mm/mmap.h"
#include "guest/mm/mmap_internal.h"
#include "guest/mm/vma.h"

namespace {

unsigned long err_value(int err) { return static_cast<unsigned long>(static_cast<long>(err)); }

// vma covers exactly [old_addr, old_addr + old_len) (the caller split it).
// Linux's copy_vma() links the new VMA into the rmap before any entry moves,
// so page_mkclean() finds each page wherever its PTE is during the move.
unsigned long move_vma(mm_struct* mm, vm_area_struct* vma, unsigned long old_len, unsigned long new_len,
                       unsigned long new_addr) {
  const unsigned long old_addr = vma->vm_start;
  vm_area_struct* new_vma = vm_area_alloc(mm, new_addr, new_addr + new_len, vma->vm_flags, vma->vm_pgoff,
                                          vma->vm_file, vma->anon);
  if (!new_vma) return err_value(-ENOMEM);
  vma_link(mm, new_vma);
  unsigned long moved = move_page_tables(vma, old_addr, new_vma, new_addr, old_len);
  if (moved < old_len) {
    // Out of memory for a table: put back what moved, as Linux does.
    move_page_tables(new_vma, new_addr, vma, old_addr, moved);
    do_munmap(mm, new_addr, new_len);
    return err_value(-ENOMEM);
  }
  do_munmap(mm, old_addr, old_len);  // its entries are gone: this just drops the VMA
  return new_addr;
}

bool overlaps(unsigned long a, unsigned long alen, unsigned long b, unsigned long blen) {
  return a < b + blen && b < a + alen;
}

// Grows vma in place if nothing is mapped right after it.
bool expand_in_place(mm_struct* mm, vm_area_struct* vma, unsigned long new_end) {
  vm_area_struct* next = vma->vm_next;
  if (new_end > TASK_SIZE || (next && next->vm_start < new_end)) return false;
  vma->vm_end = new_end;
  mm_note_vma_growth(mm, vma);
  return true;
}

unsigned long mremap_locked(mm_struct* mm, unsigned long addr, unsigned long old_len, unsigned long new_len,
                            unsigned long flags, unsigned long new_addr) {
  vm_area_struct* vma = vma_lookup(mm, addr);
  if (!vma || addr + old_len > vma->vm_end) return err_value(-EFAULT);
  if (flags & MREMAP_FIXED) {
    if ((new_addr & ~PAGE_MASK) || new_addr + new_len > TASK_SIZE || overlaps(addr, old_len, new_addr, new_len))
      return err_value(-EINVAL);
    if (int err = do_munmap(mm, new_addr, new_len)) return err_value(err);
  }
  if (old_len > new_len) {  // shrink first: only new_len bytes move
    if (int err = do_munmap(mm, addr + new_len, old_len - new_len)) return err_value(err);
    old_len = new_len;
    if (!(flags & MREMAP_FIXED)) return addr;
  }
  if (!(flags & MREMAP_FIXED)) {
    if (old_len == new_len) return addr;
    if (addr + old_len == vma->vm_end && expand_in_place(mm, vma, addr + new_len)) return addr;
    if (!(flags & MREMAP_MAYMOVE)) return err_value(-ENOMEM);
    new_addr = get_unmapped_area(mm, new_len, vma_is_anonymous(vma) && new_len >= PMD_SIZE ? PMD_SIZE : PAGE_SIZE);
    if (IS_ERR_VALUE(new_addr)) return new_addr;
  }
  if (int err = split_vmas_at(mm, addr, addr + old_len)) return err_value(err);
  return move_vma(mm, vma_lookup(mm, addr), old_len, new_len, new_addr);
}

}  // namespace

unsigned long sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len,
                         unsigned long flags, unsigned long new_addr) {
  mm_struct* mm = current->mm;
  old_len = round_up(old_len, PAGE_SIZE);
  new_len = round_up(new_len, PAGE_SIZE);
  if (!mm || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || (addr & ~PAGE_MASK) || !new_len || !old_len)
    return err_value(-EINVAL);
  if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return err_value(-EINVAL);
  spin_guard guard(&mm->mmap_lock);
  mark("mremap", addr);
  unsigned long r = mremap_locked(mm, addr, old_len, new_len, flags, new_addr);
  mark("mremap.done", r);
  return r;
}
