// The `run` subcommand: resolve and validate everything first, then open KVM and run.
#include "vmm/cli/run_command.h"

#include <fmt/format.h>

#include <cstdio>

#include "vmm/builder/image_source.h"
#include "vmm/cli/error_exit.h"
#include "vmm/cli/exit_codes.h"
#include "vmm/cli/human_summary.h"
#include "vmm/cli/iterations.h"
#include "vmm/cli/json_summary.h"
#include "vmm/cli/run_trace.h"
#include "vmm/errors.h"
#include "vmm/runtime/interrupt.h"
#include "vmm/runtime/machine.h"

namespace shadowtlb::vmm::cli {
namespace {

// Where the guest console goes: stdout normally; stderr under --json so that
// stdout holds only the JSON object; nowhere under --quiet.
void route_console(const RunOptions& options, VmConfig& config) {
  config.echo_console = !options.quiet;
  config.console_to_stderr = options.json;
}

int report_error(const RunOptions& options, const std::exception& error) {
  const ErrorExit exit = describe_error(error);
  print_error(exit.message);
  if (options.json) {
    std::fputs(dump_summary(error_summary_json(options.image, exit.code, exit.message)).c_str(),
               stdout);
  }
  return exit.code;
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunOptions& options) {
  CLI::App* run = app.add_subcommand("run", "Boot a guest image and run it to completion");
  run->add_option("IMAGE", options.image,
                  "Built-in image name (see 'shadowtlb images'), manifest (.textproto) or ELF file")
      ->required();
  run->add_option("--vcpus", options.overrides.vcpus, "Number of vCPUs, 1..64 (default 2)");
  run->add_option("--mem", options.overrides.mem,
                  "Guest RAM, e.g. 64M or 1G; 4M..64G (default 64M)");
  run->add_option("--cmdline", options.overrides.cmdline, "Guest kernel command line");
  run->add_option("--timeout", options.overrides.timeout_s,
                  "Stop the run after this many seconds (default 120)");
  run->add_option("--seed", options.overrides.seed,
                  "Seed for guest and VMM randomness (default 1)");
  run->add_option("--tlb", options.overrides.tlb,
                  "TLB model: architectural (stale entries live until flushed; default), "
                  "coherent (every PTE change reaches every vCPU at once), off (no model)");
  run->add_option("--tlb-capacity", options.overrides.tlb_capacity,
                  "TLB entries per vCPU; a full TLB evicts one (default 0: unlimited)");
  run->add_option("--tlb-evict", options.overrides.tlb_evict,
                  "Eviction policy when the TLB is full: lru (default) or random (seeded by --seed)");
  run->add_option("--enforce", options.overrides.enforce,
                  "Hypervisor-side policy: none (default) or dirty-shootdown (shoot down a dirty "
                  "TLB entry before its PTE is cleared, moved or cleaned)");
  run->add_option("--dump-tlb-at", options.overrides.dump_tlb_at,
                  "Print every vCPU's TLB when the guest reaches this mark (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  run->add_option("--disk", options.overrides.disk,
                  "Host file backing the guest's disk; created (or, if empty, sized) with "
                  "--disk-size, else used at its size (default: a disk in memory)");
  run->add_option("--disk-size", options.overrides.disk_size,
                  "Size of a memory disk or of a new --disk file, whole 4 KiB blocks up to 4G "
                  "(default 16M)");
  run->add_option("--swap-size", options.overrides.swap_size,
                  "Size of the swap device (in memory), up to 4G; 0 for none (default 16M)");
  run->add_option("--schedule", options.overrides.schedule.schedule,
                  "free (every vCPU at once), controlled (one vCPU at a time, default policy) or "
                  "a schedule file (protobuf text); default: the image's built-in schedule, else "
                  "free");
  run->add_option("--record", options.overrides.schedule.record,
                  "Write the controlled run as a schedule file that --schedule replays");
  run->add_option("--delay", options.overrides.schedule.delays,
                  "MARK=DURATION: the vCPU reaching MARK sleeps that long, e.g. "
                  "move_ptes.unlock=10ms (free-running runs; repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  run->add_option("--iterations", options.iterations,
                  "Run the machine N times, 1..100000, and count the verdicts");
  run->add_option("--trace", options.trace,
                  "Write every MMU event, mark and hypercall of the run to FILE (docs/trace.md)");
  run->add_option("--snapshot-at", options.snapshot_at,
                  "Put every vCPU's TLB into the trace when the guest reaches this mark "
                  "(repeatable; needs --trace)")
      ->take_all()
      ->allow_extra_args(false);
  run->add_flag("--json", options.json,
                "Print one JSON summary on stdout; the guest console goes to stderr");
  run->add_flag("--quiet", options.quiet,
                "Hide the guest console and, on success, the summary line");
  return run;
}

int run_command(const RunOptions& options) {
  VmConfig config;
  unsigned iterations = 1;
  try {
    // Everything the user can get wrong is found here, before /dev/kvm is opened.
    config = make_vm_config(options.image, options.overrides);
    iterations = checked_iterations(options, config);
    apply_trace_options(options.trace, options.snapshot_at, config);
    if (iterations > 1 && !config.trace.path.empty())
      throw ConfigError("--trace records one run; it cannot be combined with --iterations");
  } catch (const std::exception& error) {
    return report_error(options, error);
  }
  route_console(options, config);
  if (iterations > 1) return run_iterations(options, std::move(config), iterations);

  std::unique_ptr<trace::TraceWriter> trace;
  RunResult result;
  try {
    trace = open_trace(config, options.argv);  // before /dev/kvm: a bad path fails first
    // Ctrl-C stops the VM cleanly (exit code 130) and the trace keeps its footer.
    install_interrupt_handlers();
    result = run_vm(config, trace.get());
  } catch (const std::exception& error) {
    if (trace) finish_trace_with_error(*trace, describe_error(error));
    return report_error(options, error);
  }

  const ExitCode code = exit_code_for(result);
  if (trace) {
    finish_trace(*trace, result, code);
    if (!options.quiet) std::fputs(trace_line(*trace).c_str(), stderr);
  }
  std::fflush(stdout);  // the guest console first, then what we say about it
  if (options.json) {
    Json summary = run_summary_json(config, result);
    if (trace) summary["trace"] = trace_json(*trace);
    std::fputs(dump_summary(summary).c_str(), stdout);
    std::fputs(verdict_details(result).c_str(), stderr);
    std::fputs(failure_details(result).c_str(), stderr);
  } else {
    if (code != kExitOk || !options.quiet) {
      std::fputs(summary_line(config, result).c_str(), stderr);
      std::fputs(disks_line(result).c_str(), stderr);
    }
    std::fputs(verdict_details(result).c_str(), stderr);
    std::fputs(failure_details(result).c_str(), stderr);
  }
  std::fflush(stdout);
  return code;
}

}  // namespace shadowtlb::vmm::cli
