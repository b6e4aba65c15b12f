// The header and footer of `run --trace`, and the checks of its options.
#include "vmm/cli/run_trace.h"

#include <fmt/format.h>

#include "vmm/builder/mmu_settings.h"
#include "vmm/errors.h"
#include "vmm/explain/verdict_explanation.h"

#ifndef SHADOWTLB_VERSION
#error "SHADOWTLB_VERSION must be defined by the build (vmm/frontend.cmake)"
#endif

namespace shadowtlb::vmm::cli {

void apply_trace_options(const std::string& path, const std::vector<std::string>& snapshot_at,
                         VmConfig& config) {
  if (!snapshot_at.empty() && path.empty())
    throw ConfigError("--snapshot-at writes into the trace: give --trace FILE too");
  if (!snapshot_at.empty() && !config.mmu.shadow)
    throw ConfigError("--snapshot-at needs the TLB model; it cannot be used with --tlb off");
  for (const std::string& mark : snapshot_at)
    if (mark.empty() || mark.size() > 127)
      throw ConfigError("--snapshot-at: a mark name is 1 to 127 characters");
  if (path.empty()) return;
  config.trace.path = path;
  config.trace.snapshot_at = snapshot_at;
}

proto::TraceHeader trace_header(const VmConfig& config, const std::vector<std::string>& argv) {
  proto::TraceHeader h;
  h.set_tool_version(SHADOWTLB_VERSION);
  h.set_image(config.image_name);
  h.set_vcpus(config.vcpus);
  h.set_mem_bytes(config.mem_bytes);
  h.set_cmdline(config.cmdline);
  h.set_tlb_mode(std::string(tlb_mode_name(config.mmu)));
  h.set_tlb_capacity(static_cast<std::uint32_t>(config.mmu.capacity));
  h.set_tlb_evict(std::string(evict_policy_name(config.mmu.evict)));
  h.set_enforce(std::string(enforce_policy_name(config.mmu.enforce)));
  h.set_schedule_mode(sched::is_controlled(config.sched) ? "controlled" : "free");
  h.set_seed(config.seed);
  for (const std::string& arg : argv) h.add_argv(arg);
  return h;
}

std::unique_ptr<trace::TraceWriter> open_trace(const VmConfig& config,
                                               const std::vector<std::string>& argv) {
  if (config.trace.path.empty()) return nullptr;
  return std::make_unique<trace::TraceWriter>(config.trace.path, trace_header(config, argv));
}

void finish_trace(trace::TraceWriter& writer, const RunResult& result, ExitCode code) {
  proto::TraceFooter f;
  f.set_result(std::string(result_name(result)));
  f.set_exit_code(code);
  if (result.verdict) {
    f.set_verdict(result.verdict->name);
    f.set_verdict_reason(result.verdict->reason);
  }
  for (std::string& line : explain_verdict(result)) f.add_explanation(std::move(line));
  f.set_wall_ns(static_cast<std::uint64_t>(result.wall_ms * 1e6));
  f.set_interrupted(result.outcome == Outcome::interrupted);
  f.set_message(result.message);
  writer.write_footer(std::move(f));
}

void finish_trace_with_error(trace::TraceWriter& writer, const ErrorExit& error) {
  proto::TraceFooter f;
  f.set_result("error");
  f.set_exit_code(error.code);
  f.set_wall_ns(writer.elapsed_ns());
  f.set_message(error.message);
  writer.write_footer(std::move(f));
}

Json trace_json(const trace::TraceWriter& writer) {
  return {{"path", writer.path()},
          {"records", writer.records()},
          {"snapshots", writer.snapshots()},
          {"bytes", writer.bytes()},
          {"complete", !writer.failed()}};
}

std::string trace_line(const trace::TraceWriter& writer) {
  const std::uint64_t snapshots = writer.snapshots();
  return fmt::format("shadowtlb: trace {}: {} records, {} snapshot{}, {} KiB{}\n", writer.path(),
                     writer.records(), snapshots, snapshots == 1 ? "" : "s",
                     (writer.bytes() + 1023) / 1024,
                     writer.failed() ? " (cut short by a write error)" : "");
}

}  // namespace shadowtlb::vmm::cli
