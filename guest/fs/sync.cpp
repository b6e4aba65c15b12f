// fsync(), ftruncate() and posix_fadvise() on a file.
#include "guest/drivers/blkdev.h"
#include "guest/fs/fs.h"
#include "guest/include/compiler.h"
#include "guest/include/errno.h"
#include "guest/kernel/report.h"
#include "guest/mm/page_writeback.h"
#include "guest/mm/truncate.h"

int vfs_fsync(file* f) {
  if (int err = filemap_fdatawrite_range(f->f_mapping, 0, ~0ul)) return err;
  return blkdev_flush(abi::BLK_DEV_DISK);
}

int do_truncate(file* f, u64 length) {
  inode* ino = f->f_inode;
  if (length > ino->max_size) return -EFBIG;
  u64 old;
  {
    spin_guard guard(&ino->i_lock);
    old = i_size_read(ino);
    i_size_write(ino, length);
  }
  if (length >= old) return 0;
  mark("truncate", length);
  // Unmap, drop, and unmap again (Linux's truncate_pagecache()): a fault
  // that raced with the first pass may have mapped a page being dropped.
  u64 holebegin = round_up(length, PAGE_SIZE);
  unmap_mapping_range(f->f_mapping, holebegin, 0);
  truncate_inode_pages(f->f_mapping, length);
  unmap_mapping_range(f->f_mapping, holebegin, 0);
  return 0;
}

int vfs_fadvise(file* f, u64 offset, u64 len, int advice) {
  if (advice == POSIX_FADV_NORMAL) return 0;
  if (advice != POSIX_FADV_DONTNEED) return -EINVAL;
  unsigned long first = offset >> PAGE_SHIFT;
  unsigned long last = len ? (offset + len - 1) >> PAGE_SHIFT : ~0ul;
  mark("fadvise.dontneed", offset);
  // Linux's generic_fadvise(): start writeback of the dirty pages, then drop
  // what is clean and unmapped. A page cleaned here is dropped here only if
  // no PTE maps it.
  int err = filemap_fdatawrite_range(f->f_mapping, first, last);
  invalidate_mapping_pages(f->f_mapping, first, last);
  mark("fadvise.dontneed.done", offset);
  return err;
}
