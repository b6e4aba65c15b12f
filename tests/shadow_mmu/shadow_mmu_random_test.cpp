// Randomized differential tests: random operations on 2-3 vCPUs, each step
// checked against an oracle that walks the guest tables afresh.
//   coherent:        every entry is exactly what a walk gives now (rights, G,
//                    A, D), no hazard ever;
//   architectural:   an entry is stale exactly when the tables disagree, and
//                    lost dirty bits are exactly the stale writes no D bit
//                    covered before their entry left the TLB;
//   dirty_shootdown: no dirty entry is ever stale;
//   always:          the real tables hold exactly the TLB, and runs replay.
#include "mmu_fixture.h"

#include <map>
#include <random>

namespace shadowtlb::mmu::testing {
namespace {

// Independent of the model: does the walk from `root` still give `e`?
bool oracle_agrees(const FakePhysMemory& mem, const TlbEntry& e, GuestPhysAddr root) {
  WalkResult w = walk(mem, root, e.va);
  if (!w.ok() || w.frame != e.frame || w.page_size != e.page_size) return false;
  if (e.writable && !w.writable) return false;
  if (e.executable && !w.executable) return false;
  return true;
}

// Coherent mode's claim: what an uncached access would see now, to the bit.
bool oracle_exact(const FakePhysMemory& mem, const TlbEntry& e, GuestPhysAddr root) {
  WalkResult w = walk(mem, root, e.va);
  if (!w.ok() || w.frame != e.frame || w.page_size != e.page_size) return false;
  if (w.writable != e.writable || w.user != e.user || w.executable != e.executable) return false;
  if (w.leaf().global() != e.global || (e.dirty && !w.leaf().dirty())) return false;
  for (unsigned level = static_cast<unsigned>(w.level); level <= 4; ++level)
    if (!w.entry[level].accessed()) return false;
  return true;
}

// Independent of the model's leaf index: does a present leaf with D, in the
// tables reachable from `table` (at `level`), map the 4 KiB frame?
bool oracle_dirty(const FakePhysMemory& mem, GuestPhysAddr table, unsigned level, Pfn frame) {
  for (unsigned i = 0; i < (level == 4 ? 256u : 512u); ++i) {
    PageEntry e = mem.entry(table, i);
    if (!e.present()) continue;
    auto at = static_cast<x86::Level>(level);
    if (level == 1 || e.large(at)) {
      GuestPhysAddr base = level == 1 ? e.address() : e.large_address(at);
      if (e.dirty() && frame.address() >= base && frame.address() - base < x86::entry_span(at))
        return true;
    } else if (level > 1 && oracle_dirty(mem, e.address(), level - 1, frame)) {
      return true;
    }
  }
  return false;
}

class RandomRun {
 public:
  RandomRun(std::uint64_t seed, TlbMode mode, EnforcePolicy enforce, unsigned vcpus,
            std::size_t capacity = 0, EvictPolicy evict = EvictPolicy::lru)
      : random_(seed), vcpus_(vcpus) {
    mem_.set_entry(kRoot, 0, PageEntry::table(kPdpt, kRw | kUs));
    mem_.set_entry(kRoot2, 0, PageEntry::table(kPdpt, kRw | kUs));
    mem_.set_entry(kPdpt, 1, PageEntry::table(kPd, kRw | kUs));
    mem_.set_entry(kPd, 0, PageEntry::table(kPt, kRw | kUs));
    mem_.set_entry(kPd, 1, PageEntry::table(kPt2, kRw | kUs));
    for (unsigned i = 0; i < kPages; ++i) {
      mem_.set_entry(kPt, i, random_leaf());
      mem_.set_entry(kPt2, i, random_leaf());
    }
    MmuConfig c;
    c.vcpus = vcpus;
    c.mode = mode;
    c.enforce = enforce;
    c.capacity = capacity;
    c.evict = evict;
    c.seed = seed;
    c.ram_size = kRamSize;
    c.real_tables_base = kPoolBase;
    c.real_tables_size = kPoolSize;
    c.readonly_alias_base = kAliasBase;
    mmu_ = std::make_unique<ShadowMmu>(c, mem_, &sink_);
    for (unsigned v = 0; v < vcpus; ++v) (void)mmu_->load_cr3(v, kRoot, kRip);
  }

