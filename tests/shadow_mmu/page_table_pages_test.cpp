// Which frames are page-table pages (traced by links from loaded roots) and
// the frame → leaf index behind the lost-dirty-bit check.
#include "shadow_mmu/src/page_table_pages.h"

#include <gtest/gtest.h>

#include "support/fake_phys_memory.h"

namespace shadowtlb::mmu {
namespace {

using shadowtlb::test::FakePhysMemory;
using x86::PageEntry;

constexpr GuestPhysAddr kRoot{0x10000}, kPdpt{0x11000}, kPd{0x12000}, kPt{0x13000}, kPt2{0x14000};
constexpr GuestPhysAddr kFrame{0x100000}, kHuge{0x400000};
constexpr std::uint64_t kRw = PageEntry::RW;

class PageTablePagesTest : public ::testing::Test {
 protected:
  PageTablePagesTest() {
    mem.set_entry(kRoot, 0, PageEntry::table(kPdpt, kRw));
    mem.set_entry(kPdpt, 1, PageEntry::table(kPd, kRw));
    mem.set_entry(kPd, 0, PageEntry::table(kPt, kRw));
    mem.set_entry(kPt, 3, PageEntry::page(kFrame, kRw | PageEntry::D));
  }
  // A trapped store: memory first, then the index.
  void store(GuestPhysAddr entry, std::uint64_t value, bool trapped = true) {
    std::uint64_t old = mem.read_u64(entry).value();
    ASSERT_TRUE(mem.write_u64(entry, value));
    pages.on_store(entry, old, value, trapped, became);
  }
  static unsigned bit(unsigned level) { return 1u << level; }

