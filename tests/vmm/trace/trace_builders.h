// Test helpers: trace records and entries built by hand, and traces written
// to a temporary file.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "proto/trace.pb.h"

namespace shadowtlb::test {

inline constexpr std::uint64_t k4K = 4096;
inline constexpr std::uint64_t k2M = 2ull << 20;

inline proto::TlbEntryRecord entry(std::uint64_t va, std::uint64_t frame,
                                   std::uint64_t page_size = k4K, bool global = false) {
  proto::TlbEntryRecord e;
  e.set_va(va);
  e.set_frame(frame);
  e.set_page_size(page_size);
  e.set_writable(true);
  e.set_global(global);
  return e;
}

inline proto::TraceRecord record(std::uint64_t seq, proto::RecordKind kind, unsigned vcpu) {
  proto::TraceRecord r;
  r.set_seq(seq);
  r.set_kind(kind);
  r.set_vcpu(vcpu);
  return r;
}

inline proto::TraceRecord fill(std::uint64_t seq, unsigned vcpu, const proto::TlbEntryRecord& e) {
  proto::TraceRecord r = record(seq, proto::TLB_FILL, vcpu);
  r.set_gva(e.va());
  r.set_frame(e.frame());
  *r.mutable_entry() = e;
  r.mutable_entry()->set_filled_at(seq);
  return r;
}

inline proto::TraceRecord flush(std::uint64_t seq, proto::RecordKind kind, unsigned vcpu,
                                std::uint64_t va, std::uint64_t npages) {
  proto::TraceRecord r = record(seq, kind, vcpu);
  r.set_gva(va);
  r.set_npages(npages);
  return r;
}

inline proto::TraceRecord mark(const std::string& name, unsigned vcpu) {
  proto::TraceRecord r = record(0, proto::MARK, vcpu);
  r.set_mark(name);
  return r;
}

// A fresh path under the test temporary folder, removed when it goes.
class TempPath {
 public:
  explicit TempPath(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("shadowtlb-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::remove(path_);
  }
  ~TempPath() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace shadowtlb::test
