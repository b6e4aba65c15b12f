// The vCPU thread: set up long mode, then KVM_RUN and dispatch until stopped.
#include "vmm/runtime/vcpu_runner.h"

#include "vmm/runtime/kick.h"
#include "vmm/x86/long_mode.h"

namespace shadowtlb::vmm {

void VcpuRunner::start(const BootState& boot) {
  started_ = true;
  running_ = true;
  thread_ = std::thread([this, boot] { thread_main(boot); });
}

void VcpuRunner::kick() {
  if (running_.load() && thread_.joinable()) kick_thread(thread_.native_handle());
}

// Dekker-style: we publish then look at in_guest_, the vCPU thread sets
// in_guest_ then looks at publish_pending_ (both seq_cst), so either it sees
// the request before entering or we see it inside and kick it out.
void VcpuRunner::publish_and_wait() {
  publish_pending_.store(true);
  if (!in_guest_.load()) return;
  std::uint64_t seen = guest_exits_.load();
  kick();
  guest_exits_.wait(seen);
}

void VcpuRunner::join() {
  if (thread_.joinable()) thread_.join();
}

void VcpuRunner::thread_main(BootState boot) {
  bind_kick_target(&vcpu_.run());
  try {
    set_boot_registers(boot);
    host_.at_start(id_);
    run_loop();
  } catch (const std::exception& error) {
    host_.vcpu_failed(id_, error);
  }
  bind_kick_target(nullptr);
  running_ = false;
}

void VcpuRunner::set_boot_registers(const BootState& boot) {
  set_vcpu_cpuid(vcpu_, id_, boot.cpuid);
  enter_long_mode(vcpu_, boot.cr3, boot.nx_supported);
  kvm_regs regs{};
  regs.rip = boot.entry.value();
  regs.rflags = 0x2;  // bit 1 is reserved-set; IF clear: no interrupts
  regs.rdi = boot.boot_info.value();
  regs.rsi = id_;
  vcpu_.set_regs(regs);
}

VcpuFd::RunStatus VcpuRunner::run_guest() {
  struct LeaveGuest {
    VcpuRunner& self;
    ~LeaveGuest() {
      self.in_guest_.store(false);
      self.guest_exits_.fetch_add(1);
      self.guest_exits_.notify_all();
    }
  } leave{*this};
  return vcpu_.run_once();
}

void VcpuRunner::run_loop() {
  ExitContext ctx{id_, vcpu_.run()};
  while (!host_.stopping()) {
    in_guest_.store(true);
    // Reloading CR3 (writing the sync sregs back) flushes what a hardware TLB
    // cached of the real tables; on this host it is cheap and harmless.
    if (publish_pending_.exchange(false)) vcpu_.mark_sregs_dirty();
    VcpuFd::RunStatus status = run_guest();
    last_rip_ = vcpu_.regs().rip;
    last_cr3_ = vcpu_.sregs().cr3;
    if (status == VcpuFd::RunStatus::interrupted) {
      vcpu_.run().immediate_exit = 0;
      continue;
    }
    switch (exits_.handle(ctx)) {
      case VcpuStep::resume:
        break;
      case VcpuStep::halt:
        host_.park(id_);
        break;
      case VcpuStep::stop:
        return;
    }
  }
}

}  // namespace shadowtlb::vmm
