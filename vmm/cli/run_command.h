// `shadowtlb run IMAGE [options]`: build a VmConfig, run the VM, report the result.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vmm/builder/settings.h"

namespace shadowtlb::vmm::cli {

// Everything `run` accepts. Later options (--tlb, --trace, ...) go here and in
// add_run_command; run_command passes them on through the VmConfig.
struct RunOptions {
  std::string image;       // built-in name, manifest, or ELF path
  CliOverrides overrides;  // only what the user typed explicitly
  bool json = false;       // one JSON object on stdout; the console goes to stderr
  bool quiet = false;      // no guest console, no summary on success
  std::optional<std::int64_t> iterations;  // run the machine N times (vmm/cli/iterations.h)
  std::string trace;                      // --trace FILE (vmm/cli/run_trace.h, docs/trace.md)
  std::vector<std::string> snapshot_at;   // --snapshot-at MARK, repeatable
  std::vector<std::string> argv;          // the whole command line, for the trace's header
};

// Registers the `run` subcommand and its options on `app`, filling `options`.
CLI::App* add_run_command(CLI::App& app, RunOptions& options);

// Runs it; returns the process exit code (exit_codes.h). Never throws.
[[nodiscard]] int run_command(const RunOptions& options);

}  // namespace shadowtlb::vmm::cli
