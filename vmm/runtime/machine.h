// A VM built from a VmConfig: KVM objects, guest memory, one thread per vCPU.
#pragma once

#include "vmm/builder/vm_config.h"
#include "vmm/runtime/run_result.h"
#include "vmm/trace/trace_writer.h"

namespace shadowtlb::vmm {

// Builds the VM, boots vCPU 0 at the image entry and runs until the guest
// exits, fails, or the timeout passes. Throws ImageError or ConfigError for an
// image or configuration that cannot run, KvmError when KVM itself fails
// (no /dev/kvm, no permission, an ioctl failing while building the VM).
// Guest failures are not exceptions: they are in the returned RunResult.
// With `trace` (--trace, docs/trace.md) every event, mark and hypercall is
// written to it, and a TLB snapshot at each config.trace.snapshot_at mark;
// the header is the caller's (it opened the writer), and so is the footer.
[[nodiscard]] RunResult run_vm(const VmConfig& config, trace::TraceWriter* trace = nullptr);

}  // namespace shadowtlb::vmm
