// Reads a run trace (proto/trace.proto, docs/trace.md) and rebuilds every
// vCPU's TLB at any record from the snapshots and the records since. No KVM:
// `shadowtlb inspect`, `shadowtlb report` and scripts' tests link it alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "proto/trace.pb.h"

namespace shadowtlb::trace {

struct TraceFile {
  proto::TraceHeader header;
  std::vector<proto::TraceRecord> records;    // in file order
  std::vector<proto::TlbSnapshot> snapshots;  // in file order; snapshot.position = records before it
  std::optional<proto::TraceFooter> footer;
  bool truncated = false;  // no footer, or a partial last item
  std::string problem;     // one line saying what was wrong (empty if nothing)
};

class TraceError : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

// Throws TraceError ("FILE: not a shadowtlb trace (bad magic)", "FILE: no
// header") for a file that is not a trace or cannot be read; otherwise returns
// every complete item, with `truncated`/`problem` set.
TraceFile read_trace(const std::filesystem::path& path);

// Every vCPU's TLB just after records[index] (index < records.size()), rebuilt
// from the last snapshot at or before it and the records since. The outer
// vector has header.vcpus elements (more if a record names a higher vCPU);
// entries are sorted by va. Throws std::out_of_range for a bad index.
std::vector<std::vector<proto::TlbEntryRecord>> tlbs_at(const TraceFile& trace, std::size_t index);

// Index of the record with model event number seq, if any (seq 0 never matches:
// VMM records carry 0).
std::optional<std::size_t> index_of_seq(const TraceFile& trace, std::uint64_t seq);

}  // namespace shadowtlb::trace