  void step() {
    unsigned vcpu = pick(vcpus_);
    switch (pick(12)) {
      case 0:
      case 1:
      case 2:
      case 3: {
        Access access{pick(2) == 0, false, pick(5) == 0};
        if (access.fetch) access.write = false;
        (void)mmu_->tlb_miss(vcpu, random_va(), access, kRip);
        break;
      }
      case 4:
      case 5:
        (void)mmu_->write_pte(vcpu, (pick(2) ? kPt : kPt2) + 8ull * pick(kPages), random_leaf().raw(), kRip);
        break;
      case 6: {
        // Move a PTE as move_ptes does: clear the old slot, set the new one.
        GuestPhysAddr from = kPt + 8ull * pick(kPages), to = kPt2 + 8ull * pick(kPages);
        std::uint64_t value = mem_.read_u64(from).value();
        (void)mmu_->write_pte(vcpu, from, 0, kRip);
        (void)mmu_->write_pte(vcpu, to, value, kRip);
        break;
      }
      case 7: {
        std::uint64_t clear = pick(2) ? kD : kRw | kD;  // page_mkclean, test_and_clear_dirty
        auto op = [&](std::uint64_t old) -> std::optional<std::uint64_t> {
          if (!(old & PageEntry::P)) return std::nullopt;
          return old & ~clear;
        };
        (void)mmu_->rmw_pte(vcpu, (pick(2) ? kPt : kPt2) + 8ull * pick(kPages), op, kRip);
        break;
      }
      case 8: {
        std::uint64_t values[] = {PageEntry::table(kPt, kRw | kUs).raw(),
                                  PageEntry::table(kPt2, kRw | kUs).raw(),
                                  PageEntry::table(kPt, kUs).raw(),
                                  PageEntry::huge_page(huge_frame(pick(2)), kRw | (pick(2) ? kD : 0)).raw(),
                                  0};
        (void)mmu_->write_pte(vcpu, pde(pick(2)), values[pick(5)], kRip);
        break;
      }
      case 9:
        if (pick(4) == 0)
          mmu_->flush_local(vcpu, GuestVirtAddr(), ShadowMmu::kFlushAll, kRip);
        else
          mmu_->flush_local(vcpu, random_va(), 1 + pick(3), kRip);
        break;
      case 10: {
        VcpuMask targets;
        for (unsigned v = 0; v < vcpus_; ++v)
          if (pick(2)) targets.set(v);
        mmu_->shootdown(vcpu, targets, random_va(), pick(3) ? 1 + pick(8) : ShadowMmu::kFlushAll, kRip);
        break;
      }
      case 11: {
        if (pick(3) == 0) {
          GuestPhysAddr root = pick(2) ? kRoot : kRoot2;
          (void)mmu_->load_cr3(vcpu, root, kRip);
          if (root == kRoot2) root2_loaded_ = true;
        } else if (pick(2) == 0) {
          unsigned n = pick(kPages);
          if (!frame_mapped(frame(n))) mmu_->page_freed(vcpu, Pfn::of(frame(n)), 0);
        } else {
          // What the VMM sees on a write exit from the alias: mostly through
          // one of the vCPU's stale dirty entries, sometimes anywhere.
          GuestPhysAddr target = frame(pick(kPages)) + 8ull * pick(512);
          for (const TlbEntry& e : mmu_->entries(vcpu))
            if (e.stale && e.dirty && pick(2)) target = e.frame + 8ull * pick(512);
          std::array<std::byte, 8> data{};
          data[0] = std::byte{static_cast<unsigned char>(pick(256))};
          (void)mmu_->stale_write(vcpu, target, data, kRip);
        }
        break;
      }
    }
  }

