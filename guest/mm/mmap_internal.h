// Helpers shared by the mapping calls (mmap.cpp, mremap.cpp, madvise.cpp).
#pragma once

struct anon_vma;
struct mm_struct;

// Splits VMAs so that none crosses start or end. 0 or -ENOMEM.
int split_vmas_at(mm_struct* mm, unsigned long start, unsigned long end);
// Frees an anon_vma no VMA uses yet.
void kfree_anon_vma(anon_vma* av);
// After vma->vm_end grew: tables may now exist up to the new end.
void mm_note_vma_growth(mm_struct* mm, struct vm_area_struct* vma);
