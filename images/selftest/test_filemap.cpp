// Self-tests of the page cache, the disk, and shared file mappings (guest/fs/fs.h).
#include "guest/arch/x86/uaccess.h"
#include "guest/drivers/blkdev.h"
#include "guest/include/errno.h"
#include "guest/kernel/report.h"
#include "guest/kernel/signal.h"
#include "guest/kernel/test.h"
#include "guest/mm/filemap.h"
#include "guest/mm/handle_mm_fault.h"
#include "guest/mm/memory.h"
#include "guest/mm/mmap.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/page_writeback.h"
#include "images/selftest/user_mm.h"

namespace {

// The u64 at byte offset off of the file's extent, as the disk holds it.
u64 disk_u64(file* f, u64 off) {
  page* p = alloc_page(GFP_KERNEL);
  if (!p) return ~0ull;
  u64 v = ~0ull;
  if (!blkdev_read(abi::BLK_DEV_DISK, f->f_inode->disk_block + off / PAGE_SIZE, page_address(p), 1))
    v = static_cast<u64*>(page_address(p))[(off % PAGE_SIZE) / 8];
  __free_page(p);
  return v;
}

u64 pread_u64(file* f, u64 pos) {
  u64 v = ~0ull;
  return kernel_pread(f, &v, sizeof(v), pos) == sizeof(v) ? v : ~0ull;
}

s64 pwrite_u64(file* f, u64 v, u64 pos) { return kernel_pwrite(f, &v, sizeof(v), pos); }

unsigned long mmap_shared(file* f, unsigned long len) {
  return vm_mmap(f, 0, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
}

bool pte_writable(unsigned long addr) {
  pt_walk w;
  return !walk_page_table(current->mm, addr, &w) && (w.entry & _PAGE_RW);
}

}  // namespace

TEST(filemap, pwrite_then_pread) {
  file* f = scratch_file("rw", 4 * PAGE_SIZE);
  ASSERT_TRUE(f != nullptr);
  EXPECT_EQ(pread_u64(f, 0), ~0ull);  // empty file: nothing to read
  EXPECT_EQ(pwrite_u64(f, 0x1234, PAGE_SIZE + 8), 8);
  EXPECT_EQ(i_size_read(f->f_inode), PAGE_SIZE + 16);
  EXPECT_EQ(pread_u64(f, PAGE_SIZE + 8), 0x1234u);
  EXPECT_EQ(kernel_pwrite(f, "x", 1, 4 * PAGE_SIZE), -EFBIG);
  fput(f);
}

TEST(filemap, fsync_reaches_the_disk) {
  file* f = scratch_file("fsync", 2 * PAGE_SIZE);
  ASSERT_TRUE(f != nullptr);
  constexpr u64 PATTERN = 0xf5a1c0de5eed0001ull;
  EXPECT_EQ(pwrite_u64(f, PATTERN, PAGE_SIZE), 8);
  EXPECT_EQ(disk_u64(f, PAGE_SIZE), 0u);  // still only in the page cache
  EXPECT_EQ(vfs_fsync(f), 0);
  EXPECT_EQ(disk_u64(f, PAGE_SIZE), PATTERN);
  // The host test reads the disk's backing store at this byte offset.
  report_value("filemap.fsync_disk_offset", (f->f_inode->disk_block + 1) * PAGE_SIZE);
  report_value("filemap.fsync_pattern", PATTERN);
  fput(f);
}

// Each change of PG_dirty reaches the VMM once (HC_MMU_PAGE_DIRTY): the
// shadow MMU counts a dirty page as a record of writes through stale entries.
TEST(filemap, pg_dirty_changes_are_reported_once_each) {
  file* f = scratch_file("hints", 2 * PAGE_SIZE);
  ASSERT_TRUE(f != nullptr);
  const page_dirty_hints before = page_dirty_hint_counts();
  EXPECT_EQ(pwrite_u64(f, 1, 0), 8);
  EXPECT_EQ(pwrite_u64(f, 2, 8), 8);  // already dirty: no second hint
  page_dirty_hints now = page_dirty_hint_counts();
  EXPECT_EQ(now.set - before.set, 1u);
  EXPECT_EQ(now.cleared - before.cleared, 0u);
  EXPECT_EQ(vfs_fsync(f), 0);  // writeback clears it
  now = page_dirty_hint_counts();
  EXPECT_EQ(now.cleared - before.cleared, 1u);
  EXPECT_EQ(vfs_fsync(f), 0);  // nothing dirty: nothing to report
  EXPECT_EQ(page_dirty_hint_counts().cleared - before.cleared, 1u);
  EXPECT_EQ(pwrite_u64(f, 3, 0), 8);
  EXPECT_EQ(do_truncate(f, 0), 0);  // dropped dirty: cancel_dirty_page
  now = page_dirty_hint_counts();
  EXPECT_EQ(now.set - before.set, 2u);
  EXPECT_EQ(now.cleared - before.cleared, 2u);
  fput(f);
}

TEST(filemap, fadvise_dontneed_writes_back_and_drops) {
  file* f = scratch_file("fadvise", 2 * PAGE_SIZE);
  ASSERT_TRUE(f != nullptr);
  EXPECT_EQ(pwrite_u64(f, 0xd0d0, 0), 8);
  EXPECT_EQ(f->f_mapping->nrpages, 1u);
  EXPECT_EQ(vfs_fadvise(f, 0, 0, POSIX_FADV_DONTNEED), 0);
  EXPECT_EQ(f->f_mapping->nrpages, 0u);
  EXPECT_EQ(disk_u64(f, 0), 0xd0d0u);
  EXPECT_EQ(pread_u64(f, 0), 0xd0d0u);  // read back from the disk
  EXPECT_EQ(vfs_fadvise(f, 0, 0, 99), -EINVAL);
  fput(f);
}

TEST(filemap, shared_mapping_tracks_dirty_through_write_faults) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  file* f = scratch_file("shared", PAGE_SIZE);
  ASSERT_TRUE(f != nullptr);
  ASSERT_EQ(pwrite_u64(f, 7, 0), 8);
  ASSERT_EQ(vfs_fsync(f), 0);
  unsigned long a = mmap_shared(f, PAGE_SIZE);
  ASSERT_FALSE(IS_ERR_VALUE(a));
  u64 v;
  EXPECT_EQ(get_user_u64(&v, a), 0);
  EXPECT_EQ(v, 7u);
  EXPECT_FALSE(pte_writable(a));  // read fault: mapped read-only to catch the first write
  fault_stats before = mm_fault_get_stats();
  EXPECT_EQ(put_user_u64(8, a), 0);
  EXPECT_EQ(mm_fault_get_stats().wp - before.wp, 1u);
  EXPECT_TRUE(pte_writable(a));
  page* p = find_get_page(f->f_mapping, 0);
  ASSERT_TRUE(p != nullptr);
  EXPECT_TRUE(PageDirty(p));
  EXPECT_EQ(page_mapcount(p), 1);
  // Writeback cleans the PTE too (page_mkclean): the page stays cached since
  // it is mapped, and the next write faults again.
  EXPECT_EQ(vfs_fadvise(f, 0, 0, POSIX_FADV_DONTNEED), 0);
  EXPECT_FALSE(PageDirty(p));
  EXPECT_EQ(f->f_mapping->nrpages, 1u);
  EXPECT_FALSE(pte_writable(a));
  EXPECT_EQ(disk_u64(f, 0), 8u);
  EXPECT_EQ(put_user_u64(9, a), 0);
  EXPECT_EQ(mm_fault_get_stats().wp - before.wp, 2u);
  EXPECT_TRUE(PageDirty(p));
  put_page(p);
  EXPECT_EQ(vm_munmap(a, PAGE_SIZE), 0);
  EXPECT_EQ(pread_u64(f, 0), 9u);
  fput(f);
}

