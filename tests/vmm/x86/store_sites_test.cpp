// The per-site memo in front of find_store_before.
#include "vmm/x86/store_sites.h"

#include <gtest/gtest.h>

#include "support/fake_phys_memory.h"

namespace shadowtlb::vmm {
namespace {

using x86::PageEntry;

constexpr GuestPhysAddr kRoot{0x1000};
constexpr std::uint64_t kStore = 0x7ffd;  // mov [rdi], rsi: 48 89 37, ending at 0x8000

class StoreSitesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem.set_entry(kRoot, 0, PageEntry::table(GuestPhysAddr(0x2000), PageEntry::RW));
    mem.set_entry(GuestPhysAddr(0x2000), 0, PageEntry::table(GuestPhysAddr(0x3000), PageEntry::RW));
    mem.set_entry(GuestPhysAddr(0x3000), 0, PageEntry::huge_page(GuestPhysAddr(0), PageEntry::RW));
    // Nops up to the store, then the store's three bytes.
    ASSERT_TRUE(mem.write_u64(GuestPhysAddr(0x7fe8), 0x9090909090909090));
    ASSERT_TRUE(mem.write_u64(GuestPhysAddr(0x7ff0), 0x9090909090909090));
    ASSERT_TRUE(mem.write_u64(GuestPhysAddr(0x7ff8), 0x378948'9090909090ull));
    regs.rdi = 0x10000000;
  }
  test::FakePhysMemory mem{1 << 20};
  kvm_regs regs{};
};

TEST_F(StoreSitesTest, NamesTheStoreThatEndedAtRip) {
  StoreSites sites(mem);
  EXPECT_EQ(sites.store_before(kRoot, GuestVirtAddr(0x8000), regs, 0, 8), GuestVirtAddr(kStore));
}

TEST_F(StoreSitesTest, ASiteIsDecodedOnceAndRememberedByRip) {
  StoreSites sites(mem);
  ASSERT_EQ(sites.store_before(kRoot, GuestVirtAddr(0x8000), regs, 0, 8), GuestVirtAddr(kStore));
  // The code changes under the memo (it never does in the guest): the answer
  // is the remembered one, which shows the second call did not decode.
  ASSERT_TRUE(mem.write_u64(GuestPhysAddr(0x7ff8), 0x9090909090909090));
  EXPECT_EQ(sites.store_before(kRoot, GuestVirtAddr(0x8000), regs, 0, 8), GuestVirtAddr(kStore));
  EXPECT_EQ(sites.decoded_sites(), 1u);
}

TEST_F(StoreSitesTest, WithoutASingleCandidateRipItselfIsReportedAndRemembered) {
  StoreSites sites(mem);
  regs.rdi = 0x10000008;  // the store wrote offset 8, not the offset 0 the exit reports
  EXPECT_EQ(sites.store_before(kRoot, GuestVirtAddr(0x8000), regs, 0, 8), GuestVirtAddr(0x8000));
  EXPECT_EQ(sites.decoded_sites(), 1u);
}

}  // namespace
}  // namespace shadowtlb::vmm
