// What a finished run tells its caller: outcome, guest reports, timing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abi/guest_report.h"
#include "shadow_mmu/events.h"
#include "vmm/devices/block_stats.h"
#include "vmm/runtime/event_trace.h"

namespace shadowtlb::vmm {

// Why the run ended; the CLI maps each to an exit code (docs/cli.md).
enum class Outcome {
  guest_exit_ok,      // HC_EXIT(0)
  guest_exit_failed,  // HC_EXIT(status != 0), or a guest test failed
  guest_panic,        // REPORT_PANIC or an unhandled guest exception
  triple_fault,       // KVM_EXIT_SHUTDOWN
  vm_error,           // KVM failure, unhandled exit reason, internal error
  timeout,            // --timeout elapsed without HC_EXIT
  schedule_error,     // a controlled run could not follow its schedule (docs/scheduling.md)
  interrupted,        // SIGINT/SIGTERM stopped `shadowtlb run` (vmm/runtime/interrupt.h)
};

std::string_view outcome_name(Outcome outcome);

// One report a guest sent with HC_REPORT, decoded.
struct GuestReport {
  abi::report_kind kind;
  unsigned vcpu = 0;         // the vCPU the VMM received it on
  std::string name;
  std::string file;
  unsigned line = 0;
  std::string expr;
  std::uint64_t values[4] = {};
};

// Registers and the instruction at RIP of a vCPU that failed (triple fault, ...).
struct VcpuFailure {
  unsigned vcpu = 0;
  std::uint64_t rip = 0, rsp = 0, rflags = 0, cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0;
  std::uint64_t gpr[16] = {};  // rax rcx rdx rbx rsp rbp rsi rdi r8..r15 (SDM order)
  std::string instruction;     // Capstone's disassembly, or why there is none
};

// A hazard the shadow MMU found, with the guest instructions disassembled.
struct HazardReport {
  mmu::Hazard hazard;
  std::string instruction;           // at hazard.rip
  std::string stale_by_instruction;  // at hazard.stale_by_rip (the page-table write)
};

// A scenario's judgement of its own run, from guest-visible data (REPORT_VERDICT).
struct Verdict {
  std::string name;                    // "ok", "lost_write", ...
  std::string reason;                  // the guest's one-line why
  std::array<std::uint64_t, 4> values{};  // the evidence, as the image defines it
  unsigned vcpu = 0;
  [[nodiscard]] bool ok() const { return name == "ok"; }
};

// Marks kept in a RunResult: a run that sends more keeps the first ones.
inline constexpr std::size_t kMaxMarks = 1'000'000;

// A mark (HC_MARK) the guest sent, in the order the VMM received them.
struct MarkRecord {
  unsigned vcpu = 0;
  std::string name;
  std::uint64_t value = 0;
};

// Every vCPU's TLB when the guest reached a mark named in --dump-tlb-at.
struct TlbDump {
  std::string mark;
  unsigned vcpu = 0;                  // the vCPU that reached it
  std::uint64_t value = 0;            // the mark's value argument
  std::vector<std::vector<mmu::TlbEntry>> entries;  // per vCPU
  std::vector<GuestPhysAddr> guest_roots;           // per vCPU
};

// VMM-side time spent in one kind of MMU exit (vmm/mmu/mmu_stats.h).
struct MmuOpStats {
  std::string op;
  std::uint64_t count = 0;
  std::uint64_t total_ns = 0;
  std::uint64_t max_ns = 0;
};

// A block device of the run: its backing store and what the guest did with it.
struct BlockDeviceReport {
  std::string name;          // "disk" or "swap"
  std::string path;          // the host file; empty for a device in memory
  std::uint64_t blocks = 0;  // capacity
  BlockStats stats;
};

struct RunResult {
  Outcome outcome = Outcome::vm_error;
  std::int64_t guest_status = -1;     // the HC_EXIT status, -1 if the guest never exited
  std::string message;                // one line for the user when not guest_exit_ok
  std::optional<VcpuFailure> failure;
  std::vector<GuestReport> reports;   // in arrival order
  std::vector<HazardReport> hazards;  // in detection order
  std::vector<TlbDump> tlb_dumps;
  std::vector<MarkRecord> marks;      // the first kMaxMarks, in arrival order
  std::optional<Verdict> verdict;     // the image's last REPORT_VERDICT, if it sent one
  std::vector<MmuOpStats> mmu_stats;  // with the model on; kinds that occurred
  std::vector<BlockDeviceReport> disks;  // each device present, in abi::blk_dev order
  unsigned vcpus_started = 0;
  double wall_ms = 0;
  // Controlled runs: the run as a points-based Schedule textproto that
  // replays it (--record); empty for a free-running run.
  std::string schedule_record;
  EventTrace event_trace;  // with VmConfig::keep_event_trace: model events and marks, in order
};

}  // namespace shadowtlb::vmm
