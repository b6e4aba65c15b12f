// Guest-physical memory the VMM owns: guest RAM and the VMM-private region.
//
// RAM sits at guest-physical 0 (memslot 0). The private region (memslot 1, at
// abi::VMM_PRIVATE_BASE) holds page tables only the VMM writes; no guest
// mapping ever points at it.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <type_traits>

#include "shadow_mmu/address.h"
#include "shadow_mmu/phys_memory.h"
#include "vmm/kvm/memory_mapping.h"
#include "vmm/kvm/vm_fd.h"

namespace shadowtlb::vmm {

class GuestMemory final : public PhysMemory {
 public:
  GuestMemory(std::uint64_t ram_bytes, std::uint64_t private_bytes);

  // Installs both regions as memslots of `vm`.
  void register_with(VmFd& vm);
  // Adds RAM again, read-only, at abi::READONLY_ALIAS_BASE: reads through it
  // are direct, writes exit to the VMM with their data (stale TLB entries).
  void register_readonly_alias(VmFd& vm);

  [[nodiscard]] std::uint64_t ram_size() const { return ram_.size(); }
  [[nodiscard]] GuestPhysAddr private_base() const;
  [[nodiscard]] std::uint64_t private_size() const { return private_.size(); }

  // Host bytes backing [pa, pa + len), or an empty span if that range is not
  // entirely inside one region. Never throws: guest-supplied addresses go here.
  [[nodiscard]] std::span<std::byte> host_span(GuestPhysAddr pa, std::uint64_t len) const;

  template <typename T>
  [[nodiscard]] std::optional<T> read(GuestPhysAddr pa) const {
    static_assert(std::is_trivially_copyable_v<T>);
    std::span<std::byte> bytes = host_span(pa, sizeof(T));
    if (bytes.empty()) return std::nullopt;
    T value;
    std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
  }
  template <typename T>
  [[nodiscard]] bool write(GuestPhysAddr pa, const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::span<std::byte> bytes = host_span(pa, sizeof(T));
    if (bytes.empty()) return false;
    std::memcpy(bytes.data(), &value, sizeof(T));
    return true;
  }

  // PhysMemory, for the walker and the shadow MMU.
  [[nodiscard]] std::optional<std::uint64_t> read_u64(GuestPhysAddr pa) const override;
  [[nodiscard]] bool write_u64(GuestPhysAddr pa, std::uint64_t value) override;
  // Exactly these bytes (one memcpy), in RAM or the private region; the shadow
  // MMU's stale writes use it so neighbouring bytes other vCPUs store are kept.
  [[nodiscard]] bool write_bytes(GuestPhysAddr pa, std::span<const std::byte> data) override;

 private:
  MemoryMapping ram_;
  MemoryMapping private_;
};

}  // namespace shadowtlb::vmm
