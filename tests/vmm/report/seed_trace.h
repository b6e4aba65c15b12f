// A hand-made trace of the seed race (docs/races.md), for the report's tests without KVM.
#pragma once

#include <filesystem>
#include <vector>

#include "proto/trace.pb.h"
#include "vmm/trace/trace_reader.h"

namespace shadowtlb::test {

inline constexpr std::uint64_t kSeedX = 0x100000000000;  // the page thread 1 writes
inline constexpr std::uint64_t kSeedY = 0x200000000000;  // where mremap moves it

// Header, records, one snapshot and the footer of a run shaped like
// `shadowtlb run mremap-race --cmdline mremap_flush=after-unlock --trace t.pb`
// (2 vCPUs): vCPU 0 caches X dirty, vCPU 1 moves the PTE to Y, page_mkclean
// flushes Y only, vCPU 0 writes 2 through the stale entry (stale_write and
// its hazard), the flush for X comes last (lost_dirty_bit). The first hazard
// is record `kSeedFirstHazard`.
[[nodiscard]] std::vector<proto::TraceItem> seed_trace_items();
inline constexpr std::size_t kSeedFirstHazard = 18;
// The same items as read_trace() would return them.
[[nodiscard]] trace::TraceFile seed_trace_file();

// The trace file format (proto/trace.proto): the magic, then each item with
// its length as a varint. `items` should start with the header.
void write_trace_file(const std::filesystem::path& path, const std::vector<proto::TraceItem>& items);

}  // namespace shadowtlb::test