  // Checks shared by every mode: real tables equal the TLB.
  void check_real_tables() const {
    for (unsigned v = 0; v < vcpus_; ++v) expect_real_tables_match(*mmu_, mem_, v);
  }
  static GuestPhysAddr root_of(const TlbEntry& e) { return e.path[4].align_down(kPageSize); }

  ShadowMmu& mmu() { return *mmu_; }
  const FakePhysMemory& mem() const { return mem_; }
  const RecordingSink& sink() const { return sink_; }
  unsigned vcpus() const { return vcpus_; }
  // Roots loaded so far: the model traces their tables from then on.
  std::vector<GuestPhysAddr> loaded_roots() const {
    if (root2_loaded_) return {kRoot, kRoot2};
    return {kRoot};
  }

 private:
  static constexpr unsigned kPages = 8;

  unsigned pick(unsigned n) { return static_cast<unsigned>(random_() % n); }
  GuestVirtAddr random_va() {
    std::uint64_t base = pick(2) ? kBase : kHugeBase;
    return GuestVirtAddr(base + pick(kPages) * kPageSize + pick(64) * 8);
  }
  PageEntry random_leaf() {
    if (pick(5) == 0) return PageEntry();
    std::uint64_t flags = 0;
    for (std::uint64_t bit : {kRw, kA, kD, kXd, PageEntry::G})
      if (pick(bit == PageEntry::G ? 8 : 2) == 0) flags |= bit;
    return PageEntry::page(frame(pick(kPages)), flags);
  }
  // Any present leaf in the universe names the frame (linked or not).
  bool frame_mapped(GuestPhysAddr f) const {
    for (GuestPhysAddr table : {kPt, kPt2})
      for (unsigned i = 0; i < 512; ++i) {
        PageEntry e = mem_.entry(table, i);
        if (e.present() && e.address() == f) return true;
      }
    for (unsigned i = 0; i < 2; ++i) {
      PageEntry e = mem_.entry(kPd, i);
      if (e.present() && e.has(PageEntry::PS) && f >= e.large_address(x86::Level::pd) &&
          f - e.large_address(x86::Level::pd) < kHugePageSize)
        return true;
    }
    return false;
  }

