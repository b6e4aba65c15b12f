// Every mark (HC_MARK) the guest kernel sends, by name: docs/mm.md "Marks".
//
// Shared by both sides: the VMM checks the marks a schedule or --delay names
// against this list (plus the image's own, declared in its manifest), so a
// typo is an error before the run rather than a step that never ends. A test
// (tests/vmm/sched/kernel_marks_test.cpp) finds every mark("...") in guest/
// and fails when one is missing here.
#pragma once

#include <stdint.h>

namespace shadowtlb::abi {

inline constexpr const char* KERNEL_MARKS[] = {
    // mm/mmap.cpp, mm/mremap.cpp, mm/move_page_tables.cpp
    "mmap",
    "munmap",
    "mremap",
    "mremap.done",
    "move_page_tables",
    "move_page_tables.done",
    "move_ptes.lock",
    "move_ptes.pte",
    "move_ptes.unlock",
    // mm/huge_memory.cpp
    "thp.fault",
    "move_huge_pmd.lock",
    "move_huge_pmd.pmd",
    "move_huge_pmd.unlock",
    "split_huge_pmd",
    // arch/x86/tlb.cpp: every flush of a user mm
    "flush_tlb",
    "flush_tlb.done",
    // mm/rmap.cpp, mm/page_writeback.cpp, mm/vmscan.cpp, mm/madvise.cpp
    "page_mkclean.pte",
    "try_to_unmap.pte",
    "writepage",
    "pageout",
    "reclaim.page",
    "madvise.pageout",
    "madvise.pageout.done",
    // fs/
    "pread",
    "truncate",
    "fadvise.dontneed",
    "fadvise.dontneed.done",
    // mm/handle_mm_fault.cpp, kernel/signal.cpp
    "fault.shared_write",
    "fault.wp_page",
    "fault.swap_in",
    "signal.sigsegv",
    "signal.sigbus",
};

inline constexpr uint32_t KERNEL_MARK_COUNT = sizeof(KERNEL_MARKS) / sizeof(KERNEL_MARKS[0]);

}  // namespace shadowtlb::abi
