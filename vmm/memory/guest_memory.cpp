// Bounds-checked translation from guest-physical addresses to host bytes.
#include "vmm/memory/guest_memory.h"

#include "abi/memory_layout.h"

namespace shadowtlb::vmm {

namespace {

constexpr std::uint32_t kRamSlot = 0;
constexpr std::uint32_t kPrivateSlot = 1;
constexpr std::uint32_t kReadonlyAliasSlot = 2;

// [pa, pa+len) inside [base, base+size)? Written to be overflow-proof.
bool inside(std::uint64_t pa, std::uint64_t len, std::uint64_t base, std::uint64_t size) {
  return pa >= base && len <= size && pa - base <= size - len;
}

}  // namespace

GuestMemory::GuestMemory(std::uint64_t ram_bytes, std::uint64_t private_bytes)
    : ram_(MemoryMapping::anonymous(ram_bytes)), private_(MemoryMapping::anonymous(private_bytes)) {}

void GuestMemory::register_with(VmFd& vm) {
  vm.set_memory_region(kRamSlot, GuestPhysAddr(0), ram_.bytes());
  vm.set_memory_region(kPrivateSlot, private_base(), private_.bytes());
}

void GuestMemory::register_readonly_alias(VmFd& vm) {
  vm.set_memory_region(kReadonlyAliasSlot, GuestPhysAddr(abi::READONLY_ALIAS_BASE), ram_.bytes(),
                       KVM_MEM_READONLY);
}

GuestPhysAddr GuestMemory::private_base() const { return GuestPhysAddr(abi::VMM_PRIVATE_BASE); }

std::span<std::byte> GuestMemory::host_span(GuestPhysAddr pa, std::uint64_t len) const {
  if (inside(pa.value(), len, 0, ram_.size())) return {ram_.data() + pa.value(), len};
  if (inside(pa.value(), len, abi::VMM_PRIVATE_BASE, private_.size()))
    return {private_.data() + (pa.value() - abi::VMM_PRIVATE_BASE), len};
  return {};
}

bool GuestMemory::write_bytes(GuestPhysAddr pa, std::span<const std::byte> data) {
  std::span<std::byte> target = host_span(pa, data.size());
  if (target.size() != data.size()) return false;
  std::memcpy(target.data(), data.data(), data.size());
  return true;
}

std::optional<std::uint64_t> GuestMemory::read_u64(GuestPhysAddr pa) const {
  return read<std::uint64_t>(pa);
}

bool GuestMemory::write_u64(GuestPhysAddr pa, std::uint64_t value) { return write(pa, value); }

}  // namespace shadowtlb::vmm
