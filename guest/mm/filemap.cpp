// Page-cache lookups and insertions, and reading a page from the disk.
#include "guest/mm/filemap.h"

#include "guest/drivers/blkdev.h"
#include "guest/fs/fs.h"
#include "guest/include/errno.h"
#include "guest/kernel/panic.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/page_ref.h"

u64 mapping_block(address_space* mapping, unsigned long index) {
  return mapping->host->disk_block + index;
}

page* find_get_page(address_space* mapping, unsigned long index) {
  if (index >= mapping->nr_slots) return nullptr;
  spin_guard guard(&mapping->i_pages_lock);
  page* p = mapping->i_pages[index];
  if (p) get_page(p);
  return p;
}

namespace {

// A new page with index's contents from the disk; its one reference is the caller's.
page* read_page_from_disk(address_space* mapping, unsigned long index, int* err) {
  page* p = alloc_page(GFP_KERNEL);
  if (!p) {
    *err = -ENOMEM;
    return nullptr;
  }
  if (int r = blkdev_read(abi::BLK_DEV_DISK, mapping_block(mapping, index), page_address(p), 1)) {
    put_page(p);
    *err = r;
    return nullptr;
  }
  p->flags |= PG_uptodate;
  return p;
}

}  // namespace

page* read_cache_page(address_space* mapping, unsigned long index, int* err) {
  if (index >= mapping->nr_slots) {
    *err = -EINVAL;
    return nullptr;
  }
  if (page* p = find_get_page(mapping, index)) return p;
  page* fresh = read_page_from_disk(mapping, index, err);
  if (!fresh) return nullptr;
  spin_guard guard(&mapping->i_pages_lock);
  // Another CPU may have read it meanwhile: theirs wins, ours goes.
  if (page* p = mapping->i_pages[index]) {
    get_page(p);
    put_page(fresh);
    return p;
  }
  fresh->mapping = mapping;
  fresh->index = index;
  get_page(fresh);  // the cache's reference
  mapping->i_pages[index] = fresh;
  mapping->nrpages++;
  return fresh;
}

void delete_from_page_cache(page* p) {
  auto* mapping = static_cast<address_space*>(p->mapping);
  {
    spin_guard guard(&mapping->i_pages_lock);
    BUG_ON(mapping->i_pages[p->index] != p);
    mapping->i_pages[p->index] = nullptr;
    mapping->nrpages--;
  }
  p->mapping = nullptr;
  put_page(p);
}
