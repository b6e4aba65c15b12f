// `run --iterations N`: the same machine run N times (a fresh VM each time),
// and how many runs ended with each verdict (docs/scheduling.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "vmm/builder/vm_config.h"
#include "vmm/cli/exit_codes.h"
#include "vmm/cli/json_summary.h"
#include "vmm/cli/run_command.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm::cli {

inline constexpr std::int64_t kMaxIterations = 100'000;

// What N runs came to. Each run counts in exactly one of: verdicts (it
// ended well and the image judged it), no_verdict (it ended well, unjudged),
// failed (crash, timeout, schedule error, ...).
struct IterationTally {
  unsigned runs = 0;
  std::map<std::string, unsigned> verdicts;
  unsigned no_verdict = 0;
  unsigned failed = 0;
  std::optional<ExitCode> first_failure;  // the exit code the first failed run had

  void add(const RunResult& result);
  // 3 if some run's verdict is not "ok"; else the first failed run's code; else 0.
  [[nodiscard]] ExitCode exit_code() const;
  // "lost_write 3, ok 34" (verdicts by name), then "no verdict 1", "failed 2" when not 0.
  [[nodiscard]] std::string counts() const;
};

// --iterations N checked (1..kMaxIterations, no --record: it records one run).
// Throws ConfigError.
[[nodiscard]] unsigned checked_iterations(const RunOptions& options, const VmConfig& config);

// {"runs": N, "verdicts": {...}, "no_verdict": a, "failed": b}
[[nodiscard]] Json iterations_json(const IterationTally& tally);
// "shadowtlb: mremap-race: 100 runs: lost_write 37, ok 63 in 4.2 s", newline-terminated.
[[nodiscard]] std::string iterations_line(const VmConfig& config, const IterationTally& tally,
                                          double seconds);

// Runs `config` `n` times; prints progress and the summary; returns the
// process exit code. Never throws.
[[nodiscard]] int run_iterations(const RunOptions& options, VmConfig config, unsigned n);

}  // namespace shadowtlb::vmm::cli
