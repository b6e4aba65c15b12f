// SIGINT/SIGTERM during `shadowtlb run`: the handler only records the
// signal; Machine::run polls for it and stops the VM cleanly (outcome
// `interrupted`), so the trace still gets its footer (docs/trace.md).
#pragma once

namespace shadowtlb::vmm {

// Installs the handlers for SIGINT and SIGTERM. One-shot: the handler resets
// itself, so a second Ctrl-C kills the process at once. The CLI's run path
// only; a library user (tests) keeps its own signal dispositions.
void install_interrupt_handlers();

// The signal received since the handlers were installed, or 0. Async-signal-
// safe to set, cheap to poll.
[[nodiscard]] int interrupt_signal();
[[nodiscard]] inline bool interrupt_requested() { return interrupt_signal() != 0; }

}  // namespace shadowtlb::vmm
