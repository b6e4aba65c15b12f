// Names of scheduling points, as recorded schedules spell them.
#include "vmm/sched/point.h"

#include <array>

namespace shadowtlb::vmm::sched {
namespace {

constexpr std::string_view kMarkPrefix = "mark:";

constexpr std::array<std::pair<PointKind, std::string_view>, 10> kNames = {{
    {PointKind::start, "start"},
    {PointKind::mark, "mark"},
    {PointKind::yield, "yield"},
    {PointKind::pte_read, "pte_read"},
    {PointKind::pte_write, "pte_write"},
    {PointKind::flush_local, "flush_local"},
    {PointKind::shootdown, "shootdown"},
    {PointKind::tlb_miss, "tlb_miss"},
    {PointKind::halt, "halt"},
    {PointKind::exit, "exit"},
}};

}  // namespace

std::string_view point_kind_name(PointKind kind) {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "?";
}

std::string point_name(const Point& point) {
  if (point.kind == PointKind::mark) return std::string(kMarkPrefix) + std::string(point.mark);
  return std::string(point_kind_name(point.kind));
}

bool point_matches(const Point& point, std::string_view name) {
  if (point.kind == PointKind::mark)
    return name.starts_with(kMarkPrefix) && name.substr(kMarkPrefix.size()) == point.mark;
  return name == point_kind_name(point.kind);
}

bool is_point_name(std::string_view name) {
  if (name.starts_with(kMarkPrefix)) return name.size() > kMarkPrefix.size();
  for (const auto& [kind, kind_name] : kNames)
    if (kind != PointKind::mark && kind_name == name) return true;
  return false;
}

}  // namespace shadowtlb::vmm::sched
