// The seed race in miniature (../shared/seed/mremap-race-commit.txt), as a
// TraceFile built in memory, for inspect's tests without KVM:
//
//   event  vCPU 0                         vCPU 1
//     3    tlb_fill X (dirty)
//     5                                   pte_write [PTE_X] -> 0      (mremap's move)
//     6    stale X
//     7                                   pte_write [PTE_Y] -> frame  (the new PTE)
//     9    stale_write X 0x1 -> 0x2
//    10    HAZARD stale_write
//    13                                   flush_local X
//    14    flush_remote X (by vCPU 1)     <- too late
//    15    HAZARD lost_dirty_bit
#pragma once

#include <cstdint>
#include <filesystem>

#include "vmm/trace/trace_reader.h"

namespace shadowtlb::test {

inline constexpr std::uint64_t kMiniX = 0x100000000000;
inline constexpr std::uint64_t kMiniY = 0x200000000000;
inline constexpr std::uint64_t kMiniFrame = 0x2345000;
inline constexpr std::uint64_t kMiniPteX = 0x7f1000;
inline constexpr std::uint64_t kMiniPteY = 0x7f3000;
inline constexpr std::uint64_t kMiniPteRip = 0xffffffff80023450;   // the xchg that cleared PTE_X
inline constexpr std::uint64_t kMiniWriteRip = 0x401234;           // the write of 2

// Record indices ("event N" in inspect).
inline constexpr std::size_t kMiniFill = 3;
inline constexpr std::size_t kMiniPteMove = 5;
inline constexpr std::size_t kMiniStale = 6;
inline constexpr std::size_t kMiniPteNew = 7;
inline constexpr std::size_t kMiniStaleWrite = 9;
inline constexpr std::size_t kMiniHazard = 10;
inline constexpr std::size_t kMiniLocalFlush = 13;
inline constexpr std::size_t kMiniLateFlush = 14;
inline constexpr std::size_t kMiniLostDirty = 15;
inline constexpr std::size_t kMiniRecords = 18;

// The trace with header and footer (verdict lost_write).
[[nodiscard]] trace::TraceFile mini_seed_trace();

// Writes `trace` in the file format of proto/trace.proto: the magic, then
// each item (header, records with the snapshots at their positions, footer
// unless `with_footer` is false) with its length as a varint. Cuts the last
// `cut_bytes` bytes off, to make a truncated file.
void write_mini_trace(const std::filesystem::path& path, const trace::TraceFile& trace,
                      bool with_footer = true, std::size_t cut_bytes = 0);

}  // namespace shadowtlb::test
