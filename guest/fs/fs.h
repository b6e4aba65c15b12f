// Files, inodes and the page cache's address_space (Linux's linux/fs.h, reduced).
//
// The file system is "blkfs": each file owns a fixed extent of the disk
// (HC_BLK_*, BLK_DEV_DISK), chosen when it is created, so page `index` of a
// file lives at disk block `disk_block + index` and a host test can find the
// bytes that reached the disk. There are no directories and no metadata on
// disk: i_size lives in memory only.
#pragma once

#include "guest/include/atomic.h"
#include "guest/include/types.h"
#include "guest/kernel/spinlock.h"

struct inode;
struct page;
struct vm_area_struct;

// The page cache of one file, and the list of its mappings (the rmap).
struct address_space {
  inode* host;
  spinlock_t i_pages_lock;     // Linux's xarray lock: i_pages and nrpages
  page** i_pages;              // one slot per page offset, nr_slots of them
  unsigned long nr_slots;      // the file's extent, in pages
  unsigned long nrpages;       // pages in the cache
  spinlock_t i_mmap_lock;      // Linux's i_mmap_rwsem: taken by rmap walks and VMA (un)linking
  vm_area_struct* i_mmap;      // VMAs mapping this file, linked through rmap_next
};

inline constexpr unsigned INODE_NAME_LEN = 24;

struct inode {
  char name[INODE_NAME_LEN];
  spinlock_t i_lock;           // i_size
  u64 i_size;                  // bytes; at most max_size
  u64 max_size;                // the extent's size in bytes
  u64 disk_block;              // first block of the extent on BLK_DEV_DISK
  address_space i_data;
};

struct file {
  inode* f_inode;
  address_space* f_mapping;
  atomic_t f_count;            // references: the opener, each VMA mapping it
};

inline u64 i_size_read(inode* i) { return __atomic_load_n(&i->i_size, __ATOMIC_ACQUIRE); }
inline void i_size_write(inode* i, u64 size) { __atomic_store_n(&i->i_size, size, __ATOMIC_RELEASE); }

// posix_fadvise() advice values (Linux's).
inline constexpr int POSIX_FADV_NORMAL = 0, POSIX_FADV_DONTNEED = 4;

// --- blkfs (guest/fs/blkfs.cpp) ---------------------------------------------
// Creates a file of size 0 whose extent holds max_size bytes (rounded up to
// pages). Null when the disk is full or absent, or out of memory.
inode* blkfs_create(const char* name, u64 max_size);
// Disk blocks not yet given to any file.
u64 blkfs_free_blocks();

// --- open files (guest/fs/file_table.cpp) -------------------------------------
file* filp_open(inode* inode);   // one reference
void get_file(file* f);
void fput(file* f);              // the last reference frees the file (the inode stays)

// --- the calls (guest/fs/read_write.cpp, sync.cpp, truncate, fadvise) ---------
// Return bytes done or a negated errno, as the syscalls do.
s64 kernel_pread(file* f, void* buf, u64 count, u64 pos);
s64 kernel_pwrite(file* f, const void* buf, u64 count, u64 pos);
// Writes every dirty page back and flushes the disk (Linux's vfs_fsync()).
int vfs_fsync(file* f);
// ftruncate(): shrinking unmaps and drops the pages past the new size.
int do_truncate(file* f, u64 length);
// posix_fadvise(): DONTNEED writes dirty pages back, then drops the clean,
// unmapped ones (Linux's generic_fadvise()); NORMAL does nothing.
int vfs_fadvise(file* f, u64 offset, u64 len, int advice);
