// The interrupt flag: a lock-free atomic store is all the handler does.
#include "vmm/runtime/interrupt.h"

#include <atomic>
#include <csignal>

namespace shadowtlb::vmm {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler must not take a lock");

void on_interrupt(int signal) { g_signal.store(signal, std::memory_order_relaxed); }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: other system calls (the trace's write, a disk file's pread)
  // carry on; KVM_RUN returns EINTR anyway and the vCPU loop re-enters.
  // SA_RESETHAND: a second signal has the default effect (terminate).
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interrupt_signal() { return g_signal.load(std::memory_order_relaxed); }

}  // namespace shadowtlb::vmm
