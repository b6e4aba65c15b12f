// Scheduling points: the VMM-side events of one vCPU where a controlled run
// may pass the token to another vCPU (docs/scheduling.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shadowtlb::vmm::sched {

enum class PointKind : std::uint8_t {
  start,        // the vCPU's thread is set up, before its first KVM_RUN
  mark,         // HC_MARK, after the mark is recorded
  yield,        // HC_YIELD: the guest is waiting for something
  pte_read,     // a trapped read of a paging entry (the page-table view)
  pte_write,    // a trapped write of a paging entry
  flush_local,  // HC_MMU_FLUSH_LOCAL
  shootdown,    // HC_MMU_SHOOTDOWN, after every target has flushed
  tlb_miss,     // HC_MMU_TLB_MISS
  halt,         // the vCPU halted for good (no interrupts can wake it)
  exit,         // the run ended while this vCPU held the token
};

// "yield", "pte_write", ...; marks are "mark".
[[nodiscard]] std::string_view point_kind_name(PointKind kind);

// A point as a vCPU reaches it; `mark` and `value` only for PointKind::mark.
struct Point {
  PointKind kind = PointKind::start;
  std::string_view mark;
  std::uint64_t value = 0;
};

// How recorded schedules name a point: the kind, or "mark:NAME" for a mark.
[[nodiscard]] std::string point_name(const Point& point);
// Whether `point` is the one `name` names (point_name(point) == name, without
// building the string).
[[nodiscard]] bool point_matches(const Point& point, std::string_view name);
// Whether `name` names some point (a recorded step's last_point).
[[nodiscard]] bool is_point_name(std::string_view name);

}  // namespace shadowtlb::vmm::sched
