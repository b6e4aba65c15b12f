// Per-vCPU memory of a locked RMW already applied on its read exit, so the
// write exit KVM sends next for the same instruction is recognised and dropped.
#pragma once

#include <cstdint>
#include <cstdio>
#include <vector>

#include "shadow_mmu/address.h"

namespace shadowtlb::vmm {

class PendingRmws {
 public:
  explicit PendingRmws(unsigned vcpus) : pending_(vcpus) {}

  void expect_write(unsigned vcpu, GuestPhysAddr pa, unsigned len, std::uint64_t stored) {
    pending_[vcpu] = Pending{true, pa, len, stored};
  }

  // True if this write exit is the tail of the RMW applied on the read exit
  // (then it must not be applied again). Warns if KVM's value differs from
  // the one the VMM stored: that would mean the decoder and KVM disagree.
  [[nodiscard]] bool consume(unsigned vcpu, GuestPhysAddr pa, unsigned len, std::uint64_t value) {
    Pending& p = pending_[vcpu];
    if (!p.active || p.pa != pa || p.len != len) return false;
    p.active = false;
    if (value != p.stored)
      std::fprintf(stderr,
                   "shadowtlb: warning: vCPU %u: KVM stored %#llx for a locked RMW the VMM "
                   "applied as %#llx\n",
                   vcpu, static_cast<unsigned long long>(value),
                   static_cast<unsigned long long>(p.stored));
    return true;
  }

 private:
  struct Pending {
    bool active = false;
    GuestPhysAddr pa;
    unsigned len = 0;
    std::uint64_t stored = 0;
  };
  std::vector<Pending> pending_;
};

}  // namespace shadowtlb::vmm
