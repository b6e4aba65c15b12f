// mm_struct life cycle (Linux's mm_alloc()/mmput() in kernel/fork.c) and init_mm.
#include "guest/mm/mm.h"

#include "guest/kernel/panic.h"
#include "guest/mm/memory.h"
#include "guest/mm/mmap.h"
#include "guest/mm/slab.h"

constinit mm_struct init_mm{};

mm_struct* mm_alloc() {
  auto* mm = static_cast<mm_struct*>(kzalloc(sizeof(mm_struct)));
  if (!mm) return nullptr;
  mm->pgd = pgd_alloc(mm);
  if (!mm->pgd) {
    kfree(mm);
    return nullptr;
  }
  atomic_set(&mm->mm_users, 1);
  return mm;
}

void mmput(mm_struct* mm) {
  BUG_ON(mm == &init_mm);
  if (!atomic_dec_and_test(&mm->mm_users)) return;
  exit_mmap(mm);
  free_user_page_tables(mm);
  pgd_free(mm, mm->pgd);
  kfree(mm);
}
