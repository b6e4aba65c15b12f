// Address types: arithmetic within one space, alignment, frame numbers.
#include "shadow_mmu/address.h"

#include <gtest/gtest.h>

#include <type_traits>

namespace shadowtlb {
namespace {

// The spaces must not convert into each other or from integers implicitly.
static_assert(!std::is_convertible_v<GuestVirtAddr, GuestPhysAddr>);
static_assert(!std::is_convertible_v<GuestPhysAddr, GuestVirtAddr>);
static_assert(!std::is_convertible_v<std::uint64_t, GuestPhysAddr>);
static_assert(!std::is_convertible_v<Pfn, GuestPhysAddr>);
static_assert(!std::is_convertible_v<void*, GuestVirtAddr>);

TEST(Address, AlignmentAndOffsets) {
  GuestVirtAddr va(0x12345);
  EXPECT_EQ(va.align_down(kPageSize), GuestVirtAddr(0x12000));
  EXPECT_EQ(va.align_up(kPageSize), GuestVirtAddr(0x13000));
  EXPECT_EQ(va.page_offset(), 0x345u);
  EXPECT_FALSE(va.is_aligned(kPageSize));
  EXPECT_EQ((va + 0x10) - va, 0x10u);
}

TEST(Pfn, RoundTripsThroughAddresses) {
  Pfn pfn = Pfn::of(GuestPhysAddr(0x1234567));
  EXPECT_EQ(pfn.value(), 0x1234u);
  EXPECT_EQ(pfn.address(), GuestPhysAddr(0x1234000));
}

}  // namespace
}  // namespace shadowtlb
