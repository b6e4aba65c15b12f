// Page references and mapcounts (Linux's page_ref.h and the mapcount helpers of mm.h).
//
// A page's _refcount counts owners: the page cache holds one for each cached
// page, each PTE or PMD mapping holds one, and a caller that looked a page up
// holds one until put_page(). The last put frees the block (a THP head frees
// all 2 MiB), which sends HC_MMU_PAGE_FREED: the shadow MMU then reports TLB
// entries that still reach the frame. _mapcount counts the mappings alone.
#pragma once

#include "guest/mm/mm_types.h"

inline void get_page(page* p) { atomic_inc(&p->_refcount); }
void put_page(page* p);
inline int page_count(const page* p) { return atomic_read(&p->_refcount); }
inline int page_mapcount(const page* p) { return atomic_read(&p->_mapcount); }
inline bool page_mapped(const page* p) { return page_mapcount(p) > 0; }

inline bool PageDirty(const page* p) { return __atomic_load_n(&p->flags, __ATOMIC_ACQUIRE) & PG_dirty; }
inline bool PageUptodate(const page* p) { return p->flags & PG_uptodate; }
inline bool PageHead(const page* p) { return p->flags & PG_head; }
inline bool PageAnon(const page* p) {
  return reinterpret_cast<unsigned long>(p->mapping) & PAGE_MAPPING_ANON;
}
// Atomic flag updates: page flags are shared by every CPU mapping the page.
inline void SetPageFlag(page* p, unsigned long f) { __atomic_fetch_or(&p->flags, f, __ATOMIC_ACQ_REL); }
inline bool TestClearPageFlag(page* p, unsigned long f) {
  return __atomic_fetch_and(&p->flags, ~f, __ATOMIC_ACQ_REL) & f;
}
inline bool TestSetPageFlag(page* p, unsigned long f) {
  return __atomic_fetch_or(&p->flags, f, __ATOMIC_ACQ_REL) & f;
}
