// `run --trace FILE`: the CLI's side of a trace. It opens the file before
// the VM starts (so a bad path is an error up front), writes the header from
// the command line and the VmConfig, and the footer from the RunResult, the
// exit code and the verdict's explanation (docs/trace.md).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vmm/builder/vm_config.h"
#include "vmm/cli/error_exit.h"
#include "vmm/cli/exit_codes.h"
#include "vmm/cli/json_summary.h"
#include "vmm/runtime/run_result.h"
#include "vmm/trace/trace_writer.h"

namespace shadowtlb::vmm::cli {

// --trace/--snapshot-at into config.trace, checked: --snapshot-at needs
// --trace and the TLB model. Throws ConfigError.
void apply_trace_options(const std::string& path, const std::vector<std::string>& snapshot_at,
                         VmConfig& config);

// The header: tool version, image, machine and model options, the command line.
[[nodiscard]] proto::TraceHeader trace_header(const VmConfig& config,
                                              const std::vector<std::string>& argv);

// Null without --trace. Throws KvmError (exit code 2) for a path that cannot
// be created or written.
[[nodiscard]] std::unique_ptr<trace::TraceWriter> open_trace(const VmConfig& config,
                                                             const std::vector<std::string>& argv);

// The footer of a run that happened: result and exit code as the summary has
// them, the verdict and its explanation, wall time, interrupted.
void finish_trace(trace::TraceWriter& writer, const RunResult& result, ExitCode code);
// The footer of a run that could not start or failed in the VMM: result "error".
void finish_trace_with_error(trace::TraceWriter& writer, const ErrorExit& error);

// The summary's "trace" object: path, records, snapshots, bytes, complete
// (false when a write error cut the trace short).
[[nodiscard]] Json trace_json(const trace::TraceWriter& writer);

// "shadowtlb: trace t.pb: 1234 records, 1 snapshot, 210 KiB", newline-terminated.
[[nodiscard]] std::string trace_line(const trace::TraceWriter& writer);

}  // namespace shadowtlb::vmm::cli
