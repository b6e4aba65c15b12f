// Model events, entries and dumps as trace messages; hypercall names.
#include "vmm/trace/event_record.h"

#include <gtest/gtest.h>

#include <set>

#include "abi/hypercall.h"
#include "vmm/trace/hypercall_names.h"

namespace shadowtlb::trace {
namespace {

constexpr mmu::EventKind kAllKinds[] = {
    mmu::EventKind::cr3_load,   mmu::EventKind::fill,        mmu::EventKind::dirty_upgrade,
    mmu::EventKind::fault,      mmu::EventKind::spurious_fault, mmu::EventKind::flush_local,
    mmu::EventKind::shootdown,  mmu::EventKind::evict,       mmu::EventKind::pte_read,
    mmu::EventKind::pte_write,  mmu::EventKind::ad_update,   mmu::EventKind::stale,
    mmu::EventKind::stale_write, mmu::EventKind::enforce,    mmu::EventKind::page_freed,
    mmu::EventKind::page_reused, mmu::EventKind::page_dirty, mmu::EventKind::hazard};

mmu::TlbEntry sample_entry() {
  mmu::TlbEntry e;
  e.va = GuestVirtAddr(0x100000000000);
  e.page_size = 4096;
  e.frame = GuestPhysAddr(0x2345000);
  e.writable = true;
  e.dirty = true;
  e.path[1] = GuestPhysAddr(0x7008);
  e.leaf_level = x86::Level::pt;
  e.leaf_value = 0x2345067;
  e.filled_at = 12;
  e.stale = true;
  e.stale_since = 40;
  return e;
}

TEST(EventRecordTest, EveryModelEventKindHasItsOwnRecordKind) {
  std::set<proto::RecordKind> seen;
  for (mmu::EventKind kind : kAllKinds) {
    proto::RecordKind r = record_kind(kind);
    EXPECT_NE(r, proto::RECORD_UNKNOWN) << mmu::event_kind_name(kind);
    EXPECT_TRUE(seen.insert(r).second) << mmu::event_kind_name(kind);
  }
  EXPECT_EQ(record_kind(mmu::EventKind::shootdown), proto::FLUSH_REMOTE);
  EXPECT_EQ(record_kind(mmu::EventKind::fault), proto::GUEST_FAULT);
  EXPECT_EQ(record_kind(mmu::EventKind::fill), proto::TLB_FILL);
}

TEST(EventRecordTest, AnEntryKeepsEveryField) {
  proto::TlbEntryRecord r = entry_record(sample_entry());
  EXPECT_EQ(r.va(), 0x100000000000u);
  EXPECT_EQ(r.page_size(), 4096u);
  EXPECT_EQ(r.frame(), 0x2345000u);
  EXPECT_TRUE(r.writable());
  EXPECT_TRUE(r.dirty());
  EXPECT_FALSE(r.user());
  EXPECT_TRUE(r.stale());
  EXPECT_EQ(r.stale_since(), 40u);
  EXPECT_EQ(r.filled_at(), 12u);
  EXPECT_EQ(r.pte_address(), 0x7008u);
  EXPECT_EQ(r.pte_value(), 0x2345067u);
}

TEST(EventRecordTest, APteWriteNamesThePagingEntryAndHasNoEntry) {
  mmu::Event e;
  e.seq = 41;
  e.kind = mmu::EventKind::pte_write;
  e.vcpu = 1;
  e.pa = GuestPhysAddr(0x7008);
  e.old_value = 0x2345067;
  e.new_value = 0;
  e.rip = GuestVirtAddr(0xffffffff80012345);
  proto::TraceRecord r = event_record(e);
  EXPECT_EQ(r.seq(), 41u);
  EXPECT_EQ(r.kind(), proto::PTE_WRITE);
  EXPECT_EQ(r.vcpu(), 1u);
  EXPECT_EQ(r.gpa(), 0x7008u);
  EXPECT_EQ(r.frame(), 0u);
  EXPECT_EQ(r.old_value(), 0x2345067u);
  EXPECT_EQ(r.rip(), 0xffffffff80012345u);
  EXPECT_FALSE(r.has_entry());
}

TEST(EventRecordTest, AShootdownKeepsItsTargetInitiatorAndRange) {
  mmu::Event e;
  e.seq = 50;
  e.kind = mmu::EventKind::shootdown;
  e.vcpu = 0;
  e.initiator = 1;
  e.va = GuestVirtAddr(0x100000000000);
  e.npages = 1;
  proto::TraceRecord r = event_record(e);
  EXPECT_EQ(r.kind(), proto::FLUSH_REMOTE);
  EXPECT_EQ(r.vcpu(), 0u);
  EXPECT_EQ(r.initiator(), 1u);
  EXPECT_EQ(r.gva(), 0x100000000000u);
  EXPECT_EQ(r.npages(), 1u);
}

TEST(EventRecordTest, AStaleWriteNamesTheAddressWrittenAndTheEntrysFrame) {
  mmu::Event e;
  e.seq = 44;
  e.kind = mmu::EventKind::stale_write;
  e.pa = GuestPhysAddr(0x2345010);
  e.va = GuestVirtAddr(0x100000000010);
  e.entry = sample_entry();
  e.cause = 40;
  proto::TraceRecord r = event_record(e);
  EXPECT_EQ(r.gpa(), 0x2345010u);
  EXPECT_EQ(r.frame(), 0x2345000u);
  ASSERT_TRUE(r.has_entry());
  EXPECT_TRUE(r.entry().stale());
  EXPECT_EQ(r.cause(), 40u);
}

TEST(EventRecordTest, AHazardCarriesItsChain) {
  mmu::Hazard h;
  h.kind = mmu::HazardKind::lost_dirty_bit;
  h.seq = 60;
  h.write_event = 44;
  h.removed_at = 59;
  h.stale_since = 40;
  h.stale_by_vcpu = 1;
  h.stale_by_rip = GuestVirtAddr(0xffffffff80012345);
  mmu::Event e;
  e.seq = 60;
  e.kind = mmu::EventKind::hazard;
  e.hazard = h.kind;
  e.pa = GuestPhysAddr(0x2345000);
  e.entry = sample_entry();
  e.cause = 44;
  e.hazard_details = &h;
  proto::TraceRecord r = event_record(e);
  EXPECT_EQ(r.kind(), proto::HAZARD);
  EXPECT_EQ(r.hazard_kind(), "lost_dirty_bit");
  EXPECT_EQ(r.frame(), 0x2345000u);
  EXPECT_EQ(r.write_event(), 44u);
  EXPECT_EQ(r.removed_at(), 59u);
  EXPECT_EQ(r.stale_since(), 40u);
  EXPECT_EQ(r.stale_by_vcpu(), 1u);
  EXPECT_EQ(r.stale_by_rip(), 0xffffffff80012345u);
}

TEST(EventRecordTest, ASnapshotHasEveryVcpuWithItsRoot) {
  vmm::TlbDump d;
  d.mark = "race.t1.fadvised";
  d.vcpu = 0;
  d.value = 7;
  d.entries = {{sample_entry()}, {}};
  d.guest_roots = {GuestPhysAddr(0x5000), GuestPhysAddr(0x6000)};
  proto::TlbSnapshot s = tlb_snapshot(d, 99);
  EXPECT_EQ(s.after_seq(), 99u);
  EXPECT_EQ(s.mark(), "race.t1.fadvised");
  EXPECT_EQ(s.value(), 7u);
  ASSERT_EQ(s.tlbs_size(), 2);
  EXPECT_EQ(s.tlbs(0).vcpu(), 0u);
  EXPECT_EQ(s.tlbs(0).guest_root(), 0x5000u);
  ASSERT_EQ(s.tlbs(0).entries_size(), 1);
  EXPECT_EQ(s.tlbs(0).entries(0).va(), 0x100000000000u);
  EXPECT_EQ(s.tlbs(1).vcpu(), 1u);
  EXPECT_EQ(s.tlbs(1).guest_root(), 0x6000u);
  EXPECT_EQ(s.tlbs(1).entries_size(), 0);
}

TEST(HypercallNamesTest, EveryCallOfTheAbiHasANameAndItsArguments) {
  for (std::uint32_t nr = 0; nr < abi::HC_COUNT; ++nr) {
    const bool defined = (nr <= abi::HC_MARK) || (nr >= abi::HC_MMU_LOAD_CR3 && nr <= abi::HC_MMU_PAGE_DIRTY) ||
                         (nr >= abi::HC_BLK_INFO && nr <= abi::HC_BLK_FLUSH);
    EXPECT_EQ(hypercall_name(nr) != "HC_UNKNOWN", defined) << nr;
  }
  EXPECT_EQ(hypercall_name(abi::HC_MMU_SHOOTDOWN), "HC_MMU_SHOOTDOWN");
  EXPECT_EQ(hypercall_arg_count(abi::HC_MMU_TLB_MISS), 3u);
  EXPECT_EQ(hypercall_arg_count(abi::HC_MMU_PAGE_DIRTY), 3u);
  EXPECT_EQ(hypercall_arg_count(abi::HC_MARK), 2u);
  EXPECT_EQ(hypercall_arg_count(0xdead), 6u);
}

}  // namespace
}  // namespace shadowtlb::trace
