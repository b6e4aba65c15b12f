// Repeating a run: a tally of verdicts, progress on stderr, one summary.
#include "vmm/cli/iterations.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "vmm/cli/error_exit.h"
#include "vmm/errors.h"
#include "vmm/runtime/machine.h"

namespace shadowtlb::vmm::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kProgressEvery = std::chrono::seconds(1);
// A scenario failing on every run must not flood the terminal.
constexpr unsigned kFailuresShown = 5;

int report_error(const RunOptions& options, const std::exception& error, unsigned iteration) {
  const ErrorExit exit = describe_error(error);
  print_error(fmt::format("iteration {}: {}", iteration, exit.message));
  if (options.json)
    std::fputs(dump_summary(error_summary_json(options.image, exit.code, exit.message)).c_str(),
               stdout);
  return exit.code;
}

void show_failure(const RunResult& result, unsigned iteration, unsigned n) {
  std::fprintf(stderr, "shadowtlb: iteration %u/%u: %s: %s\n", iteration, n,
               std::string(outcome_name(result.outcome)).c_str(),
               one_line(result.message).c_str());
}

void print_summary(const RunOptions& options, const VmConfig& config, const RunResult& last,
                   const IterationTally& tally, double seconds) {
  const ExitCode code = tally.exit_code();
  if (options.json) {
    Json summary = run_summary_json(config, last);
    // The process's exit code, which the runs decide together.
    summary["exit_code"] = static_cast<int>(code);
    summary["iterations"] = iterations_json(tally);
    std::fputs(dump_summary(summary).c_str(), stdout);
  } else if (code != kExitOk || !options.quiet) {
    std::fputs(iterations_line(config, tally, seconds).c_str(), stderr);
  }
}

}  // namespace

void IterationTally::add(const RunResult& result) {
  ++runs;
  if (result.outcome != Outcome::guest_exit_ok) {
    ++failed;
    if (!first_failure) first_failure = exit_code_for(result);
  } else if (result.verdict) {
    ++verdicts[result.verdict->name];
  } else {
    ++no_verdict;
  }
}

ExitCode IterationTally::exit_code() const {
  for (const auto& [name, count] : verdicts)
    if (name != "ok" && count > 0) return kExitHazard;
  return first_failure.value_or(kExitOk);
}

std::string IterationTally::counts() const {
  std::string text;
  auto add_count = [&](std::string_view name, unsigned count) {
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", name, count);
  };
  for (const auto& [name, count] : verdicts) add_count(name, count);
  if (no_verdict != 0 || verdicts.empty()) add_count("no verdict", no_verdict);
  if (failed != 0) add_count("failed", failed);
  return text;
}

unsigned checked_iterations(const RunOptions& options, const VmConfig& config) {
  if (!options.iterations) return 1;
  const std::int64_t n = *options.iterations;
  if (n < 1 || n > kMaxIterations)
    throw ConfigError(fmt::format("--iterations {}: the number of runs must be between 1 and {}",
                                  n, kMaxIterations));
  if (n > 1 && !config.sched.record_path.empty())
    throw ConfigError("--record records one run; it cannot be combined with --iterations");
  return static_cast<unsigned>(n);
}

Json iterations_json(const IterationTally& tally) {
  Json verdicts = Json::object();
  for (const auto& [name, count] : tally.verdicts) verdicts[name] = count;
  return {{"runs", tally.runs},
          {"verdicts", std::move(verdicts)},
          {"no_verdict", tally.no_verdict},
          {"failed", tally.failed}};
}

std::string iterations_line(const VmConfig& config, const IterationTally& tally, double seconds) {
  return fmt::format("shadowtlb: {}: {} run{}: {} in {:.1f} s\n", config.image_name, tally.runs,
                     tally.runs == 1 ? "" : "s", tally.counts(), seconds);
}

int run_iterations(const RunOptions& options, VmConfig config, unsigned n) {
  // N consoles and N sets of hazard lines would bury the tally.
  config.echo_console = false;
  IterationTally tally;
  RunResult last;
  const auto start = Clock::now();
  auto last_progress = start;
  for (unsigned i = 1; i <= n; ++i) {
    try {
      last = run_vm(config);
    } catch (const std::exception& error) {
      return report_error(options, error, i);
    }
    tally.add(last);
    if (last.outcome != Outcome::guest_exit_ok && tally.failed <= kFailuresShown)
      show_failure(last, i, n);
    if (!options.quiet && i < n && Clock::now() - last_progress >= kProgressEvery) {
      last_progress = Clock::now();
      std::fprintf(stderr, "shadowtlb: iteration %u/%u: %s\n", i, n, tally.counts().c_str());
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  print_summary(options, config, last, tally, seconds);
  return tally.exit_code();
}

}  // namespace shadowtlb::vmm::cli
