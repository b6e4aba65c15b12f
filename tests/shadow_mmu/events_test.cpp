// Event and hazard names: stable, distinct, never "unknown" for a real kind.
#include "shadow_mmu/events.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace shadowtlb::mmu {
namespace {

TEST(EventNames, EveryKindHasItsOwnName) {
  std::set<std::string> names;
  for (int k = 0; k <= static_cast<int>(EventKind::hazard); ++k) {
    std::string name(event_kind_name(static_cast<EventKind>(k)));
    EXPECT_NE(name, "unknown");
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(EventKind::hazard) + 1);
  EXPECT_EQ(event_kind_name(EventKind::stale_write), "stale_write");
  EXPECT_EQ(event_kind_name(EventKind::pte_write), "pte_write");
}

TEST(HazardNames, EveryKindHasItsOwnName) {
  EXPECT_EQ(hazard_kind_name(HazardKind::stale_write), "stale_write");
  EXPECT_EQ(hazard_kind_name(HazardKind::lost_dirty_bit), "lost_dirty_bit");
  EXPECT_EQ(hazard_kind_name(HazardKind::freed_frame_reachable), "freed_frame_reachable");
  EXPECT_EQ(hazard_kind_name(HazardKind::pt_page_reachable), "pt_page_reachable");
}

}  // namespace
}  // namespace shadowtlb::mmu
