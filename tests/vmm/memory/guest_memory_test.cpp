// GuestMemory: bounds checks on guest-supplied addresses, both regions.
#include "vmm/memory/guest_memory.h"

#include <gtest/gtest.h>

#include <limits>

#include "abi/memory_layout.h"

namespace shadowtlb::vmm {
namespace {

TEST(GuestMemory, ReadsBackWhatWasWrittenInBothRegions) {
  GuestMemory mem(4 << 20, 1 << 20);
  ASSERT_TRUE(mem.write(GuestPhysAddr(0x1000), std::uint64_t{0x1122334455667788}));
  EXPECT_EQ(mem.read<std::uint64_t>(GuestPhysAddr(0x1000)), 0x1122334455667788u);
  ASSERT_TRUE(mem.write_u64(mem.private_base() + 8, 42));
  EXPECT_EQ(mem.read_u64(mem.private_base() + 8), 42u);
}

TEST(GuestMemory, RamArrivesZeroed) {
  GuestMemory mem(4 << 20, 1 << 20);
  EXPECT_EQ(mem.read_u64(GuestPhysAddr((4 << 20) - 8)), 0u);
}

TEST(GuestMemory, RejectsRangesThatLeaveARegion) {
  GuestMemory mem(4 << 20, 1 << 20);
  EXPECT_TRUE(mem.host_span(GuestPhysAddr((4 << 20) - 4), 8).empty());
  EXPECT_TRUE(mem.host_span(GuestPhysAddr(4 << 20), 1).empty());
  EXPECT_TRUE(mem.host_span(mem.private_base() + (1 << 20) - 4, 8).empty());
  EXPECT_FALSE(mem.read_u64(GuestPhysAddr(abi::PT_VIEW_BASE)).has_value());
  // Hostile values must not wrap around into a valid range.
  EXPECT_TRUE(mem.host_span(GuestPhysAddr(std::numeric_limits<std::uint64_t>::max() - 3), 8).empty());
  EXPECT_TRUE(mem.host_span(GuestPhysAddr(8), std::numeric_limits<std::uint64_t>::max()).empty());
  EXPECT_FALSE(mem.write(GuestPhysAddr(4 << 20), 1));
}

}  // namespace
}  // namespace shadowtlb::vmm
