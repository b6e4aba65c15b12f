// The few C++ runtime symbols g++ may reference from freestanding code.
//
// The kernel has no heap-backed `new` (objects come from kmalloc and placement
// new), no exceptions and no global constructors (kernel.ld rejects .init_array).
#include "guest/kernel/panic.h"

extern "C" void __cxa_pure_virtual() { panic("pure virtual function called"); }

// Referenced by virtual destructors even when `delete` is never used.
void operator delete(void*) noexcept { panic("operator delete called"); }
void operator delete(void*, unsigned long) noexcept { panic("operator delete called"); }
