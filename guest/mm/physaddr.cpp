// virt_to_phys() for the kernel image and direct map; pgtable_phys() for table pointers (either alias).
#include "guest/arch/x86/page.h"
#include "guest/arch/x86/pgtable.h"
#include "guest/kernel/panic.h"

phys_addr_t virt_to_phys(const volatile void* p) {
  auto a = reinterpret_cast<unsigned long>(p);
  if (a >= START_KERNEL_MAP) return phys_addr_t(a - START_KERNEL_MAP);
  // Bounded by the largest RAM, not the actual size: panic() reports go
  // through here before the page allocator knows the RAM size.
  if (a >= PAGE_OFFSET && a - PAGE_OFFSET < shadowtlb::abi::RAM_MAX) return phys_addr_t(a - PAGE_OFFSET);
  panic("virt_to_phys(%p): not a kernel-image or direct-map address", const_cast<void*>(p));
}

phys_addr_t pgtable_phys(const void* table) {
  return is_pt_view_addr(table) ? pt_view_phys(table) : virt_to_phys(table);
}