TEST(filemap, munmap_then_fadvise_drops_the_page) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  file* f = scratch_file("drop", PAGE_SIZE);
  ASSERT_TRUE(f != nullptr);
  ASSERT_EQ(do_truncate(f, PAGE_SIZE), 0);
  unsigned long a = mmap_shared(f, PAGE_SIZE);
  ASSERT_FALSE(IS_ERR_VALUE(a));
  EXPECT_EQ(put_user_u64(0x5151, a + 16), 0);
  EXPECT_EQ(vm_munmap(a, PAGE_SIZE), 0);
  EXPECT_EQ(vfs_fadvise(f, 0, 0, POSIX_FADV_DONTNEED), 0);
  EXPECT_EQ(f->f_mapping->nrpages, 0u);
  EXPECT_EQ(pread_u64(f, 16), 0x5151u);
  fput(f);
}

TEST(filemap, ftruncate_unmaps_and_access_past_eof_is_sigbus) {
  user_mm_scope scope;
  ASSERT_TRUE(scope.ok());
  file* f = scratch_file("trunc", 2 * PAGE_SIZE);
  ASSERT_TRUE(f != nullptr);
  ASSERT_EQ(do_truncate(f, 2 * PAGE_SIZE), 0);
  unsigned long a = mmap_shared(f, 2 * PAGE_SIZE);
  ASSERT_FALSE(IS_ERR_VALUE(a));
  EXPECT_EQ(put_user_u64(1, a), 0);
  EXPECT_EQ(put_user_u64(2, a + PAGE_SIZE), 0);
  EXPECT_EQ(do_truncate(f, PAGE_SIZE + 8), 0);
  EXPECT_EQ(i_size_read(f->f_inode), PAGE_SIZE + 8);
  EXPECT_EQ(do_truncate(f, PAGE_SIZE), 0);  // the whole second page goes
  EXPECT_EQ(f->f_mapping->nrpages, 1u);
  u64 v;
  EXPECT_EQ(get_user_u64(&v, a + PAGE_SIZE), -EFAULT);
  EXPECT_EQ(take_pending_signal().si_signo, SIGBUS);
  EXPECT_EQ(get_user_u64(&v, a), 0);
  EXPECT_EQ(v, 1u);
  EXPECT_EQ(pread_u64(f, PAGE_SIZE), ~0ull);  // past the end: nothing read
  EXPECT_EQ(do_truncate(f, 8 * PAGE_SIZE), -EFBIG);
  fput(f);
}
