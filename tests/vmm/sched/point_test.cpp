// How recorded schedules name scheduling points.
#include "vmm/sched/point.h"

#include <gtest/gtest.h>

namespace shadowtlb::vmm::sched {
namespace {

TEST(PointTest, KindsAndMarksHaveTheirRecordedNames) {
  EXPECT_EQ(point_name(Point{PointKind::yield, {}, 0}), "yield");
  EXPECT_EQ(point_name(Point{PointKind::pte_write, {}, 0}), "pte_write");
  EXPECT_EQ(point_name(Point{PointKind::mark, "move_ptes.unlock", 7}), "mark:move_ptes.unlock");
  EXPECT_EQ(point_name(Point{}), "start");
}

TEST(PointTest, MatchingComparesTheKindAndTheMarkName) {
  const Point unlock{PointKind::mark, "move_ptes.unlock", 0};
  EXPECT_TRUE(point_matches(unlock, "mark:move_ptes.unlock"));
  EXPECT_FALSE(point_matches(unlock, "mark:move_ptes.lock"));
  EXPECT_FALSE(point_matches(unlock, "mark"));
  EXPECT_FALSE(point_matches(unlock, "move_ptes.unlock"));
  EXPECT_TRUE(point_matches(Point{PointKind::tlb_miss, {}, 0}, "tlb_miss"));
  EXPECT_FALSE(point_matches(Point{PointKind::tlb_miss, {}, 0}, "mark:tlb_miss"));
}

TEST(PointTest, EveryRecordedNameIsAPointName) {
  for (auto kind : {PointKind::start, PointKind::yield, PointKind::pte_read, PointKind::pte_write,
                    PointKind::flush_local, PointKind::shootdown, PointKind::tlb_miss,
                    PointKind::halt, PointKind::exit})
    EXPECT_TRUE(is_point_name(point_name(Point{kind, {}, 0}))) << point_kind_name(kind);
  EXPECT_TRUE(is_point_name("mark:x"));
  EXPECT_FALSE(is_point_name("mark:"));
  EXPECT_FALSE(is_point_name("mark"));
  EXPECT_FALSE(is_point_name("pte_rmw"));
  EXPECT_FALSE(is_point_name(""));
}

}  // namespace
}  // namespace shadowtlb::vmm::sched