  std::mt19937_64 random_;
  unsigned vcpus_;
  bool root2_loaded_ = false;
  FakePhysMemory mem_{kPoolBase.value() + kPoolSize};
  RecordingSink sink_;
  std::unique_ptr<ShadowMmu> mmu_;
};

constexpr unsigned kSeeds = 25;
constexpr unsigned kSteps = 400;

TEST(RandomDifferential, CoherentModeNeverHasAStaleEntryOrAHazard) {
  std::size_t enforced = 0, fills = 0, upgrades = 0;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    RandomRun run(seed, TlbMode::coherent, EnforcePolicy::none, 2 + seed % 2);
    for (unsigned step = 0; step < kSteps; ++step) {
      run.step();
      ASSERT_TRUE(run.mmu().hazards().empty()) << "seed " << seed << " step " << step << ": "
                                              << hazard_kind_name(run.mmu().hazards()[0].kind);
      for (unsigned v = 0; v < run.vcpus(); ++v) {
        for (const TlbEntry& e : run.mmu().entries(v)) {
          ASSERT_FALSE(e.stale) << "seed " << seed << " step " << step;
          ASSERT_TRUE(oracle_exact(run.mem(), e, RandomRun::root_of(e)))
              << "seed " << seed << " step " << step << " vCPU " << v << " va " << std::hex
              << e.va.value();
        }
      }
      if (step % 50 == 0) run.check_real_tables();
    }
    EXPECT_EQ(run.sink().count(EventKind::stale), 0u);
    EXPECT_EQ(run.sink().count(EventKind::stale_write), 0u);
    run.check_real_tables();
    enforced += run.sink().count(EventKind::enforce);
    fills += run.sink().count(EventKind::fill);
    upgrades += run.sink().count(EventKind::dirty_upgrade);
  }
  // The runs did exercise what they claim to check.
  EXPECT_GT(enforced, 100u);
  EXPECT_GT(fills, 500u);
  EXPECT_GT(upgrades, 20u);
}

TEST(RandomDifferential, ArchitecturalStaleFlagMatchesTheTables) {
  std::size_t stale = 0, stale_writes = 0, lost = 0;
  for (std::uint64_t seed = 100; seed < 100 + kSeeds; ++seed) {
    RandomRun run(seed, TlbMode::architectural, EnforcePolicy::none, 3);
    for (unsigned step = 0; step < kSteps; ++step) {
      run.step();
      for (unsigned v = 0; v < run.vcpus(); ++v)
        for (const TlbEntry& e : run.mmu().entries(v))
          ASSERT_EQ(e.stale, !oracle_agrees(run.mem(), e, RandomRun::root_of(e)))
              << "seed " << seed << " step " << step << " vCPU " << v << " va " << std::hex
              << e.va.value();
      if (step % 25 == 0) run.check_real_tables();
    }
    run.check_real_tables();
    run.mmu().finalize();
    // Every stale write and lost dirty bit came from a stale entry.
    for (const Hazard& h : run.mmu().hazards()) {
      if (h.kind == HazardKind::stale_write || h.kind == HazardKind::lost_dirty_bit) {
        EXPECT_TRUE(h.entry.stale);
        EXPECT_TRUE(h.entry.dirty);
        EXPECT_NE(h.stale_since, 0u);
      }
      lost += h.kind == HazardKind::lost_dirty_bit;
    }
    stale += run.sink().count(EventKind::stale);
    stale_writes += run.sink().count(EventKind::stale_write);
  }
  EXPECT_GT(stale, 200u);
  EXPECT_GT(stale_writes, 5u);
  EXPECT_GT(lost, 0u);
}

// The verdict rule replayed outside the model: a stale write with no D for
// its frame anywhere opens a verdict (one per entry and frame), any D for the
// frame after it closes it, and the entry leaving the TLB (or finalize) with
// it still open must record exactly that lost dirty bit, in that step.
class VerdictOracle {
 public:
  void before_step(const RecordingSink& sink) { first_ = sink.events.size() + 1; }
  void after_step(RandomRun& run) {
    const std::vector<Event>& events = run.sink().events;
    for (std::size_t i = first_ - 1; i < events.size(); ++i)
      if (events[i].kind == EventKind::stale_write) on_stale_write(run, events[i]);
    for (auto it = open_.begin(); it != open_.end();) {
      if (dirty_anywhere(run, it->first.frame)) {
        ++covered_;
        it = open_.erase(it);
      } else if (!still_cached(run, it->first)) {
        expected_.push_back({it->second, first_, events.size()});
        it = open_.erase(it);
      } else {
        ++it;
      }
    }
  }
  void after_finalize(RandomRun& run) {
    for (const auto& [slot, write] : open_)
      expected_.push_back({write, first_, run.sink().events.size()});
    open_.clear();
  }
  void check(RandomRun& run, std::uint64_t seed) const {
    std::vector<Expected> got;
    for (const Hazard& h : run.mmu().hazards())
      if (h.kind == HazardKind::lost_dirty_bit) got.push_back({h.write_event, h.seq, h.seq});
    ASSERT_EQ(got.size(), expected_.size()) << "seed " << seed;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].write, expected_[i].write) << "seed " << seed;
      EXPECT_GE(got[i].first, expected_[i].first) << "seed " << seed;  // recorded in that step
      EXPECT_LE(got[i].first, expected_[i].last) << "seed " << seed;
    }
  }
  [[nodiscard]] std::size_t covered() const { return covered_; }
  [[nodiscard]] std::size_t lost() const { return expected_.size(); }

 private:
  struct Slot {  // the entry (as filled) and the frame written
    unsigned vcpu;
    std::uint64_t va, page_size;
    EventSeq filled_at;
    Pfn frame;
    friend auto operator<=>(const Slot&, const Slot&) = default;
  };
  struct Expected {
    EventSeq write;
    std::size_t first, last;  // the step's events
  };

  void on_stale_write(RandomRun& run, const Event& e) {
    Slot slot{e.vcpu, e.entry.va.value(), e.entry.page_size, e.entry.filled_at, Pfn::of(e.pa)};
    if (!dirty_anywhere(run, slot.frame)) open_.try_emplace(slot, e.seq);
  }
  bool dirty_anywhere(RandomRun& run, Pfn frame) const {
    for (GuestPhysAddr root : run.loaded_roots())
      if (oracle_dirty(run.mem(), root, 4, frame)) return true;
    return false;
  }
  static bool still_cached(RandomRun& run, const Slot& slot) {
    for (const TlbEntry& e : run.mmu().entries(slot.vcpu))
      if (e.va.value() == slot.va && e.page_size == slot.page_size && e.filled_at == slot.filled_at)
        return true;
    return false;
  }

  std::size_t first_ = 1;
  std::map<Slot, EventSeq> open_;  // → the stale write it names
  std::vector<Expected> expected_;
  std::size_t covered_ = 0;
};

