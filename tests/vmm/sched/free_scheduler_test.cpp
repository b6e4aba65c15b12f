// Free-running points: nothing blocks, except a --delay mark, which shutdown cuts short.
#include "vmm/sched/free_scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

namespace shadowtlb::vmm::sched {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

Point mark(std::string_view name) { return Point{PointKind::mark, name, 0}; }

TEST(FreeSchedulerTest, PointsWithoutADelayReturnAtOnce) {
  FreeScheduler scheduler({{"slow", 10s}});
  const auto start = Clock::now();
  scheduler.vcpu_started(0);
  scheduler.point(0, Point{});
  scheduler.point(0, Point{PointKind::yield, {}, 0});
  scheduler.point(0, mark("fast"));
  scheduler.vcpu_stopped(0);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_FALSE(scheduler.recording());
  EXPECT_EQ(scheduler.describe_state(), "");
}

TEST(FreeSchedulerTest, TheVcpuReachingADelayedMarkSleeps) {
  FreeScheduler scheduler({{"slow", 30ms}});
  const auto start = Clock::now();
  scheduler.point(1, mark("slow"));
  EXPECT_GE(Clock::now() - start, 30ms);
}

TEST(FreeSchedulerTest, ShutdownCutsADelayShort) {
  FreeScheduler scheduler({{"slow", 60s}});
  auto sleeping = std::async(std::launch::async, [&] { scheduler.point(0, mark("slow")); });
  EXPECT_EQ(sleeping.wait_for(20ms), std::future_status::timeout);
  EXPECT_FALSE(scheduler.shutdown());
  EXPECT_EQ(sleeping.wait_for(10s), std::future_status::ready);
  // Later delays do not sleep either: the run is over.
  const auto start = Clock::now();
  scheduler.point(0, mark("slow"));
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST(SchedulerFactoryTest, TheModeChoosesTheScheduler) {
  ScheduleOptions options;
  auto free = make_scheduler(options, 2, [](std::string) {});
  EXPECT_FALSE(free->recording());
  options.mode = ScheduleMode::controlled;
  auto controlled = make_scheduler(options, 2, [](std::string) {});
  controlled->vcpu_started(0);
  EXPECT_TRUE(controlled->recording());
  EXPECT_FALSE(controlled->shutdown());
}

}  // namespace
}  // namespace shadowtlb::vmm::sched
