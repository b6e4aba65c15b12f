// Backward decoding of the store that a write exit already completed.
#include "vmm/x86/store_locator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "support/fake_phys_memory.h"

namespace shadowtlb::vmm {
namespace {

using x86::PageEntry;

// Identity-maps the first 2 MiB and puts `code` so that it ends at 0x8000.
class StoreLocatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem.set_entry(kRoot, 0, PageEntry::table(GuestPhysAddr(0x2000), PageEntry::RW));
    mem.set_entry(GuestPhysAddr(0x2000), 0, PageEntry::table(GuestPhysAddr(0x3000), PageEntry::RW));
    mem.set_entry(GuestPhysAddr(0x3000), 0, PageEntry::huge_page(GuestPhysAddr(0), PageEntry::RW));
  }
  void place(std::vector<std::uint8_t> code) {
    std::vector<std::uint8_t> bytes(24 + code.size(), 0x90);  // nops before it
    std::copy(code.begin(), code.end(), bytes.end() - static_cast<std::ptrdiff_t>(code.size()));
    std::uint64_t start = kEnd - bytes.size();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      std::uint64_t word = mem.read_u64(GuestPhysAddr((start + i) & ~7ull)).value();
      unsigned shift = 8 * ((start + i) & 7);
      word = (word & ~(0xffull << shift)) | (std::uint64_t{bytes[i]} << shift);
      ASSERT_TRUE(mem.write_u64(GuestPhysAddr((start + i) & ~7ull), word));
    }
  }
  static constexpr GuestPhysAddr kRoot{0x1000};
  static constexpr std::uint64_t kEnd = 0x8000;
  test::FakePhysMemory mem{1 << 20};
  kvm_regs regs{};
};

TEST_F(StoreLocatorTest, FindsTheQwordStoreByWidthAndAddress) {
  place({0x48, 0x89, 0x37});  // mov [rdi], rsi
  regs.rdi = 0x10000000;
  EXPECT_EQ(find_store_before(mem, kRoot, GuestVirtAddr(kEnd), regs, 0, 8), GuestVirtAddr(kEnd - 3));
}

TEST_F(StoreLocatorTest, WidthSeparatesOverlappingDecodings) {
  // Read from 2 bytes before the end these bytes are mov [rdi], esi (4 bytes
  // wide); from 3 bytes before, mov [rdi], rsi (8 bytes): the width decides.
  place({0x48, 0x89, 0x37});
  regs.rdi = 0x10000000;
  EXPECT_EQ(find_store_before(mem, kRoot, GuestVirtAddr(kEnd), regs, 0, 4), GuestVirtAddr(kEnd - 2));
  EXPECT_EQ(find_store_before(mem, kRoot, GuestVirtAddr(kEnd), regs, 0, 8), GuestVirtAddr(kEnd - 3));
}

TEST_F(StoreLocatorTest, DisplacementAndOffsetMustMatch) {
  place({0x48, 0x89, 0x77, 0x08});  // mov [rdi+8], rsi
  regs.rdi = 0x10000000;
  EXPECT_EQ(find_store_before(mem, kRoot, GuestVirtAddr(kEnd), regs, 8, 8), GuestVirtAddr(kEnd - 4));
  EXPECT_EQ(find_store_before(mem, kRoot, GuestVirtAddr(kEnd), regs, 0, 8), std::nullopt);
}

TEST_F(StoreLocatorTest, APreviousByteThatReadsAsARedundantPrefixIsNotARival) {
  // or rbx, 0x42; mov [rax], rbx. From 4 bytes back, "42 48 89 18" is the
  // same mov behind a redundant REX: the store starts 3 bytes back.
  place({0x48, 0x83, 0xcb, 0x42, 0x48, 0x89, 0x18});
  regs.rax = 0x10000000;
  EXPECT_EQ(find_store_before(mem, kRoot, GuestVirtAddr(kEnd), regs, 0, 8), GuestVirtAddr(kEnd - 3));
}

TEST_F(StoreLocatorTest, NoStoreBeforeRip) {
  place({0x48, 0x8b, 0x07});  // mov rax, [rdi]: a load
  regs.rdi = 0x10000000;
  EXPECT_EQ(find_store_before(mem, kRoot, GuestVirtAddr(kEnd), regs, 0, 8), std::nullopt);
}

TEST_F(StoreLocatorTest, UnmappedCodeGivesNothing) {
  EXPECT_EQ(find_store_before(mem, kRoot, GuestVirtAddr(0x40000000), regs, 0, 8), std::nullopt);
}

}  // namespace
}  // namespace shadowtlb::vmm
