// PG_dirty, cleaning a page's PTEs before writeback, writing pages to the disk.
#include "guest/mm/page_writeback.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/drivers/blkdev.h"
#include "guest/fs/fs.h"
#include "guest/kernel/report.h"
#include "guest/mm/filemap.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/rmap.h"

namespace {

// Held across a PG_dirty change and its hint, so the VMM hears the changes
// of a page in the order they happened: otherwise a clear's hint could
// overtake the set it follows and the shadow MMU would think the page dirty.
DEFINE_SPINLOCK(page_dirty_lock);
page_dirty_hints hints;

// Sets or clears PG_dirty; true if that changed it.
bool change_page_dirty(page* p, bool dirty) {
  spin_guard g(&page_dirty_lock);
  const bool was = dirty ? TestSetPageFlag(p, PG_dirty) : TestClearPageFlag(p, PG_dirty);
  if (was == dirty) return false;
  hc_mmu_page_dirty(page_to_pfn(p), PageHead(p) ? HPAGE_PMD_ORDER : 0, dirty);
  ++(dirty ? hints.set : hints.cleared);
  return true;
}

}  // namespace

bool set_page_dirty(page* p) { return change_page_dirty(p, true); }

bool cancel_dirty_page(page* p) { return change_page_dirty(p, false); }

bool clear_page_dirty_for_io(page* p) {
  // Clean the PTEs first: a D bit found there means the page is dirty even
  // if PG_dirty is not set yet. After this, a write through any PTE faults
  // and dirties the page again (do_wp_page) — through any PTE, but not
  // through a TLB entry nobody flushed.
  if (page_mkclean(p)) set_page_dirty(p);
  return change_page_dirty(p, false);
}

page_dirty_hints page_dirty_hint_counts() {
  spin_guard g(&page_dirty_lock);
  return hints;
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
