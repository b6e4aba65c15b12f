// How long the VMM spends in each kind of MMU exit: count and total host time.
//
// Measured around the handler only (lock, model, waiting for other vCPUs), so
// bench/ can put the VMM-side cost of a trapped PTE write or a shootdown next
// to the bare exit cost the guest measures.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace shadowtlb::vmm {

enum class MmuOp { tlb_miss, pte_read, pte_rmw, pte_write, stale_write, flush_local, shootdown, load_cr3, count };

[[nodiscard]] std::string_view mmu_op_name(MmuOp op);

class MmuStats {
 public:
  struct Totals {
    std::uint64_t count = 0;
    std::uint64_t total_ns = 0;
    std::uint64_t max_ns = 0;
  };

  void record(MmuOp op, std::chrono::nanoseconds elapsed);
  [[nodiscard]] Totals totals(MmuOp op) const;

  // Times one handler: `MmuStats::Scope s(stats, MmuOp::pte_write);`
  class Scope {
   public:
    Scope(MmuStats& stats, MmuOp op)
        : stats_(stats), op_(op), start_(std::chrono::steady_clock::now()) {}
    ~Scope() { stats_.record(op_, std::chrono::steady_clock::now() - start_); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    MmuStats& stats_;
    MmuOp op_;
    std::chrono::steady_clock::time_point start_;
  };

 private:
  struct Counter {
    std::atomic<std::uint64_t> count{0}, total_ns{0}, max_ns{0};
  };
  std::array<Counter, static_cast<std::size_t>(MmuOp::count)> counters_;
};

}  // namespace shadowtlb::vmm
