// The last reference frees the page.
#include "guest/mm/page_ref.h"

#include "guest/kernel/panic.h"
#include "guest/mm/page_alloc.h"

void put_page(page* p) {
  int left = atomic_add_return(-1, &p->_refcount);
  BUG_ON(left < 0);
  if (left) return;
  BUG_ON(page_mapped(p));
  unsigned order = PageHead(p) ? HPAGE_PMD_ORDER : 0;
  p->mapping = nullptr;
  p->flags = 0;
  // Refcount back to 1 for the allocator, which takes it from there.
  atomic_set(&p->_refcount, 1);
  __free_pages(p, order);
}
