// What the kernel keeps from the VMM's struct boot_info.
#pragma once

#include "abi/boot_info.h"
#include "guest/include/types.h"

struct boot_params {
  u64 ram_size;
  u64 image_end;  // first physical byte above the loaded image
  u64 seed;
  unsigned vcpu_count;
};

extern struct boot_params boot_params;

// Checks magic and version (panics on a mismatch), copies the fields and the
// command line (cmdline_init()).
void boot_params_init(const shadowtlb::abi::boot_info* bi);
