// The paravirtual call ABI between the shadowtlb guest kernel and the VMM.
//
// Shared verbatim by the freestanding guest and the host VMM: keep it plain C++
// with fixed-width types and no library beyond <stdint.h>. docs/abi.md is the
// prose version of this file; change both together.
//
// Calling convention (chosen so one `out` is the whole call and the VMM reads
// every argument from the sync-regs block KVM already copied, no extra ioctl):
//
//   eax  <- call number (enum hc), sent as the 32-bit data of `outl %eax, $HC_PORT`
//   rdi, rsi, rdx, r10, r8, r9  <- arguments 0..5 (the Linux syscall order)
//   rax  -> result: >= 0 success, < 0 a negated enum hc_error
//
// Every pointer argument is a guest-physical address, never a virtual one: the
// VMM must not depend on which page tables the caller happens to run on.
#pragma once

#include <stdint.h>

namespace shadowtlb::abi {

// `outl %eax, $HC_PORT` performs a call; it fits the imm8 form so rdx stays free.
inline constexpr uint16_t HC_PORT = 0xe0;
// That `out` is E7 E0: a call's exit reports RIP this many bytes after it.
inline constexpr uint64_t HC_INSN_LENGTH = 2;
// `outl %eax, $HC_RAW_PORT`: an exit the VMM acknowledges and ignores. Used only
// to measure the bare KVM exit cost beside a full hypercall (bench/).
inline constexpr uint16_t HC_RAW_PORT = 0xe1;
// 16550 UART transmit register of the first serial port: the guest console.
inline constexpr uint16_t SERIAL_COM1 = 0x3f8;

enum hc : uint32_t {
  // --- machine control -----------------------------------------------------
  HC_EXIT = 0x00,       // (status): the guest is done; status 0 means success
  HC_START_CPU = 0x01,  // (vcpu_id): start a secondary vCPU at the image entry
  HC_REPORT = 0x02,     // (gpa of struct guest_report): test result, panic, ...
  HC_CLOCK = 0x03,      // () -> host CLOCK_MONOTONIC in nanoseconds
  HC_NOP = 0x04,        // () -> 0: the null call, for measuring the round trip
  HC_YIELD = 0x05,      // (): this vCPU waits for something; let others run
  HC_MARK = 0x06,       // (gpa of NUL-terminated name, value): a named point

  // --- paravirtual MMU (issue 3: the shadow MMU implements these) -----------
  HC_MMU_LOAD_CR3 = 0x10,    // (root gpa, flags): the guest's `mov cr3`
  HC_MMU_FLUSH_LOCAL = 0x11, // (va, npages | FLUSH_ALL): this vCPU's invlpg
  HC_MMU_SHOOTDOWN = 0x12,   // (gpa of struct flush_request): remote flush
  HC_MMU_TLB_MISS = 0x13,    // (va, error code, rip) -> enum tlb_miss_result
  HC_MMU_PAGE_FREED = 0x14,  // (pfn, order): frames returned to the allocator
  HC_MMU_PAGE_REUSED = 0x15, // (pfn, order): frames handed out again
  HC_MMU_PAGE_DIRTY = 0x16,  // (pfn, order, dirty): PG_dirty set (1) or cleared (0) on the page

  // --- paravirtual block devices (issue 4): the disk and the swap area ------
  // Blocks are BLK_BLOCK_SIZE bytes; `gpa` is the guest buffer, nblocks long.
  // The host owns the backing store (a file, or memory), so a host test can
  // read what really reached the disk.
  HC_BLK_INFO = 0x20,   // (dev) -> capacity in blocks; -HC_ENOSYS if dev is absent
  HC_BLK_READ = 0x21,   // (dev, first block, gpa, nblocks) -> 0
  HC_BLK_WRITE = 0x22,  // (dev, first block, gpa, nblocks) -> 0
  HC_BLK_FLUSH = 0x23,  // (dev) -> 0 once every write reached the backing store (fsync)

  HC_COUNT
};

enum hc_error : int64_t {
  HC_OK = 0,
  HC_ENOSYS = 38,  // unknown call, or not supported by this VMM configuration
  HC_EINVAL = 22,  // bad argument (address outside RAM, bad vCPU id, ...)
  HC_EBUSY = 16,   // e.g. HC_START_CPU on a vCPU already started
  HC_EIO = 5,      // the host's backing store failed (a block device's file)
};

// Block devices (HC_BLK_*).
enum blk_dev : uint64_t {
  BLK_DEV_DISK = 0,  // the file system's disk: --disk PATH, or memory
  BLK_DEV_SWAP = 1,  // the swap area for anonymous pages (always memory)
};
inline constexpr uint64_t BLK_BLOCK_SIZE = 4096;

// HC_MMU_FLUSH_LOCAL's npages value meaning "everything non-global".
inline constexpr uint64_t FLUSH_ALL = ~0ull;

// Answer of HC_MMU_TLB_MISS to the guest's #PF entry.
enum tlb_miss_result : int64_t {
  TLB_MISS_RETRY = 0,  // the VMM filled the entry: iretq and retry the access
  TLB_MISS_FAULT = 1,  // a real fault: run the guest's own #PF handling
};

// Argument block of HC_MMU_SHOOTDOWN. vcpu_mask covers vCPUs 0..255.
struct flush_request {
  uint64_t vcpu_mask[4];
  uint64_t start;   // first guest-virtual address
  uint64_t npages;  // 4 KiB pages from start, or FLUSH_ALL
};
static_assert(sizeof(flush_request) == 48, "flush_request is part of the ABI");

}  // namespace shadowtlb::abi
