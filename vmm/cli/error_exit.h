// Turning an exception that ended a command into its exit code and one line for the user.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "vmm/cli/exit_codes.h"

namespace shadowtlb::vmm::cli {

struct ErrorExit {
  ExitCode code = kExitVmFailed;
  std::string message;  // one line, without the "shadowtlb: error: " prefix
};

// ConfigError and ImageError are the user's to fix (exit 1); KvmError and
// anything unexpected mean the VM could not run (exit 2). Opening /dev/kvm
// without it or without permission gets a hint about the usual causes.
[[nodiscard]] ErrorExit describe_error(const std::exception& error);

// Folds a message onto one line, so that every error stays one line of stderr.
[[nodiscard]] std::string one_line(std::string_view message);

// Writes "shadowtlb: error: <message>" and a newline to stderr.
void print_error(std::string_view message);

}  // namespace shadowtlb::vmm::cli
