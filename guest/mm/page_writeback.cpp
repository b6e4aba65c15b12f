// PG_dirty, cleaning a page's PTEs before writeback, writing pages to the disk.
#include "guest/mm/page_writeback.h"

#include "guest/drivers/blkdev.h"
#include "guest/fs/fs.h"
#include "guest/kernel/report.h"
#include "guest/mm/filemap.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/rmap.h"

bool set_page_dirty(page* p) { return !TestSetPageFlag(p, PG_dirty); }

bool clear_page_dirty_for_io(page* p) {
  // Clean the PTEs first: a D bit found there means the page is dirty even
  // if PG_dirty is not set yet. After this, a write through any PTE faults
  // and dirties the page again (do_wp_page) — through any PTE, but not
  // through a TLB entry nobody flushed.
  if (page_mkclean(p)) set_page_dirty(p);
  return TestClearPageFlag(p, PG_dirty);
}

int writepage(page* p) {
  auto* mapping = static_cast<address_space*>(p->mapping);
  mark("writepage", p->index);
  return blkdev_write(abi::BLK_DEV_DISK, mapping_block(mapping, p->index), page_address(p), 1);
}

int filemap_fdatawrite_range(address_space* mapping, unsigned long start, unsigned long end) {
  int first_error = 0;
  for (unsigned long i = start; i <= end && i < mapping->nr_slots; i++) {
    page* p = find_get_page(mapping, i);
    if (!p) continue;
    if (PageDirty(p) && clear_page_dirty_for_io(p)) {
      if (int err = writepage(p)) {
        set_page_dirty(p);  // still newer than the disk
        if (!first_error) first_error = err;
      }
    }
    put_page(p);
  }
  return first_error;
}
