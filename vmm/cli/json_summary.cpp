// Building the `run --json` summary from a VmConfig and the RunResult the VMM returned.
#include "vmm/cli/json_summary.h"

#include <fmt/format.h>

#include <string>

#include "vmm/cli/mmu_json.h"
#include "vmm/explain/verdict_explanation.h"

namespace shadowtlb::vmm::cli {
namespace {

std::string hex(std::uint64_t value) { return fmt::format("{:#x}", value); }

const char* test_result(abi::report_kind kind) {
  switch (kind) {
    case abi::REPORT_TEST_PASS: return "pass";
    case abi::REPORT_TEST_FAIL: return "fail";
    case abi::REPORT_TEST_SKIP: return "skip";
    default: return nullptr;
  }
}

Json test_json(const GuestReport& report, const char* result) {
  Json test = {{"name", report.name}, {"vcpu", report.vcpu}, {"result", result},
               {"file", report.file}, {"line", report.line}, {"expr", report.expr}};
  // A failed comparison carries both sides (abi/guest_report.h).
  if (report.kind == abi::REPORT_TEST_FAIL) {
    test["lhs"] = hex(report.values[0]);
    test["rhs"] = hex(report.values[1]);
  }
  return test;
}

Json failure_json(const VcpuFailure& failure) {
  static constexpr const char* gpr_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp",
                                                "rsi", "rdi", "r8",  "r9",  "r10", "r11",
                                                "r12", "r13", "r14", "r15"};
  Json registers = Json::object();
  for (int i = 0; i < 16; ++i) registers[gpr_names[i]] = hex(failure.gpr[i]);
  registers["rip"] = hex(failure.rip);
  registers["rsp"] = hex(failure.rsp);
  registers["rflags"] = hex(failure.rflags);
  registers["cr0"] = hex(failure.cr0);
  registers["cr2"] = hex(failure.cr2);
  registers["cr3"] = hex(failure.cr3);
  registers["cr4"] = hex(failure.cr4);
  return {{"vcpu", failure.vcpu},
          {"rip", hex(failure.rip)},
          {"registers", std::move(registers)},
          {"instruction", failure.instruction}};
}

// Device name -> backing file (null in memory), capacity and blocks moved.
Json disks_json(const std::vector<BlockDeviceReport>& disks) {
  Json out = Json::object();
  for (const BlockDeviceReport& d : disks)
    out[d.name] = {{"path", d.path.empty() ? Json(nullptr) : Json(d.path)},
                   {"blocks", d.blocks},
                   {"reads", d.stats.blocks_read},
                   {"writes", d.stats.blocks_written},
                   {"flushes", d.stats.flush_calls}};
  return out;
}

Json verdict_json(const RunResult& result) {
  const Verdict& v = *result.verdict;
  return {{"name", v.name},
          {"reason", v.reason},
          {"vcpu", v.vcpu},
          {"values", Json(std::vector<std::uint64_t>(v.values.begin(), v.values.end()))},
          {"explanation", explain_verdict(result)}};
}

// The schedule the run followed: free-running, or controlled with its steps.
Json schedule_json(const sched::ScheduleOptions& options) {
  Json j = {{"mode", sched::is_controlled(options) ? "controlled" : "free"}};
  if (!sched::is_controlled(options)) return j;
  j["origin"] = options.origin;
  j["begin_mark"] = options.steps.begin_mark();
  Json steps = Json::array();
  for (const proto::Step& step : options.steps.step()) {
    Json s = {{"vcpu", step.vcpu()}};
    if (!step.until_mark().empty()) {
      s["until_mark"] = step.until_mark();
      s["count"] = step.count() ? step.count() : 1;
      s["or_blocked"] = step.or_blocked();
    } else {
      s["points"] = step.points();
      s["last_point"] = step.last_point();
    }
    if (!step.note().empty()) s["note"] = step.note();
    steps.push_back(std::move(s));
  }
  j["steps"] = std::move(steps);
  return j;
}

}  // namespace

Json run_summary_json(const VmConfig& config, const RunResult& result) {
  Json tests = Json::array();
  Json values = Json::array();
  for (const GuestReport& report : result.reports) {
    if (const char* outcome = test_result(report.kind)) {
      tests.push_back(test_json(report, outcome));
    } else if (report.kind == abi::REPORT_VALUE) {
      values.push_back({{"name", report.name}, {"vcpu", report.vcpu}, {"value", report.values[0]}});
    }
  }
  Json summary = {
      {"result", std::string(result_name(result))},
      {"exit_code", static_cast<int>(exit_code_for(result))},
      {"image", config.image_name},
      {"vcpus", config.vcpus},
      {"vcpus_started", result.vcpus_started},
      {"mem_bytes", config.mem_bytes},
      {"seed", config.seed},
      {"guest_status", result.guest_status},
      {"wall_ms", result.wall_ms},
      {"message", result.message},
      {"tlb", tlb_options_json(config.mmu)},
      {"tests", std::move(tests)},
      {"values", std::move(values)},
  };
  Json hazards = Json::array();
  for (const HazardReport& h : result.hazards) hazards.push_back(hazard_json(h));
  summary["hazards"] = std::move(hazards);
  if (!result.mmu_stats.empty()) {
    Json stats = Json::object();
    for (const MmuOpStats& op : result.mmu_stats)
      stats[op.op] = {{"count", op.count},
                      {"mean_ns", op.total_ns / op.count},
                      {"max_ns", op.max_ns}};
    summary["mmu_stats"] = std::move(stats);
  }
  if (!result.tlb_dumps.empty()) {
    Json dumps = Json::array();
    for (const TlbDump& d : result.tlb_dumps) dumps.push_back(tlb_dump_json(d));
    summary["tlb_dumps"] = std::move(dumps);
  }
  if (result.verdict) summary["verdict"] = verdict_json(result);
  summary["schedule"] = schedule_json(config.sched);
  summary["disks"] = disks_json(result.disks);
  if (result.failure) summary["failure"] = failure_json(*result.failure);
  return summary;
}

Json error_summary_json(std::string_view image, ExitCode exit_code, std::string_view message) {
  return {{"result", "error"},
          {"exit_code", static_cast<int>(exit_code)},
          {"image", std::string(image)},
          {"message", std::string(message)}};
}

std::string dump_summary(const Json& summary) {
  return summary.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace shadowtlb::vmm::cli
