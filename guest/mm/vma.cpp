// The VMA list of an mm and the rmap lists VMAs sit on.
#include "guest/mm/vma.h"

#include "guest/fs/fs.h"
#include "guest/include/compiler.h"
#include "guest/include/errno.h"
#include "guest/kernel/panic.h"
#include "guest/mm/memory.h"
#include "guest/mm/mmap_internal.h"
#include "guest/mm/slab.h"

unsigned long vma_address(const vm_area_struct* vma, unsigned long pgoff) {
  if (pgoff < vma->vm_pgoff) return ~0ul;
  unsigned long addr = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
  return addr < vma->vm_end ? addr : ~0ul;
}

pgprot_t vm_get_page_prot(unsigned long vm_flags) {
  pteval_t prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
  // Shared writable mappings track dirtiness through write faults; private
  // anonymous memory is simply writable.
  if ((vm_flags & VM_WRITE) && !(vm_flags & VM_SHARED)) prot |= _PAGE_RW;
  return pgprot_t{prot};
}

vm_area_struct* find_vma(mm_struct* mm, unsigned long addr) {
  for (vm_area_struct* v = mm->mmap; v; v = v->vm_next)
    if (v->vm_end > addr) return v;
  return nullptr;
}

vm_area_struct* vma_lookup(mm_struct* mm, unsigned long addr) {
  vm_area_struct* v = find_vma(mm, addr);
  return v && v->vm_start <= addr ? v : nullptr;
}

anon_vma* anon_vma_alloc() { return static_cast<anon_vma*>(kzalloc(sizeof(anon_vma))); }

vm_area_struct* vm_area_alloc(mm_struct* mm, unsigned long start, unsigned long end,
                              unsigned long flags, unsigned long pgoff, file* f, anon_vma* anon) {
  auto* vma = static_cast<vm_area_struct*>(kzalloc(sizeof(vm_area_struct)));
  if (!vma) return nullptr;
  vma->vm_mm = mm;
  vma->vm_start = start;
  vma->vm_end = end;
  vma->vm_flags = flags;
  vma->vm_page_prot = vm_get_page_prot(flags);
  vma->vm_pgoff = pgoff;
  vma->vm_file = f;
  vma->anon = anon;
  if (f) get_file(f);
  if (anon) atomic_inc(&anon->refcount);
  return vma;
}

void vm_area_free(vm_area_struct* vma) {
  if (vma->vm_file) fput(vma->vm_file);
  if (vma->anon && atomic_dec_and_test(&vma->anon->refcount)) kfree(vma->anon);
  kfree(vma);
}

vm_area_struct** rmap_list_head(vm_area_struct* vma, spinlock_t** lock) {
  if (vma->vm_file) {
    address_space* mapping = vma->vm_file->f_mapping;
    *lock = &mapping->i_mmap_lock;
    return &mapping->i_mmap;
  }
  *lock = &vma->anon->lock;
  return &vma->anon->head;
}

namespace {

void rmap_insert(vm_area_struct* vma) {
  spinlock_t* lock;
  vm_area_struct** head = rmap_list_head(vma, &lock);
  spin_guard guard(lock);
  vma->rmap_next = *head;
  *head = vma;
}

void rmap_remove(vm_area_struct* vma) {
  spinlock_t* lock;
  vm_area_struct** link = rmap_list_head(vma, &lock);
  spin_guard guard(lock);
  while (*link && *link != vma) link = &(*link)->rmap_next;
  BUG_ON(!*link);
  *link = vma->rmap_next;
  vma->rmap_next = nullptr;
}

}  // namespace

void vma_link(mm_struct* mm, vm_area_struct* vma) {
  vm_area_struct** link = &mm->mmap;
  while (*link && (*link)->vm_start < vma->vm_start) link = &(*link)->vm_next;
  BUG_ON(*link && (*link)->vm_start < vma->vm_end);
  vma->vm_next = *link;
  *link = vma;
  rmap_insert(vma);
  // Page tables may now be built anywhere in the VMA: teardown must visit it.
  mm_note_user_range(mm, vma->vm_start, vma->vm_end - vma->vm_start);
}

void vma_unlink(mm_struct* mm, vm_area_struct* vma) {
  vm_area_struct** link = &mm->mmap;
  while (*link && *link != vma) link = &(*link)->vm_next;
  BUG_ON(!*link);
  *link = vma->vm_next;
  vma->vm_next = nullptr;
  rmap_remove(vma);
}

vm_area_struct* split_vma(mm_struct* mm, vm_area_struct* vma, unsigned long addr) {
  BUG_ON(addr <= vma->vm_start || addr >= vma->vm_end || (addr & ~PAGE_MASK));
  unsigned long pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
  vm_area_struct* upper =
      vm_area_alloc(mm, addr, vma->vm_end, vma->vm_flags, pgoff, vma->vm_file, vma->anon);
  if (!upper) return nullptr;
  // Shrink first so the two never overlap in the list.
  vma->vm_end = addr;
  vma_link(mm, upper);
  return upper;
}

unsigned long get_unmapped_area(mm_struct* mm, unsigned long len, unsigned long align) {
  if (!mm->mmap_base) mm->mmap_base = MMAP_BASE;
  unsigned long addr = round_up(mm->mmap_base, align);
  for (vm_area_struct* v = mm->mmap; v; v = v->vm_next) {
    if (v->vm_end <= addr) continue;
    if (addr + len <= v->vm_start) break;
    addr = round_up(v->vm_end, align);
  }
  if (addr + len > TASK_SIZE || addr + len < addr) return static_cast<unsigned long>(-ENOMEM);
  return addr;
}

void kfree_anon_vma(anon_vma* av) { kfree(av); }

void mm_note_vma_growth(mm_struct* mm, vm_area_struct* vma) {
  mm_note_user_range(mm, vma->vm_start, vma->vm_end - vma->vm_start);
}
