// Formatting a finished run for a person reading the terminal.
#include "vmm/cli/human_summary.h"

#include <fmt/format.h>

#include <cmath>

#include "vmm/cli/error_exit.h"
#include "vmm/cli/exit_codes.h"
#include "vmm/explain/verdict_explanation.h"

namespace shadowtlb::vmm::cli {
namespace {

struct TestCounts {
  unsigned passed = 0, failed = 0, skipped = 0;
};

TestCounts count_tests(const RunResult& result) {
  TestCounts counts;
  for (const GuestReport& report : result.reports) {
    if (report.kind == abi::REPORT_TEST_PASS) ++counts.passed;
    if (report.kind == abi::REPORT_TEST_FAIL) ++counts.failed;
    if (report.kind == abi::REPORT_TEST_SKIP) ++counts.skipped;
  }
  return counts;
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

void append_registers(std::string& out, const VcpuFailure& f) {
  static constexpr const char* names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp",
                                            "rsi", "rdi", "r8",  "r9",  "r10", "r11",
                                            "r12", "r13", "r14", "r15"};
  out += fmt::format("shadowtlb:   vCPU {} at rip {:#x}: {}\n", f.vcpu, f.rip,
                     f.instruction.empty() ? "(no instruction)" : one_line(f.instruction));
  // Four registers a line, aligned like a kernel oops so the columns scan.
  for (int i = 0; i < 16; i += 4) {
    out += "shadowtlb:  ";
    for (int j = i; j < i + 4; ++j) out += fmt::format(" {:>3} {:016x}", names[j], f.gpr[j]);
    out += "\n";
  }
  out += fmt::format("shadowtlb:   rflags {:016x} cr0 {:016x} cr2 {:016x}\n", f.rflags, f.cr0,
                     f.cr2);
  out += fmt::format("shadowtlb:   cr3 {:016x} cr4 {:016x}\n", f.cr3, f.cr4);
}

}  // namespace

std::string summary_line(const VmConfig& config, const RunResult& result) {
  const TestCounts tests = count_tests(result);
  std::string detail = plural(config.vcpus, "vCPU", "vCPUs");
  if (tests.passed + tests.failed + tests.skipped > 0) {
    detail += fmt::format(", {} passed", plural(tests.passed, "guest test", "guest tests"));
    if (tests.failed > 0) detail += fmt::format(", {} failed", tests.failed);
    if (tests.skipped > 0) detail += fmt::format(", {} skipped", tests.skipped);
  }
  if (!result.hazards.empty())
    detail += fmt::format(", {}", plural(static_cast<unsigned>(result.hazards.size()), "hazard",
                                         "hazards"));
  return fmt::format("shadowtlb: {}: {} ({}) in {} ms\n", config.image_name, result_name(result),
                     detail, std::llround(result.wall_ms));
}

std::string disks_line(const RunResult& result) {
  std::string devices;
  for (const BlockDeviceReport& d : result.disks) {
    const BlockStats& s = d.stats;
    if (s.read_calls + s.write_calls + s.flush_calls == 0) continue;
    devices += fmt::format("{}{}{}: {} read, {} written, {}", devices.empty() ? "" : "; ", d.name,
                           d.path.empty() ? "" : " " + d.path,
                           plural(s.blocks_read, "block", "blocks"), s.blocks_written,
                           plural(s.flush_calls, "flush", "flushes"));
  }
  return devices.empty() ? "" : fmt::format("shadowtlb: {}\n", devices);
}

std::string verdict_details(const RunResult& result) {
  std::string out;
  std::vector<std::string> lines = explain_verdict(result);
  for (std::size_t i = 0; i < lines.size(); ++i)
    out += fmt::format("shadowtlb: {}{}\n", i == 0 ? "" : "  ", lines[i]);
  return out;
}

std::string failure_details(const RunResult& result) {
  if (result.outcome == Outcome::guest_exit_ok) return {};
  std::string out;
  for (const GuestReport& report : result.reports) {
    if (report.kind != abi::REPORT_TEST_FAIL) continue;
    out += one_line(fmt::format("shadowtlb: guest test '{}' failed on vCPU {}: {} ({}:{}; lhs {:#x}, "
                                "rhs {:#x})",
                                report.name, report.vcpu, report.expr, report.file, report.line,
                                report.values[0], report.values[1]));
    out += "\n";
  }
  const std::string message =
      result.message.empty() ? fmt::format("the run ended with {}", outcome_name(result.outcome))
                             : result.message;
  out += fmt::format("shadowtlb: error: {}\n", one_line(message));
  if (result.failure) append_registers(out, *result.failure);
  return out;
}

}  // namespace shadowtlb::vmm::cli
