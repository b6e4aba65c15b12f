// Puts a vCPU directly into 64-bit long mode at CPL 0 (SDM vol. 3, 9.8.5).
#pragma once

#include <linux/kvm.h>

#include <span>

#include "shadow_mmu/address.h"
#include "vmm/kvm/vcpu_fd.h"
#include "vmm/memory/guest_memory.h"

namespace shadowtlb::vmm {

// Writes the boot GDT and TSS into the reserved low RAM (abi/memory_layout.h):
// the guest replaces them at once, but a valid TR and GDTR keep VM entry legal.
void write_boot_descriptors(GuestMemory& memory);

// CPUID as the host offers it, with this vCPU's APIC id filled in.
void set_vcpu_cpuid(VcpuFd& vcpu, unsigned id, std::span<const kvm_cpuid_entry2> supported);

// Segment and control registers for long mode on the tables at `cr3`.
void enter_long_mode(VcpuFd& vcpu, GuestPhysAddr cr3, bool nx_supported);

}  // namespace shadowtlb::vmm
