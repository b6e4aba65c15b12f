// Everything needed to build and run one VM, after the CLI and a manifest are merged.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "shadow_mmu/shadow_mmu.h"
#include "vmm/sched/schedule_options.h"
#include "vmm/trace/trace_options.h"

namespace shadowtlb::vmm {

// The TLB model the run uses (docs/shadow-mmu.md).
struct MmuOptions {
  // false: no model, the guest's own tables are the real ones (--tlb off).
  bool shadow = true;
  mmu::TlbMode mode = mmu::TlbMode::architectural;
  std::size_t capacity = 0;  // entries per vCPU; 0 = unlimited
  mmu::EvictPolicy evict = mmu::EvictPolicy::lru;
  mmu::EnforcePolicy enforce = mmu::EnforcePolicy::none;
  std::vector<std::string> dump_tlb_at;  // marks at which to print every vCPU's TLB
};

// The paravirtual block devices (HC_BLK_*, docs/abi.md).
struct DiskOptions {
  std::string path;                         // --disk: a host file; empty: the disk lives in memory
  std::uint64_t disk_bytes = 16ull << 20;   // a memory disk's size, or a new (or empty) file's
  std::uint64_t swap_bytes = 16ull << 20;   // the swap area, always in memory; 0: no swap device
};

struct VmConfig {
  std::string image_name;             // shown in messages and the JSON summary
  std::vector<std::byte> image;       // the ELF64 x86-64 file's bytes
  unsigned vcpus = 2;
  std::uint64_t mem_bytes = 64ull << 20;
  std::string cmdline;
  std::chrono::milliseconds timeout{120'000};  // wall-clock limit for the run
  std::uint64_t seed = 1;
  bool echo_console = true;           // echo the guest serial console on the host
  bool console_to_stderr = false;     // echo on stderr (keeps stdout for --json)
  MmuOptions mmu;
  DiskOptions disks;
  sched::ScheduleOptions sched;       // free-running or controlled (docs/scheduling.md)
  bool keep_event_trace = false;      // fill RunResult::event_trace (determinism tests)
  ::shadowtlb::trace::TraceOptions trace;  // --trace, --snapshot-at (docs/trace.md)
};

}  // namespace shadowtlb::vmm
