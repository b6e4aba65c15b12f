// What exit handlers may ask of the machine they run in.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "abi/hypercall.h"
#include "shadow_mmu/shadow_mmu.h"
#include "vmm/devices/block_device.h"
#include "vmm/exits/serial_console.h"
#include "vmm/memory/guest_memory.h"
#include "vmm/runtime/run_result.h"
#include "vmm/sched/point.h"

namespace shadowtlb::vmm {

class MachineServices {
 public:
  virtual ~MachineServices() = default;

  [[nodiscard]] virtual GuestMemory& memory() = 0;
  [[nodiscard]] virtual SerialConsole& console() = 0;
  [[nodiscard]] virtual unsigned vcpu_count() const = 0;
  // The block device HC_BLK_* names, or null when this machine has none.
  [[nodiscard]] virtual BlockDevice* block_device(abi::blk_dev dev) = 0;

  // HC_START_CPU: returns 0 or a negated abi::hc_error.
  [[nodiscard]] virtual std::int64_t start_vcpu(unsigned id) = 0;
  virtual void add_report(GuestReport report) = 0;
  virtual void add_mark(unsigned vcpu, std::string_view name, std::uint64_t value) = 0;
  // Returns once every vCPU in `vcpus` other than `self` has left guest mode
  // since the call began, and will reload its page tables before re-entering
  // (the real tables changed under it). Like an IPI shootdown's wait for acks.
  virtual void synchronize(const mmu::VcpuMask& vcpus, unsigned self) = 0;
  // The vCPU reached a scheduling point (docs/scheduling.md); returns when
  // it may go on. Call it with no lock held: a controlled run blocks here.
  virtual void scheduling_point(unsigned vcpu, const sched::Point& point) = 0;
  // --trace (docs/trace.md): a hypercall arrived with its six argument
  // registers; a shootdown returned to its initiator, every target flushed.
  virtual void trace_hypercall(unsigned /*vcpu*/, std::uint32_t /*nr*/,
                               const std::array<std::uint64_t, 6>& /*args*/) {}
  virtual void trace_shootdown_ack(unsigned /*vcpu*/, const abi::flush_request& /*request*/,
                                   std::int64_t /*result*/) {}
  // Ends the run; the first call decides the outcome, later ones are ignored.
  virtual void stop(Outcome outcome, std::string message, std::optional<VcpuFailure> failure = {},
                    std::int64_t guest_status = -1) = 0;
};

}  // namespace shadowtlb::vmm