  FakePhysMemory mem{16 << 20};
  RamView ram{mem, 16 << 20};
  PageTablePages pages{ram};
  std::vector<Pfn> became;
};

TEST_F(PageTablePagesTest, LoadingARootTracesItsLowerHalfTree) {
  pages.add_root(kRoot, became);
  EXPECT_EQ(pages.levels(Pfn::of(kRoot)), bit(4));
  EXPECT_EQ(pages.levels(Pfn::of(kPdpt)), bit(3));
  EXPECT_EQ(pages.levels(Pfn::of(kPd)), bit(2));
  EXPECT_EQ(pages.levels(Pfn::of(kPt)), bit(1));
  EXPECT_FALSE(pages.is_page_table(Pfn::of(kFrame)));
  EXPECT_EQ(became, (std::vector<Pfn>{Pfn::of(kRoot), Pfn::of(kPdpt), Pfn::of(kPd), Pfn::of(kPt)}));
  EXPECT_EQ(pages.leaves_mapping(Pfn::of(kFrame)), (std::vector<GuestPhysAddr>{kPt + 3 * 8}));
  EXPECT_TRUE(pages.any_dirty_leaf(Pfn::of(kFrame)));
}

TEST_F(PageTablePagesTest, KernelHalfOfARootIsNotTraced) {
  mem.set_entry(kRoot, 300, PageEntry::table(kPt2, kRw));
  pages.add_root(kRoot, became);
  EXPECT_FALSE(pages.is_page_table(Pfn::of(kPt2)));
}

TEST_F(PageTablePagesTest, LeafIndexFollowsStoresAndDBits) {
  pages.add_root(kRoot, became);
  store(kPt + 3 * 8, PageEntry::page(kFrame, kRw).raw());  // cleaned
  EXPECT_FALSE(pages.any_dirty_leaf(Pfn::of(kFrame)));
  store(kPt + 4 * 8, PageEntry::page(kFrame, kRw | PageEntry::D).raw());  // a second mapping, dirty
  EXPECT_TRUE(pages.any_dirty_leaf(Pfn::of(kFrame)));
  store(kPt + 4 * 8, 0);
  EXPECT_FALSE(pages.any_dirty_leaf(Pfn::of(kFrame)));
  EXPECT_EQ(pages.leaves_mapping(Pfn::of(kFrame)).size(), 1u);
  // An A/D update by the model counts as well.
  store(kPt + 3 * 8, PageEntry::page(kFrame, kRw | PageEntry::D).raw(), false);
  EXPECT_TRUE(pages.any_dirty_leaf(Pfn::of(kFrame)));
}

TEST_F(PageTablePagesTest, LargeLeavesMapEveryFrameInside) {
  pages.add_root(kRoot, became);
  store(kPd + 8, PageEntry::huge_page(kHuge, kRw | PageEntry::D).raw());
  EXPECT_TRUE(pages.any_dirty_leaf(Pfn::of(kHuge + 0x1ff000)));
  EXPECT_FALSE(pages.any_dirty_leaf(Pfn::of(kHuge + kHugePageSize)));
  store(kPdpt + 2 * 8, PageEntry::huge_page(GuestPhysAddr(0), kRw | PageEntry::D).raw());  // 1 GiB
  EXPECT_TRUE(pages.any_dirty_leaf(Pfn::of(GuestPhysAddr(0x5000))));
}

TEST_F(PageTablePagesTest, UnlinkingATableForgetsItsSubtree) {
  pages.add_root(kRoot, became);
  store(kPd, 0);  // the PDE no longer points at kPt
  EXPECT_FALSE(pages.is_page_table(Pfn::of(kPt)));
  EXPECT_TRUE(pages.leaves_mapping(Pfn::of(kFrame)).empty());
  EXPECT_FALSE(pages.any_dirty_leaf(Pfn::of(kFrame)));
  store(kPdpt + 8, 0);
  // kPd was written through the view: still a page-table page, level unknown.
  EXPECT_EQ(pages.levels(Pfn::of(kPd)), 1u);
  EXPECT_EQ(pages.levels(Pfn::of(kPt)), 0u);
}

TEST_F(PageTablePagesTest, LinkingANewTableScansItAndReportsIt) {
  pages.add_root(kRoot, became);
  became.clear();
  mem.set_entry(kPt2, 7, PageEntry::page(kFrame + 0x1000, PageEntry::D));  // built before linking
  store(kPd + 8, PageEntry::table(kPt2, kRw).raw());
  EXPECT_EQ(became, (std::vector<Pfn>{Pfn::of(kPt2)}));
  EXPECT_EQ(pages.levels(Pfn::of(kPt2)), bit(1));
  EXPECT_TRUE(pages.any_dirty_leaf(Pfn::of(kFrame + 0x1000)));
}

TEST_F(PageTablePagesTest, LinksAreCounted) {
  pages.add_root(kRoot, became);
  store(kPd + 8, PageEntry::table(kPt, kRw).raw());  // a second PDE to the same PT
  store(kPd, 0);
  EXPECT_EQ(pages.levels(Pfn::of(kPt)), bit(1));
  store(kPd + 8, 0);
  EXPECT_FALSE(pages.is_page_table(Pfn::of(kPt)));
}

TEST_F(PageTablePagesTest, ChangingFlagsOfALinkDoesNotRetrace) {
  pages.add_root(kRoot, became);
  became.clear();
  store(kPd, PageEntry::table(kPt, PageEntry::A).raw());
  EXPECT_TRUE(became.empty());
  EXPECT_EQ(pages.levels(Pfn::of(kPt)), bit(1));
}

TEST_F(PageTablePagesTest, FirstTrappedWriteMakesAnUnknownLevelTable) {
  store(kPt2 + 8, PageEntry::page(kFrame, kRw).raw());
  EXPECT_EQ(pages.levels(Pfn::of(kPt2)), 1u);
  EXPECT_EQ(became, (std::vector<Pfn>{Pfn::of(kPt2)}));
  // Its entries are not indexed until it is linked at a known level.
  EXPECT_TRUE(pages.leaves_mapping(Pfn::of(kFrame)).empty());
  // A model A/D store elsewhere does not make a table.
  became.clear();
  store(GuestPhysAddr(0x30000), 1, false);
  EXPECT_FALSE(pages.is_page_table(Pfn(0x30)));
  EXPECT_TRUE(became.empty());
}

TEST_F(PageTablePagesTest, FreeingARootUntracesIt) {
  pages.add_root(kRoot, became);
  pages.on_freed(Pfn::of(kRoot), 1);
  EXPECT_FALSE(pages.is_page_table(Pfn::of(kRoot)));
  EXPECT_FALSE(pages.is_page_table(Pfn::of(kPt)));
  EXPECT_FALSE(pages.any_dirty_leaf(Pfn::of(kFrame)));
  pages.on_freed(Pfn(0), ~0ull);  // hostile count: no overflow
}

TEST_F(PageTablePagesTest, SelfLinkingTablesTerminate) {
  mem.set_entry(kRoot, 1, PageEntry::table(kRoot, kRw));  // recursive mapping
  pages.add_root(kRoot, became);
  EXPECT_EQ(pages.levels(Pfn::of(kRoot)), bit(4) | bit(3) | bit(2) | bit(1));
  store(kRoot + 8, 0);
  EXPECT_EQ(pages.levels(Pfn::of(kRoot)), bit(4) | 1u);  // 1: written through the view
  EXPECT_EQ(pages.levels(Pfn::of(kPt)), bit(1));
}

TEST_F(PageTablePagesTest, TablesOutsideRamAreNotTraced) {
  mem.set_entry(kPd, 5, PageEntry::table(GuestPhysAddr(64 << 20), kRw));
  pages.add_root(kRoot, became);
  EXPECT_FALSE(pages.is_page_table(Pfn::of(GuestPhysAddr(64 << 20))));
  pages.add_root(GuestPhysAddr(1ull << 40), became);  // a root outside RAM
  EXPECT_FALSE(pages.is_page_table(Pfn::of(GuestPhysAddr(1ull << 40))));
}

}  // namespace
}  // namespace shadowtlb::mmu
