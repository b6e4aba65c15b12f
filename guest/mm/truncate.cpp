// Dropping cached pages: invalidation (fadvise), truncation, and unmapping a file range.
#include "guest/mm/truncate.h"

#include "guest/fs/fs.h"
#include "guest/include/compiler.h"
#include "guest/lib/string.h"
#include "guest/mm/filemap.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/page_writeback.h"
#include "guest/mm/vma.h"
#include "guest/mm/zap.h"

unsigned long invalidate_mapping_pages(address_space* mapping, unsigned long start, unsigned long end) {
  unsigned long dropped = 0;
  for (unsigned long i = start; i <= end && i < mapping->nr_slots; i++) {
    page* p = find_get_page(mapping, i);
    if (!p) continue;
    // Linux's mapping_evict_folio(): only clean pages no PTE maps.
    if (!PageDirty(p) && !page_mapped(p)) {
      delete_from_page_cache(p);
      dropped++;
    }
    put_page(p);
  }
  return dropped;
}

void unmap_mapping_range(address_space* mapping, u64 holebegin, u64 holelen) {
  unsigned long first = holebegin >> PAGE_SHIFT;
  unsigned long last = holelen ? (holebegin + holelen - 1) >> PAGE_SHIFT : ~0ul;
  spin_guard guard(&mapping->i_mmap_lock);
  for (vm_area_struct* vma = mapping->i_mmap; vma; vma = vma->rmap_next) {
    unsigned long vfirst = vma->vm_pgoff, vlast = vma->vm_pgoff + vma_pages(vma) - 1;
    if (vlast < first || vfirst > last) continue;
    unsigned long from = vma->vm_start + ((max_t(first, vfirst) - vfirst) << PAGE_SHIFT);
    unsigned long to = vma->vm_start + ((min_t(last, vlast) - vfirst + 1) << PAGE_SHIFT);
    zap_page_range(vma, from, to);
  }
}

void truncate_inode_pages(address_space* mapping, u64 lstart) {
  unsigned long first_whole = (lstart + PAGE_SIZE - 1) >> PAGE_SHIFT;
  // The page lstart cuts keeps its head; its tail must read as zero.
  if (lstart & ~PAGE_MASK) {
    if (page* p = find_get_page(mapping, lstart >> PAGE_SHIFT)) {
      u64 off = lstart & ~PAGE_MASK;
      memset(static_cast<char*>(page_address(p)) + off, 0, PAGE_SIZE - off);
      set_page_dirty(p);  // the zeros must reach the disk too
      put_page(p);
    }
  }
  for (unsigned long i = first_whole; i < mapping->nr_slots; i++) {
    page* p = find_get_page(mapping, i);
    if (!p) continue;
    cancel_dirty_page(p);  // its data is gone with the file's tail
    delete_from_page_cache(p);
    put_page(p);
  }
}
