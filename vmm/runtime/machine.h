// A VM built from a VmConfig: KVM objects, guest memory, one thread per vCPU.
#pragma once

#include "vmm/builder/vm_config.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm {

// Builds the VM, boots vCPU 0 at the image entry and runs until the guest
// exits, fails, or the timeout passes. Throws ImageError or ConfigError for an
// image or configuration that cannot run, KvmError when KVM itself fails
// (no /dev/kvm, no permission, an ioctl failing while building the VM).
// Guest failures are not exceptions: they are in the returned RunResult.
[[nodiscard]] RunResult run_vm(const VmConfig& config);

}  // namespace shadowtlb::vmm
