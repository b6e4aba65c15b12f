// Helpers for the mm self-tests: a fresh user mm for the test body, and scratch files.
#pragma once

#include "guest/fs/fs.h"
#include "guest/kernel/kthread.h"
#include "guest/mm/mm.h"

// The calling task runs on a new, empty user mm for the scope's lifetime;
// the last reference (the scope's or a worker thread's) tears it down.
class user_mm_scope {
 public:
  user_mm_scope() : mm_(mm_alloc()) {
    if (mm_) kthread_use_mm(mm_);
  }
  ~user_mm_scope() {
    if (!mm_) return;
    kthread_unuse_mm(mm_);
    mmput(mm_);
  }
  user_mm_scope(const user_mm_scope&) = delete;
  user_mm_scope& operator=(const user_mm_scope&) = delete;
  bool ok() const { return mm_; }
  mm_struct* mm() const { return mm_; }

 private:
  mm_struct* mm_;
};

// An open file with an extent of max_size bytes on the disk (blkfs extents
// are never reused: tests keep their files small). Null if the disk is full.
inline file* scratch_file(const char* name, u64 max_size) {
  inode* ino = blkfs_create(name, max_size);
  return ino ? filp_open(ino) : nullptr;
}

inline volatile u64* user_ptr(unsigned long addr) { return reinterpret_cast<volatile u64*>(addr); }
