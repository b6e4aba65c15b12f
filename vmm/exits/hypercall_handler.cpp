// One function per hypercall family; arguments come from the sync-regs block.
#include "vmm/exits/hypercall_handler.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <span>
#include <thread>

#include "abi/guest_report.h"
#include "vmm/exits/guest_report_reader.h"
#include "vmm/exits/vcpu_failure.h"

namespace shadowtlb::vmm {

namespace {

constexpr std::size_t kMaxMarkName = 128;

// Arguments in the Linux syscall order (abi/hypercall.h).
std::uint64_t arg(ExitContext& ctx, unsigned i) {
  const kvm_regs& r = ctx.regs();
  const std::uint64_t args[6] = {r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9};
  return args[i];
}

// The guest buffer of a block transfer, nblocks long. RAM only: a device
// must never write the VMM-private region, whatever address the guest gives.
std::optional<std::span<std::byte>> ram_buffer(const GuestMemory& memory, GuestPhysAddr pa,
                                               std::uint64_t nblocks) {
  const std::uint64_t ram = memory.ram_size();
  // Also keeps nblocks * BLK_BLOCK_SIZE from wrapping.
  if (nblocks > ram / abi::BLK_BLOCK_SIZE) return std::nullopt;
  const std::uint64_t len = nblocks * abi::BLK_BLOCK_SIZE;
  if (pa.value() > ram || len > ram - pa.value()) return std::nullopt;
  if (len == 0) return std::span<std::byte>{};
  return memory.host_span(pa, len);
}

std::int64_t block_result(BlockStatus status) {
  switch (status) {
    case BlockStatus::ok: return abi::HC_OK;
    case BlockStatus::out_of_range: return -abi::HC_EINVAL;
    case BlockStatus::io_error: return -abi::HC_EIO;
  }
  return -abi::HC_EIO;
}

// The MMU calls that are scheduling points: each is a step of the flush
// protocol, or the page walk behind a fault (docs/scheduling.md).
std::optional<sched::PointKind> mmu_point(std::uint32_t nr) {
  switch (nr) {
    case abi::HC_MMU_FLUSH_LOCAL: return sched::PointKind::flush_local;
    case abi::HC_MMU_SHOOTDOWN: return sched::PointKind::shootdown;
    case abi::HC_MMU_TLB_MISS: return sched::PointKind::tlb_miss;
    default: return std::nullopt;
  }
}

}  // namespace

VcpuStep HypercallHandler::handle(ExitContext& ctx, std::uint32_t nr) {
  machine_.trace_hypercall(ctx.vcpu_id, nr,
                           {arg(ctx, 0), arg(ctx, 1), arg(ctx, 2), arg(ctx, 3), arg(ctx, 4), arg(ctx, 5)});
  switch (nr) {
    case abi::HC_EXIT:
      return exit(ctx, arg(ctx, 0));
    case abi::HC_START_CPU:
      ctx.set_result(machine_.start_vcpu(static_cast<unsigned>(arg(ctx, 0))));
      return VcpuStep::resume;
    case abi::HC_REPORT:
      return report(ctx, GuestPhysAddr(arg(ctx, 0)));
    case abi::HC_CLOCK:
      ctx.set_result(std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count());
      return VcpuStep::resume;
    case abi::HC_NOP:
      ctx.set_result(abi::HC_OK);
      return VcpuStep::resume;
    case abi::HC_YIELD:
      std::this_thread::yield();
      ctx.set_result(abi::HC_OK);
      // The guest waits for another vCPU: in a controlled run, the token moves on.
      machine_.scheduling_point(ctx.vcpu_id, sched::Point{sched::PointKind::yield, {}, 0});
      return VcpuStep::resume;
    case abi::HC_MARK:
      ctx.set_result(mark(ctx, GuestPhysAddr(arg(ctx, 0)), arg(ctx, 1)));
      return VcpuStep::resume;
    case abi::HC_BLK_INFO:
    case abi::HC_BLK_READ:
    case abi::HC_BLK_WRITE:
    case abi::HC_BLK_FLUSH:
      ctx.set_result(block_call(ctx, nr));
      return VcpuStep::resume;
    default:
      ctx.set_result(mmu_call(ctx, nr));
      if (std::optional<sched::PointKind> point = mmu_point(nr))
        machine_.scheduling_point(ctx.vcpu_id, sched::Point{*point, {}, 0});
      return VcpuStep::resume;
  }
}

VcpuStep HypercallHandler::exit(ExitContext& ctx, std::uint64_t status) {
  auto s = static_cast<std::int64_t>(status);
  if (s == 0)
    machine_.stop(Outcome::guest_exit_ok, "", std::nullopt, 0);
  else
    machine_.stop(Outcome::guest_exit_failed,
                  fmt::format("the guest exited with status {} (vCPU {})", s, ctx.vcpu_id),
                  std::nullopt, s);
  return VcpuStep::stop;
}

VcpuStep HypercallHandler::report(ExitContext& ctx, GuestPhysAddr report_pa) {
  std::optional<GuestReport> report = read_guest_report(machine_.memory(), report_pa, ctx.vcpu_id);
  if (!report) {
    ctx.set_result(-abi::HC_EINVAL);
    return VcpuStep::resume;
  }
  machine_.add_report(*report);
  ctx.set_result(abi::HC_OK);
  if (report->kind == abi::REPORT_PANIC) {
    machine_.stop(Outcome::guest_panic,
                  fmt::format("guest panic on vCPU {}: {} ({}:{})", ctx.vcpu_id, report->expr,
                              report->file, report->line),
                  capture_vcpu_failure(ctx, machine_.memory()));
    return VcpuStep::stop;
  }
  if (report->kind == abi::REPORT_EXCEPTION) {
    const std::uint64_t* v = report->values;
    machine_.stop(Outcome::guest_panic,
                  fmt::format("unhandled guest exception on vCPU {}: {} at rip {:#x}, cr2 {:#x}, "
                              "error code {:#x}",
                              ctx.vcpu_id, exception_name(v[0]), v[1], v[2], v[3]),
                  capture_vcpu_failure_at(ctx, machine_.memory(), v[1]));
    return VcpuStep::stop;
  }
  return VcpuStep::resume;
}

std::int64_t HypercallHandler::mark(ExitContext& ctx, GuestPhysAddr name_pa, std::uint64_t value) {
  std::optional<std::string> name = read_guest_string(machine_.memory(), name_pa, kMaxMarkName);
  if (!name) return -abi::HC_EINVAL;
  machine_.add_mark(ctx.vcpu_id, *name, value);
  // The point comes after the mark is recorded, so a step ending here finds it.
  machine_.scheduling_point(ctx.vcpu_id, sched::Point{sched::PointKind::mark, *name, value});
  return abi::HC_OK;
}

std::int64_t HypercallHandler::shootdown(ExitContext& ctx, GuestPhysAddr request_pa) {
  std::optional<abi::flush_request> request =
      machine_.memory().read<abi::flush_request>(request_pa);
  if (!request) return -abi::HC_EINVAL;
  const std::int64_t result = mmu_.shootdown(ctx, *request);
  machine_.trace_shootdown_ack(ctx.vcpu_id, *request, result);
  return result;
}

std::int64_t HypercallHandler::mmu_call(ExitContext& ctx, std::uint32_t nr) {
  switch (nr) {
    case abi::HC_MMU_LOAD_CR3:
      return mmu_.load_cr3(ctx, GuestPhysAddr(arg(ctx, 0)), arg(ctx, 1));
    case abi::HC_MMU_FLUSH_LOCAL:
      return mmu_.flush_local(ctx, GuestVirtAddr(arg(ctx, 0)), arg(ctx, 1));
    case abi::HC_MMU_SHOOTDOWN:
      return shootdown(ctx, GuestPhysAddr(arg(ctx, 0)));
    case abi::HC_MMU_TLB_MISS:
      return mmu_.tlb_miss(ctx, GuestVirtAddr(arg(ctx, 0)), arg(ctx, 1), GuestVirtAddr(arg(ctx, 2)));
    case abi::HC_MMU_PAGE_FREED:
      return mmu_.page_freed(ctx, Pfn(arg(ctx, 0)), static_cast<unsigned>(arg(ctx, 1)));
    case abi::HC_MMU_PAGE_REUSED:
      return mmu_.page_reused(ctx, Pfn(arg(ctx, 0)), static_cast<unsigned>(arg(ctx, 1)));
    case abi::HC_MMU_PAGE_DIRTY:
      if (arg(ctx, 2) > 1) return -abi::HC_EINVAL;
      return mmu_.page_dirty(ctx, Pfn(arg(ctx, 0)), static_cast<unsigned>(arg(ctx, 1)), arg(ctx, 2) == 1);
    default:
      return -abi::HC_ENOSYS;
  }
}

// An unknown device number is a bad argument; a known one this machine lacks
// (--swap-size 0) is "not supported by this configuration".
std::int64_t HypercallHandler::block_call(ExitContext& ctx, std::uint32_t nr) {
  const std::uint64_t dev = arg(ctx, 0);
  if (dev != abi::BLK_DEV_DISK && dev != abi::BLK_DEV_SWAP) return -abi::HC_EINVAL;
  BlockDevice* device = machine_.block_device(static_cast<abi::blk_dev>(dev));
  if (device == nullptr) return -abi::HC_ENOSYS;
  switch (nr) {
    case abi::HC_BLK_INFO:
      return static_cast<std::int64_t>(device->capacity());
    case abi::HC_BLK_FLUSH:
      return block_result(device->flush());
    default:
      return block_transfer(*device, nr, arg(ctx, 1), GuestPhysAddr(arg(ctx, 2)), arg(ctx, 3));
  }
}

// The device copies straight between its store and guest RAM, like DMA: the
// guest's page tables and the TLB model play no part.
std::int64_t HypercallHandler::block_transfer(BlockDevice& device, std::uint32_t nr,
                                              std::uint64_t block, GuestPhysAddr buffer,
                                              std::uint64_t nblocks) {
  std::optional<std::span<std::byte>> bytes = ram_buffer(machine_.memory(), buffer, nblocks);
  if (!bytes) return -abi::HC_EINVAL;
  if (nr == abi::HC_BLK_READ) return block_result(device.read(block, *bytes));
  return block_result(device.write(block, *bytes));
}

}  // namespace shadowtlb::vmm
