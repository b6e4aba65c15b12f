// KVM's CPUID ioctls with the C layout of struct kvm_cpuid2.
//
// <linux/kvm.h> declares kvm_cpuid2's entries with __DECLARE_FLEX_ARRAY, which
// in C++ wraps them in a struct holding an empty struct: that shifts
// `entries` to offset 12 and makes sizeof 12, so both the ioctl numbers
// (which encode the size) and the entry offset come out wrong in C++
// (measured: KVM_GET_SUPPORTED_CPUID fails with EINVAL). We use the C layout.
#pragma once

#include <linux/kvm.h>

#include <cstddef>

namespace shadowtlb::vmm {

// struct kvm_cpuid2 as C sees it, followed directly by the entries.
struct KvmCpuidHeader {
  __u32 nent;
  __u32 padding;
};
static_assert(sizeof(KvmCpuidHeader) == 8);

// KVM's own limit on CPUID entries (KVM_MAX_CPUID_ENTRIES).
inline constexpr unsigned kMaxCpuidEntries = 256;

// The whole ioctl argument, sized for the most KVM accepts.
struct KvmCpuidBuffer {
  KvmCpuidHeader header;
  kvm_cpuid_entry2 entries[kMaxCpuidEntries];
};
static_assert(offsetof(KvmCpuidBuffer, entries) == sizeof(KvmCpuidHeader));

inline constexpr unsigned long kKvmGetSupportedCpuid = _IOWR(KVMIO, 0x05, KvmCpuidHeader);
inline constexpr unsigned long kKvmSetCpuid2 = _IOW(KVMIO, 0x90, KvmCpuidHeader);

}  // namespace shadowtlb::vmm
