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

void VcpuRunner::join() {
  if (thread_.joinable()) thread_.join();
}

void VcpuRunner::thread_main(BootState boot) {
  bind_kick_target(&vcpu_.run());
  try {
    set_boot_registers(boot);
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

void VcpuRunner::run_loop() {
  ExitContext ctx{id_, vcpu_.run()};
  while (!host_.stopping()) {
    VcpuFd::RunStatus status = vcpu_.run_once();
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
