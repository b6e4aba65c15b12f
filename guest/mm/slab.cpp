// kmalloc: per size class, a LIFO free list, then a bump pointer in the class's newest page.
//
// Bump-allocated objects come from a page taken with __GFP_ZERO, which is free
// for never-used memory, so kzalloc() clears only recycled objects.
#include "guest/mm/slab.h"

#include "guest/include/compiler.h"
#include "guest/kernel/panic.h"
#include "guest/lib/string.h"

namespace {

constexpr unsigned KMALLOC_MIN_SHIFT = 4;  // 16 bytes
constexpr unsigned KMALLOC_MAX_SHIFT = 11;  // 2048 bytes
constexpr unsigned NR_CLASSES = KMALLOC_MAX_SHIFT - KMALLOC_MIN_SHIFT + 1;

struct free_object {
  free_object* next;
};

struct kmem_cache {
  spinlock_t lock;
  free_object* free_list;
  char* bump;      // next never-handed-out object in the newest page
  char* bump_end;
};

constinit kmem_cache caches[NR_CLASSES]{};

unsigned size_class(size_t size) {
  unsigned shift = KMALLOC_MIN_SHIFT;
  while ((size_t{1} << shift) < size) shift++;
  return shift - KMALLOC_MIN_SHIFT;
}

void* large_kmalloc(size_t size, gfp_t gfp) {
  unsigned order = 0;
  while ((PAGE_SIZE << order) < size) order++;
  if (order > MAX_PAGE_ORDER) return nullptr;
  page* p = alloc_pages(gfp, order);
  if (!p) return nullptr;
  p->flags |= PG_large_kmalloc;
  return page_address(p);
}

// Returns an object and whether it is known to be zero.
void* cache_alloc(unsigned cls, bool* zeroed) {
  kmem_cache* c = &caches[cls];
  const size_t obj_size = size_t{1} << (cls + KMALLOC_MIN_SHIFT);
  spin_guard guard(&c->lock);
  if (free_object* o = c->free_list) {
    c->free_list = o->next;
    *zeroed = false;
    return o;
  }
  if (c->bump == c->bump_end) {
    page* p = alloc_page(__GFP_ZERO);
    if (!p) return nullptr;
    p->flags |= PG_slab;
    p->private_ = cls;
    c->bump = static_cast<char*>(page_address(p));
    c->bump_end = c->bump + PAGE_SIZE;
  }
  void* obj = c->bump;
  c->bump += obj_size;
  *zeroed = true;
  return obj;
}

void* do_kmalloc(size_t size, gfp_t gfp) {
  if (size > (size_t{1} << KMALLOC_MAX_SHIFT)) return large_kmalloc(size, gfp);
  bool zeroed;
  void* obj = cache_alloc(size_class(size ? size : 1), &zeroed);
  if (obj && (gfp & __GFP_ZERO) && !zeroed) memset(obj, 0, size);
  return obj;
}

}  // namespace

void* kmalloc(size_t size, gfp_t gfp) { return do_kmalloc(size, gfp); }
void* kzalloc(size_t size, gfp_t gfp) { return do_kmalloc(size, gfp | __GFP_ZERO); }

void kfree(const void* obj) {
  if (!obj) return;
  page* p = virt_to_page(obj);
  if (p->flags & PG_large_kmalloc) {
    p->flags &= ~PG_large_kmalloc;
    __free_pages(p, p->order);
    return;
  }
  if (!(p->flags & PG_slab)) panic("kfree(%p): not a kmalloc object", obj);
  kmem_cache* c = &caches[p->private_];
  auto* o = static_cast<free_object*>(const_cast<void*>(obj));
  spin_guard guard(&c->lock);
  o->next = c->free_list;
  c->free_list = o;
}