TEST(RandomDifferential, LostDirtyBitsMatchTheVerdictOracle) {
  std::size_t covered = 0, lost = 0;
  for (std::uint64_t seed = 300; seed < 300 + 4 * kSeeds; ++seed) {
    RandomRun run(seed, TlbMode::architectural, EnforcePolicy::none, 2 + seed % 2);
    VerdictOracle oracle;
    for (unsigned step = 0; step < kSteps; ++step) {
      oracle.before_step(run.sink());
      run.step();
      oracle.after_step(run);
    }
    oracle.before_step(run.sink());
    run.mmu().finalize();
    oracle.after_finalize(run);
    oracle.check(run, seed);
    covered += oracle.covered();
    lost += oracle.lost();
  }
  // Both outcomes were exercised.
  EXPECT_GT(covered, 0u);
  EXPECT_GT(lost, 0u);
}

TEST(RandomDifferential, DirtyShootdownNeverLeavesAStaleDirtyEntry) {
  for (std::uint64_t seed = 200; seed < 200 + kSeeds; ++seed) {
    RandomRun run(seed, TlbMode::architectural, EnforcePolicy::dirty_shootdown, 2);
    for (unsigned step = 0; step < kSteps; ++step) {
      run.step();
      for (unsigned v = 0; v < run.vcpus(); ++v)
        for (const TlbEntry& e : run.mmu().entries(v))
          ASSERT_FALSE(e.stale && e.dirty) << "seed " << seed << " step " << step;
    }
    for (const Hazard& h : run.mmu().hazards())
      EXPECT_NE(h.kind, HazardKind::stale_write) << "seed " << seed;
    run.check_real_tables();
  }
}

TEST(RandomDifferential, RunsReplayEventForEvent) {
  auto trace = [](std::uint64_t seed) {
    RandomRun run(seed, TlbMode::architectural, EnforcePolicy::none, 3, 5, EvictPolicy::random);
    for (unsigned step = 0; step < kSteps; ++step) run.step();
    run.check_real_tables();
    std::vector<std::tuple<EventSeq, EventKind, unsigned, std::uint64_t, std::uint64_t, std::uint64_t>> out;
    for (const Event& e : run.sink().events)
      out.emplace_back(e.seq, e.kind, e.vcpu, e.va.value(), e.pa.value(), e.new_value);
    return out;
  };
  for (std::uint64_t seed : {7u, 8u, 9u}) EXPECT_EQ(trace(seed), trace(seed));
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
