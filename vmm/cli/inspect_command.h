// `shadowtlb inspect FILE`: a run trace in the terminal (docs/inspect.md): the
// per-vCPU timeline with filters, every TLB at an event, the hazard chains,
// JSON for scripts, and the Chrome trace-event export.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace shadowtlb::vmm::cli {

struct InspectOptions {
  std::string trace;                // the trace file (`run --trace`)
  std::vector<unsigned> vcpus;      // --vcpu (repeatable)
  std::string va;                   // --va ADDR
  std::vector<std::string> kinds;   // --kind (repeatable, or comma-separated)
  std::string from;                 // --from EVENT
  std::string to;                   // --to EVENT
  bool tlb = false;                 // --tlb (with --at)
  std::string at;                   // --at EVENT
  bool explain = false;             // --explain
  bool json = false;                // --json
  std::size_t width = 0;            // --width; 0: the terminal's, else 120
  std::string chrome;               // --chrome OUT.json
};

CLI::App* add_inspect_command(CLI::App& app, InspectOptions& options);

// Reads the trace and prints what the options ask for; returns the exit code
// (0; 1 for a bad option or a file that is not a trace; 2 when --chrome
// cannot write its file). Never throws.
[[nodiscard]] int inspect_command(const InspectOptions& options);

}  // namespace shadowtlb::vmm::cli
