// The kick signal: SIGRTMIN + 1 with a handler that only sets immediate_exit.
#include "vmm/runtime/kick.h"

#include <csignal>
#include <mutex>

namespace shadowtlb::vmm {

namespace {

thread_local kvm_run* tls_run = nullptr;

int kick_signal() { return SIGRTMIN + 1; }

void on_kick(int) {
  // Async-signal-safe: one byte store into this thread's own kvm_run.
  if (tls_run != nullptr) static_cast<volatile __u8&>(tls_run->immediate_exit) = 1;
}

}  // namespace

void install_kick_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = on_kick;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: interrupted waits return and re-check state
    sigaction(kick_signal(), &action, nullptr);
  });
}

void bind_kick_target(kvm_run* run) { tls_run = run; }

void kick_thread(pthread_t thread) { pthread_kill(thread, kick_signal()); }

}  // namespace shadowtlb::vmm
