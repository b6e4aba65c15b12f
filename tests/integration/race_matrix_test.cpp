// Issue 5's expected matrix: each race image under each kernel ordering and
// each TLB policy, judged by the image's verdict (guest-visible data) and
// backed by the shadow MMU's hazards. Every cell is one host test.
//
//   mremap_flush=          --tlb architectural   --tlb coherent   --enforce dirty-shootdown
//   after-unlock           lost_write, exit 3    ok               ok
//   dirty-before-unlock    ok                    ok               ok
//   always-before-unlock   ok                    ok               ok
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "support/kvm_available.h"
#include "vmm/builder/image_source.h"
#include "vmm/cli/exit_codes.h"
#include "vmm/runtime/machine.h"

namespace shadowtlb::vmm {
namespace {

enum class Policy { architectural, coherent, enforce };

struct Cell {
  const char* image;
  const char* kernel;  // mremap_flush=
  Policy policy;
};

void PrintTo(const Cell& c, std::ostream* os) {
  static constexpr const char* names[] = {"architectural", "coherent", "dirty-shootdown"};
  *os << c.image << " mremap_flush=" << c.kernel << " " << names[static_cast<int>(c.policy)];
}

bool expect_lost_write(const Cell& c) {
  return std::string(c.kernel) == "after-unlock" && c.policy == Policy::architectural;
}

// The image's manifest (and its built-in schedule) with the cell's options,
// exactly as `shadowtlb run IMAGE --cmdline ... --tlb ... --enforce ...`.
VmConfig cell_config(const Cell& c) {
  CliOverrides o;
  o.cmdline = std::string("mremap_flush=") + c.kernel;
  if (c.policy == Policy::coherent) o.tlb = "coherent";
  if (c.policy == Policy::enforce) o.enforce = "dirty-shootdown";
  VmConfig config = make_vm_config(c.image, o);
  config.echo_console = false;
  return config;
}

class RaceMatrixTest : public ::testing::TestWithParam<Cell> {
 protected:
  void SetUp() override { SHADOWTLB_REQUIRE_KVM(); }
};

bool has_hazard(const RunResult& r, mmu::HazardKind kind, unsigned vcpu) {
  for (const HazardReport& h : r.hazards)
    if (h.hazard.kind == kind && h.hazard.vcpu == vcpu) return true;
  return false;
}

TEST_P(RaceMatrixTest, VerdictMatchesTheExpectedMatrix) {
  const Cell& cell = GetParam();
  VmConfig config = cell_config(cell);
  ASSERT_TRUE(sched::is_controlled(config.sched)) << "the image has no built-in schedule";
  RunResult r = run_vm(std::move(config));
  ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  ASSERT_TRUE(r.verdict.has_value()) << "the image sent no verdict";
  if (expect_lost_write(cell)) {
    EXPECT_EQ(r.verdict->name, "lost_write") << r.verdict->reason;
    EXPECT_EQ(cli::exit_code_for(r), cli::kExitHazard);
    EXPECT_EQ(r.verdict->values[0], 1u) << "the value read back";
    EXPECT_EQ(r.verdict->values[2], 0u) << "the write of 2 must not have faulted";
    // The model saw why: vCPU 0 wrote through an entry vCPU 1's PTE move made stale.
    ASSERT_TRUE(has_hazard(r, mmu::HazardKind::stale_write, 0));
    for (const HazardReport& h : r.hazards) {
      if (h.hazard.kind == mmu::HazardKind::stale_write) {
        EXPECT_EQ(h.hazard.stale_by_vcpu, 1u);
      }
    }
  } else {
    EXPECT_EQ(r.verdict->name, "ok") << r.verdict->reason;
    EXPECT_EQ(cli::exit_code_for(r), cli::kExitOk);
    // With the write lost nowhere, no write may have gone through a stale entry.
    EXPECT_FALSE(has_hazard(r, mmu::HazardKind::stale_write, 0));
  }
}

std::vector<Cell> all_cells() {
  std::vector<Cell> cells;
  for (const char* image : {"mremap-race", "mremap-race-3t", "thp-race"})
    for (const char* kernel : {"after-unlock", "dirty-before-unlock", "always-before-unlock"})
      for (Policy p : {Policy::architectural, Policy::coherent, Policy::enforce})
        cells.push_back({image, kernel, p});
  return cells;
}

std::string cell_name(const ::testing::TestParamInfo<Cell>& param_info) {
  static constexpr const char* names[] = {"architectural", "coherent", "enforce"};
  std::string n = std::string(param_info.param.image) + "_" + param_info.param.kernel + "_" +
                  names[static_cast<int>(param_info.param.policy)];
  for (char& ch : n)
    if (ch == '-') ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Matrix, RaceMatrixTest, ::testing::ValuesIn(all_cells()), cell_name);

}  // namespace
}  // namespace shadowtlb::vmm
