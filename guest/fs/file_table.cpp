// Open files: a reference-counted handle on an inode (Linux's fs/file_table.c).
#include "guest/fs/fs.h"
#include "guest/kernel/panic.h"
#include "guest/mm/slab.h"

file* filp_open(inode* ino) {
  auto* f = static_cast<file*>(kzalloc(sizeof(file)));
  if (!f) return nullptr;
  f->f_inode = ino;
  f->f_mapping = &ino->i_data;
  atomic_set(&f->f_count, 1);
  return f;
}

void get_file(file* f) { atomic_inc(&f->f_count); }

void fput(file* f) {
  int left = atomic_add_return(-1, &f->f_count);
  BUG_ON(left < 0);
  if (!left) kfree(f);
}
