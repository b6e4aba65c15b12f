// The names and argument counts of abi/hypercall.h's calls.
#include "vmm/trace/hypercall_names.h"

#include "abi/hypercall.h"

namespace shadowtlb::trace {

std::string_view hypercall_name(std::uint32_t nr) {
  switch (nr) {
    case abi::HC_EXIT: return "HC_EXIT";
    case abi::HC_START_CPU: return "HC_START_CPU";
    case abi::HC_REPORT: return "HC_REPORT";
    case abi::HC_CLOCK: return "HC_CLOCK";
    case abi::HC_NOP: return "HC_NOP";
    case abi::HC_YIELD: return "HC_YIELD";
    case abi::HC_MARK: return "HC_MARK";
    case abi::HC_MMU_LOAD_CR3: return "HC_MMU_LOAD_CR3";
    case abi::HC_MMU_FLUSH_LOCAL: return "HC_MMU_FLUSH_LOCAL";
    case abi::HC_MMU_SHOOTDOWN: return "HC_MMU_SHOOTDOWN";
    case abi::HC_MMU_TLB_MISS: return "HC_MMU_TLB_MISS";
    case abi::HC_MMU_PAGE_FREED: return "HC_MMU_PAGE_FREED";
    case abi::HC_MMU_PAGE_REUSED: return "HC_MMU_PAGE_REUSED";
    case abi::HC_MMU_PAGE_DIRTY: return "HC_MMU_PAGE_DIRTY";
    case abi::HC_BLK_INFO: return "HC_BLK_INFO";
    case abi::HC_BLK_READ: return "HC_BLK_READ";
    case abi::HC_BLK_WRITE: return "HC_BLK_WRITE";
    case abi::HC_BLK_FLUSH: return "HC_BLK_FLUSH";
    default: return "HC_UNKNOWN";
  }
}

unsigned hypercall_arg_count(std::uint32_t nr) {
  switch (nr) {
    case abi::HC_CLOCK:
    case abi::HC_NOP:
    case abi::HC_YIELD:
      return 0;
    case abi::HC_EXIT:
    case abi::HC_START_CPU:
    case abi::HC_REPORT:
    case abi::HC_MMU_SHOOTDOWN:
    case abi::HC_BLK_INFO:
    case abi::HC_BLK_FLUSH:
      return 1;
    case abi::HC_MARK:
    case abi::HC_MMU_LOAD_CR3:
    case abi::HC_MMU_FLUSH_LOCAL:
    case abi::HC_MMU_PAGE_FREED:
    case abi::HC_MMU_PAGE_REUSED:
      return 2;
    case abi::HC_MMU_TLB_MISS:
    case abi::HC_MMU_PAGE_DIRTY:
      return 3;
    case abi::HC_BLK_READ:
    case abi::HC_BLK_WRITE:
      return 4;
    default:
      return 6;
  }
}

}  // namespace shadowtlb::trace
