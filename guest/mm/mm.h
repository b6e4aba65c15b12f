// User address spaces: creating, referencing and destroying an mm_struct.
#pragma once

#include "guest/mm/mm_types.h"

// A new mm with an empty lower half and init_mm's upper half (the same pgd
// entries, so kernel mappings below them are shared, not copied). One
// reference, owned by the caller. Null when out of memory.
mm_struct* mm_alloc();
inline void mmget(mm_struct* mm) { atomic_inc(&mm->mm_users); }
// Drops a reference; the last one frees the user page tables, the pgd and
// the mm. Frames mapped in it are not freed (their owner does).
void mmput(mm_struct* mm);
