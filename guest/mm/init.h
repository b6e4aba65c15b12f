// Boot-time memory setup of the boot vCPU.
#pragma once

#include "guest/include/types.h"

// Builds init_mm's tables (direct map and kernel image) and loads them on
// this CPU. Needs the page allocator.
void paging_init(u64 ram_size, u64 image_end);
