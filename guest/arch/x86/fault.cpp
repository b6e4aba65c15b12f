// #PF handling: ask the VMM, retry spurious faults, else the fixup table or die().
#include "guest/arch/x86/fault.h"

#include "guest/arch/x86/extable.h"
#include "guest/arch/x86/hypercall.h"
#include "guest/arch/x86/mmu_context.h"
#include "guest/arch/x86/processor.h"
#include "guest/arch/x86/ptrace.h"
#include "guest/arch/x86/traps.h"
#include "guest/kernel/percpu.h"
#include "guest/kernel/sched.h"
#include "guest/kernel/signal.h"
#include "guest/kernel/printk.h"
#include "guest/mm/handle_mm_fault.h"
#include "guest/mm/memory.h"

namespace {

// The same access found spurious this many times in a row means the fault
// never dropped the stale entry (a VMM bug): stop retrying, let it fail.
constexpr unsigned MAX_SPURIOUS_REPEATS = 3;

struct spurious_streak {
  unsigned long address, ip;
  unsigned count;
};

// handle_mm_fault() resolving the same access this many times in a row
// without the access going through means it never will: a bug, not a fault
// to retry forever.
constexpr unsigned MAX_RESOLVED_REPEATS = 8;

DEFINE_PER_CPU(pf_stats, pf_counters);
DEFINE_PER_CPU(spurious_streak, last_resolved);
DEFINE_PER_CPU(spurious_streak, last_spurious);

// A spurious fault is retried; the streak keeps a VMM that answers FAULT
// forever for an allowed access from hanging the vCPU.
bool retry_spurious(pt_regs* regs, unsigned long address) {
  if (!fault_is_spurious(loaded_mm(), address, regs->error_code)) return false;
  spurious_streak& s = this_cpu(last_spurious);
  if (s.address == address && s.ip == regs->ip) {
    if (++s.count >= MAX_SPURIOUS_REPEATS) {
      printk("vCPU %u: #PF at %lx (rip %lx, error %lx) is spurious %u times in a row: not retried\n",
             smp_processor_id(), address, regs->ip, regs->error_code, s.count);
      s = {};
      return false;
    }
  } else {
    s = {address, regs->ip, 1};
  }
  this_cpu(pf_counters).spurious++;
  return true;
}

// A fault on a user address of the task's mm: the VMAs decide (Linux's
// do_user_addr_fault()). True if resolved; otherwise the task has its signal.
bool user_addr_fault(pt_regs* regs, unsigned long address) {
  mm_struct* mm = current->mm;
  if (address >= TASK_SIZE || !mm) return false;
  bool write = regs->error_code & X86_PF_WRITE;
  vm_fault_t r = handle_user_fault(mm, address, write ? FAULT_FLAG_WRITE : 0u);
  if (r == VM_FAULT_OK) {
    spurious_streak& s = this_cpu(last_resolved);
    if (s.address != address || s.ip != regs->ip) s = {address, regs->ip, 0};
    if (++s.count < MAX_RESOLVED_REPEATS) return true;
    printk("vCPU %u: #PF at %lx (rip %lx) resolved %u times in a row: giving up\n", smp_processor_id(),
           address, regs->ip, s.count);
    s = {};
    r = VM_FAULT_SIGSEGV;
  }
  if (r & VM_FAULT_SIGBUS) force_sig_fault(SIGBUS, BUS_ADRERR, address);
  else force_sig_fault(SIGSEGV, (regs->error_code & X86_PF_PROT) ? SEGV_ACCERR : SEGV_MAPERR, address);
  return false;
}

}  // namespace

pf_stats page_fault_stats(unsigned cpu) { return per_cpu(pf_counters, cpu); }

bool fault_is_spurious(mm_struct* mm, unsigned long address, u64 error_code) {
  // Reserved bits set in an entry: a broken table, never a stale TLB entry.
  if (error_code & X86_PF_RSVD) return false;
  pt_walk w;
  if (walk_page_table(address < TASK_SIZE ? mm : &init_mm, address, &w)) return false;
  // Only the leaf decides: every upper-level entry this kernel makes grants
  // everything (_PAGE_TABLE, _KERNPG_TABLE in pgtable_types.h).
  if ((error_code & X86_PF_WRITE) && !(w.entry & _PAGE_RW)) return false;
  if ((error_code & X86_PF_USER) && !(w.entry & _PAGE_USER)) return false;
  if ((error_code & X86_PF_INSTR) && (w.entry & _PAGE_NX)) return false;
  return true;
}

void do_page_fault(pt_regs* regs) {
  u64 cr2 = read_cr2();  // before anything else can fault and overwrite it
  pf_stats& stats = this_cpu(pf_counters);
  // The VMM's shadow MMU gets the first look: a miss in its model of this
  // vCPU's TLB is filled there and the access retried (DESIGN.md §3, Fill).
  if (hc_mmu_tlb_miss(cr2, regs->error_code, regs->ip) == abi::TLB_MISS_RETRY) {
    stats.tlb_fills++;
    return;
  }
  stats.guest_faults++;
  if (retry_spurious(regs, cr2)) return;
  if (user_addr_fault(regs, cr2)) return;
  if (fixup_exception(regs, cr2)) return;
  die(regs, cr2);
}
