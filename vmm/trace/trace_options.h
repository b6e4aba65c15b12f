// `run --trace FILE --snapshot-at MARK`: what to trace. Part of VmConfig; the
// writer itself (TraceWriter) is opened by the caller of run_vm.
#pragma once

#include <string>
#include <vector>

namespace shadowtlb::trace {

struct TraceOptions {
  std::string path;                      // --trace FILE; empty: no trace
  std::vector<std::string> snapshot_at;  // marks at which every vCPU's TLB goes into the trace
};

}  // namespace shadowtlb::trace
