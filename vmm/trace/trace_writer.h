// Writes a run trace (proto/trace.proto): the magic and header at creation,
// then records, snapshots and a footer, each one write(2) of its own so a
// killed writer leaves at most one partial item (docs/trace.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "proto/trace.pb.h"
#include "vmm/kvm/unique_fd.h"

namespace shadowtlb::trace {

class TraceWriter {
 public:
  // Creates (or empties) `path` and writes the magic and `header`, whose
  // start_unix_ns is set here; the run's clock (host_time_ns) starts too.
  // Throws vmm::KvmError (a host error, exit code 2, as for --disk) naming
  // the path and errno.
  TraceWriter(std::string path, proto::TraceHeader header);
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // Thread-safe. `record.host_time_ns` is set here, so it grows in file order.
  void write_record(proto::TraceRecord record);
  // `snapshot.position` is set here: the records written before it.
  void write_snapshot(proto::TlbSnapshot snapshot);
  // `footer.records` is set here, and the file is fsync'd. Nothing may be
  // written after it.
  void write_footer(proto::TraceFooter footer);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::uint64_t records() const;
  [[nodiscard]] std::uint64_t snapshots() const;
  [[nodiscard]] std::uint64_t bytes() const;
  // A write failed: tracing stopped (one line went to stderr).
  [[nodiscard]] bool failed() const;
  // Nanoseconds since the writer was created.
  [[nodiscard]] std::uint64_t elapsed_ns() const;

 private:
  // Frames `item` and writes it with one write(2), retrying partial writes;
  // on an error, reports it once and stops writing. Called under mutex_.
  void append(const proto::TraceItem& item);

  const std::string path_;
  const std::chrono::steady_clock::time_point start_;
  mutable std::mutex mutex_;  // vCPU threads write concurrently
  vmm::UniqueFd fd_;
  std::string buffer_;  // reused for each item
  std::uint64_t records_ = 0;
  std::uint64_t snapshots_ = 0;
  std::uint64_t bytes_ = 0;
  bool failed_ = false;
  bool closed_ = false;  // the footer is written
};

}  // namespace shadowtlb::trace
