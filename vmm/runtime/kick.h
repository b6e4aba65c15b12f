// Kicking a vCPU thread out of KVM_RUN: a real-time signal whose handler sets
// kvm_run::immediate_exit, so a kick that lands just before KVM_RUN is not lost
// (KVM then returns EINTR at once). DESIGN §6: immediate_exit alone does not
// stop a running vCPU, a signal alone can arrive too early; together they do.
#pragma once

#include <linux/kvm.h>
#include <pthread.h>

namespace shadowtlb::vmm {

// Installs the process-wide handler (idempotent, thread-safe).
void install_kick_handler();
// Binds the calling thread's kicks to its vCPU's kvm_run (null to unbind).
void bind_kick_target(kvm_run* run);
// Sends the kick signal to a vCPU thread.
void kick_thread(pthread_t thread);

}  // namespace shadowtlb::vmm
