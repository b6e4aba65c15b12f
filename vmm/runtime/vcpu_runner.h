// One vCPU and its host thread: boot state, the KVM_RUN loop, kicks.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

#include "shadow_mmu/address.h"
#include "vmm/exits/exit_dispatch.h"
#include "vmm/kvm/vcpu_fd.h"

namespace shadowtlb::vmm {

// Where a vCPU starts (abi/boot_info.h, "Entry state").
struct BootState {
  GuestVirtAddr entry;
  GuestPhysAddr cr3;
  GuestVirtAddr boot_info;
  bool nx_supported = false;
  std::span<const kvm_cpuid_entry2> cpuid;
};

// What the runner needs from the machine while it runs.
class VcpuHost {
 public:
  virtual ~VcpuHost() = default;
  [[nodiscard]] virtual bool stopping() const = 0;
  // The vCPU is set up, before its first KVM_RUN: its start point (a
  // controlled run holds it here until it is given the token).
  virtual void at_start(unsigned id) = 0;
  // The vCPU executed HLT; returns when the run is stopping.
  virtual void park(unsigned id) = 0;
  virtual void vcpu_failed(unsigned id, const std::exception& error) = 0;
};

class VcpuRunner {
 public:
  VcpuRunner(unsigned id, VcpuFd vcpu, ExitDispatcher& exits, VcpuHost& host)
      : id_(id), vcpu_(std::move(vcpu)), exits_(exits), host_(host) {}
  VcpuRunner(const VcpuRunner&) = delete;
  VcpuRunner& operator=(const VcpuRunner&) = delete;
  ~VcpuRunner() { join(); }

  [[nodiscard]] unsigned id() const { return id_; }
  [[nodiscard]] bool started() const { return started_.load(); }

  // Spawns the vCPU thread, which sets up the registers then runs.
  void start(const BootState& boot);
  void kick();
  void join();

  // Makes the vCPU leave guest mode if it is in it, and reload its page tables
  // before it re-enters (its real tables changed: on a VT-x host its hardware
  // TLB may cache the old entries). Returns once it is out of guest mode.
  // Called from other vCPUs' threads.
  void publish_and_wait();

  // Where the vCPU was when it last left the guest (for timeout reports).
  [[nodiscard]] std::uint64_t last_rip() const { return last_rip_.load(); }
  [[nodiscard]] std::uint64_t last_cr3() const { return last_cr3_.load(); }

 private:
  void thread_main(BootState boot);
  void set_boot_registers(const BootState& boot);
  void run_loop();
  VcpuFd::RunStatus run_guest();

  unsigned id_;
  VcpuFd vcpu_;
  ExitDispatcher& exits_;
  VcpuHost& host_;
  std::thread thread_;
  std::atomic<bool> started_{false};  // ever started (stays true after join)
  std::atomic<bool> running_{false};  // its thread is alive
  std::atomic<bool> in_guest_{false};          // between the two sides of KVM_RUN
  std::atomic<std::uint64_t> guest_exits_{0};  // KVM_RUN returns; waited on by publish_and_wait
  std::atomic<bool> publish_pending_{false};
  std::atomic<std::uint64_t> last_rip_{0};
  std::atomic<std::uint64_t> last_cr3_{0};
};

}  // namespace shadowtlb::vmm
