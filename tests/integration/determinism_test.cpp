// Issue 5, "Determinism": the same image, options and schedule give the same
// sequence of events and the same verdict, run after run.
#include <gtest/gtest.h>

#include "support/kvm_available.h"
#include "vmm/builder/image_source.h"
#include "vmm/runtime/machine.h"

namespace shadowtlb::vmm {
namespace {

constexpr int kRuns = 100;

VmConfig seed_race_config() {
  CliOverrides o;
  o.cmdline = "mremap_flush=after-unlock";
  VmConfig config = make_vm_config("mremap-race", o);
  config.echo_console = false;
  config.keep_event_trace = true;
  return config;
}

// Where two traces first differ, for a readable failure.
std::string where_they_differ(const EventTrace& a, const EventTrace& b) {
  std::optional<std::size_t> at = first_difference(a, b);
  return at ? "first difference at event " + std::to_string(*at) : "identical";
}

TEST(DeterminismTest, HundredControlledRunsOfTheSeedRaceAreIdentical) {
  SHADOWTLB_REQUIRE_KVM();
  const VmConfig config = seed_race_config();
  RunResult first = run_vm(config);
  ASSERT_EQ(first.outcome, Outcome::guest_exit_ok) << first.message;
  ASSERT_TRUE(first.verdict.has_value());
  EXPECT_EQ(first.verdict->name, "lost_write");
  ASSERT_FALSE(first.event_trace.events.empty());
  ASSERT_FALSE(first.event_trace.truncated);
  for (int run = 2; run <= kRuns; ++run) {
    RunResult r = run_vm(config);
    ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << "run " << run << ": " << r.message;
    ASSERT_TRUE(r.verdict.has_value()) << "run " << run;
    EXPECT_EQ(r.verdict->name, first.verdict->name) << "run " << run;
    ASSERT_TRUE(r.event_trace == first.event_trace)
        << "run " << run << ": " << where_they_differ(first.event_trace, r.event_trace);
  }
}

}  // namespace
}  // namespace shadowtlb::vmm
