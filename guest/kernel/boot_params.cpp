// Validates and copies struct boot_info at entry of the boot vCPU.
#include "guest/kernel/boot_params.h"

#include "abi/memory_layout.h"

#include "guest/kernel/cmdline.h"
#include "guest/kernel/panic.h"

struct boot_params boot_params;

void boot_params_init(const shadowtlb::abi::boot_info* bi) {
  namespace abi = shadowtlb::abi;
  if (bi->magic != abi::BOOT_INFO_MAGIC || bi->version != abi::BOOT_INFO_VERSION)
    panic("bad boot_info (magic %#lx, version %u)", bi->magic, bi->version);
  if (bi->vcpu_count == 0 || bi->vcpu_count > abi::MAX_VCPUS)
    panic("boot_info: %u vCPUs, the kernel supports 1..%u", bi->vcpu_count, abi::MAX_VCPUS);
  boot_params.ram_size = bi->ram_size;
  boot_params.image_end = bi->image_end;
  boot_params.seed = bi->seed;
  boot_params.vcpu_count = bi->vcpu_count;
  cmdline_init(bi->cmdline, sizeof(bi->cmdline));
}
