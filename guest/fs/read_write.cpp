// pread()/pwrite() through the page cache (Linux's filemap_read() and generic_perform_write()).
#include "guest/fs/fs.h"
#include "guest/include/compiler.h"
#include "guest/include/errno.h"
#include "guest/kernel/report.h"
#include "guest/lib/string.h"
#include "guest/mm/filemap.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/page_writeback.h"

s64 kernel_pread(file* f, void* buf, u64 count, u64 pos) {
  inode* ino = f->f_inode;
  u64 size = i_size_read(ino);
  if (pos >= size) return 0;
  count = min_t(count, size - pos);
  u64 done = 0;
  while (done < count) {
    u64 off = (pos + done) & ~PAGE_MASK;
    u64 n = min_t(count - done, PAGE_SIZE - off);
    int err;
    page* p = read_cache_page(f->f_mapping, (pos + done) >> PAGE_SHIFT, &err);
    if (!p) return done ? static_cast<s64>(done) : err;
    memcpy(static_cast<char*>(buf) + done, static_cast<char*>(page_address(p)) + off, n);
    put_page(p);
    done += n;
  }
  mark("pread", pos);
  return static_cast<s64>(done);
}

s64 kernel_pwrite(file* f, const void* buf, u64 count, u64 pos) {
  inode* ino = f->f_inode;
  if (pos >= ino->max_size) return count ? -EFBIG : 0;
  count = min_t(count, ino->max_size - pos);
  u64 done = 0;
  while (done < count) {
    u64 off = (pos + done) & ~PAGE_MASK;
    u64 n = min_t(count - done, PAGE_SIZE - off);
    int err;
    page* p = read_cache_page(f->f_mapping, (pos + done) >> PAGE_SHIFT, &err);
    if (!p) {
      if (!done) return err;
      break;
    }
    memcpy(static_cast<char*>(page_address(p)) + off, static_cast<const char*>(buf) + done, n);
    set_page_dirty(p);
    put_page(p);
    done += n;
  }
  spin_guard guard(&ino->i_lock);
  if (pos + done > i_size_read(ino)) i_size_write(ino, pos + done);
  return static_cast<s64>(done);
}
