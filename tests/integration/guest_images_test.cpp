// The built-in guest images boot on 1, 2 and 8 vCPUs and report what they should.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <set>

#include "abi/guest_report.h"
#include "support/kvm_available.h"
#include "support/run_builtin.h"
#include "vmm/images/builtin_images.h"
#include "vmm/runtime/machine.h"

namespace shadowtlb::vmm {
namespace {

// Every guest test the selftest image holds (images/selftest): one that stops
// reporting, or that reports a failure, fails here by name.
const char* const kExpectedSelftests[] = {
    "exceptions.page_fault_on_read_is_fixed_up",
    "exceptions.page_fault_on_write_is_fixed_up",
    "exceptions.invalid_opcode_is_fixed_up",
    "exceptions.general_protection_is_fixed_up",
    "exceptions.execution_continues_after_fixups",
    "fault.spurious_check_follows_the_current_tables",
    "fault.permission_increase_without_flush_is_retried",
    "cmdline.parse_words_values_quotes",
    "cmdline.boot_command_line",
    "kstrtox.bases_and_errors",
    "vsprintf.integer_formats",
    "vsprintf.strings_chars_pointers",
    "vsprintf.truncation_reports_full_length",
    "string.memory_functions",
    "string.string_functions",
    "mm.user_mm_shares_kernel_half",
    "mm.kthread_use_mm_reaches_user_mapping",
    "mm.unmapped_user_page_faults",
    "mm.write_to_readonly_user_page_faults",
    "mm.reload_cr3_keeps_the_mm_loaded",
    "page_alloc.order0_alloc_write_free",
    "page_alloc.freed_page_is_reused_first",
    "page_alloc.pages_are_distinct",
    "page_alloc.order9_block_is_2mib_aligned",
    "page_alloc.hints_on_free_and_reuse",
    "page_alloc.never_used_memory_sends_no_hint",
    "page_alloc.zeroed_page_after_reuse",
    "slab.kmalloc_kfree_reuse",
    "slab.large_kmalloc_uses_pages",
    "pgtable.direct_map_uses_2mib_pages",
    "pgtable.kernel_image_mapped_at_kernel_base",
    "pgtable.lower_half_empty_in_init_mm",
    "pgtable.map_unmap_4k",
    "pgtable.map_unmap_2m",
    "pgtable.map_range_mixes_page_sizes",
    "pgtable.each_mm_maps_only_its_half",
    "pt_view.kernel_maps_the_view_with_2mib_pages",
    "pt_view.user_tables_are_read_through_the_view",
    "pt_view.kernel_half_of_a_user_mm_leaves_the_view_below_the_pgd",
    "pt_view.recycled_page_is_cleared_before_it_becomes_a_table",
    "pt_view.teardown_leaves_tables_zero_for_reuse",
    "pt_view.atomic_updates_of_a_pte",
    "smp.all_vcpus_online",
    "kthread.runs_on_each_cpu",
    "kthread.round_robin_on_boot_cpu",
    "kthread.stop_ends_a_loop",
    "kthread.completion_across_cpus",
    "spinlock.trylock",
    "spinlock.counter_across_all_cpus",
    "percpu.each_cpu_has_its_own_copy",
    "blkdev.capacity_of_disk_and_swap",
    "blkdev.disk_round_trip_of_two_blocks",
    "blkdev.swap_round_trip_of_a_page",
    "blkdev.out_of_range_is_einval",
    "blkdev.flush_returns_zero",
    "blkdev.disk_last_block_holds_the_pattern",
    "vma.mmap_places_and_munmap_removes",
    "vma.bad_arguments_are_rejected",
    "vma.anonymous_pages_fault_in_zeroed",
    "vma.access_outside_any_vma_gets_sigsegv",
    "vma.write_to_read_only_mapping_gets_sigsegv",
    "vma.munmap_frees_anonymous_pages",
    "vma.threads_on_every_cpu_fault_one_mm",
    "filemap.pwrite_then_pread",
    "filemap.fsync_reaches_the_disk",
    "filemap.fadvise_dontneed_writes_back_and_drops",
    "filemap.shared_mapping_tracks_dirty_through_write_faults",
    "filemap.munmap_then_fadvise_drops_the_page",
    "filemap.ftruncate_unmaps_and_access_past_eof_is_sigbus",
    "mremap.moves_anonymous_pages_and_old_range_faults",
    "mremap.grows_in_place_or_moves",
    "mremap.flush_count_follows_mremap_flush",
    "thp.fault_maps_a_huge_pmd",
    "thp.mremap_moves_the_huge_pmd",
    "thp.partial_munmap_splits_the_page",
    "thp.pageout_splits_swaps_out_and_faults_back",
};

// Guest tests that skip on one vCPU (they need a second CPU to run a thread on).
constexpr const char* kMultiVcpuSelftests[] = {
    "mremap.write_on_other_cpu_survives_mremap_and_fadvise",
};

// The address `selftest.crash=pf` reads (images/selftest/crash.cpp).
constexpr std::uint64_t kCrashPfAddress = 0xdead000;

VmConfig builtin_config(std::string_view name, unsigned vcpus, std::string cmdline = "") {
  return test::builtin_config(name, vcpus, std::move(cmdline));
}

std::vector<const GuestReport*> reports_of(const RunResult& r, abi::report_kind kind) {
  std::vector<const GuestReport*> out;
  for (const GuestReport& report : r.reports)
    if (report.kind == kind) out.push_back(&report);
  return out;
}

class GuestImageTest : public ::testing::TestWithParam<unsigned> {
 protected:
  void SetUp() override { SHADOWTLB_REQUIRE_KVM(); }
};

TEST_P(GuestImageTest, SmokeReportsFromEveryVcpu) {
  const unsigned n = GetParam();
  RunResult r = run_vm(builtin_config("smoke", n));
  ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  EXPECT_EQ(r.vcpus_started, n);
  std::multiset<std::uint64_t> seen;
  for (const GuestReport* v : reports_of(r, abi::REPORT_VALUE)) {
    if (v->name != "smoke.vcpu") continue;
    seen.insert(v->values[0]);
    EXPECT_EQ(v->values[0], v->vcpu) << "a vCPU reported another's id";
  }
  std::multiset<std::uint64_t> expected;
  for (unsigned i = 0; i < n; ++i) expected.insert(i);
  EXPECT_EQ(seen, expected);
}

// Runs selftest and checks every expected guest test passed, naming each in
// the host test's output.
void expect_every_selftest_passes(VmConfig config) {
  const unsigned vcpus = config.vcpus;
  RunResult r = run_vm(std::move(config));
  EXPECT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  for (const GuestReport* f : reports_of(r, abi::REPORT_TEST_FAIL))
    ADD_FAILURE() << "guest test " << f->name << " failed: " << f->expr << " (" << f->file << ":"
                  << f->line << ")";
  std::set<std::string> passed;
  for (const GuestReport* p : reports_of(r, abi::REPORT_TEST_PASS)) {
    passed.insert(p->name);
    std::cout << "[ guest    ] PASS " << p->name << "\n";
  }
  for (const char* name : kExpectedSelftests)
    EXPECT_TRUE(passed.count(name)) << "guest test " << name << " did not report a pass";
  if (vcpus < 2) return;
  for (const char* name : kMultiVcpuSelftests)
    EXPECT_TRUE(passed.count(name)) << "guest test " << name << " did not report a pass";
}

TEST_P(GuestImageTest, SelftestPassesEveryGuestTest) {
  expect_every_selftest_passes(builtin_config("selftest", GetParam()));
}

// Issue 4: the mm self-tests run on one vCPU and on several with a TLB
// model that never holds a stale entry, as well as the architectural one.
TEST_P(GuestImageTest, SelftestPassesEveryGuestTestWithCoherentTlb) {
  VmConfig config = builtin_config("selftest", GetParam());
  config.mmu.mode = mmu::TlbMode::coherent;
  expect_every_selftest_passes(std::move(config));
}

INSTANTIATE_TEST_SUITE_P(Vcpus, GuestImageTest, ::testing::Values(1u, 2u, 8u),
                         [](const auto& param) { return std::to_string(param.param) + "vcpus"; });

class GuestCrashTest : public ::testing::Test {
 protected:
  void SetUp() override { SHADOWTLB_REQUIRE_KVM(); }
};

TEST_F(GuestCrashTest, UnhandledPageFaultIsReportedWithVectorRipAndCr2) {
  RunResult r = run_vm(builtin_config("selftest", 2, "selftest.crash=pf"));
  EXPECT_EQ(r.outcome, Outcome::guest_panic) << r.message;
  std::vector<const GuestReport*> ex = reports_of(r, abi::REPORT_EXCEPTION);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0]->values[0], 14u);  // #PF
  EXPECT_EQ(ex[0]->values[2], kCrashPfAddress);
  EXPECT_NE(r.message.find("#PF (page fault)"), std::string::npos) << r.message;
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->rip, ex[0]->values[1]);
  EXPECT_EQ(r.failure->instruction.find("<"), std::string::npos) << r.failure->instruction;
}

TEST_F(GuestCrashTest, UnhandledInvalidOpcodeIsReported) {
  RunResult r = run_vm(builtin_config("selftest", 1, "selftest.crash=ud"));
  EXPECT_EQ(r.outcome, Outcome::guest_panic) << r.message;
  std::vector<const GuestReport*> ex = reports_of(r, abi::REPORT_EXCEPTION);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0]->values[0], 6u);  // #UD
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_NE(r.failure->instruction.find("ud2"), std::string::npos) << r.failure->instruction;
}

}  // namespace
}  // namespace shadowtlb::vmm
