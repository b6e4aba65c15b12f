// thp-race: the seed commit's anonymous variant, with a 2 MiB page.
//
//   thread 1 (vCPU 0)                      thread 2 (vCPU 1)
//   1: write 1 to X (a 2 MiB anonymous page)
//                                          2: mremap(X -> Y) starts
//                                          3: move_huge_pmd() moves X's PMD to
//                                             Y, drops the pmd lock
//   4: reclaim the page (kswapd's path:
//      by page, through the rmap): split
//      at Y, page out, free the frames
//   5: write 2 to X
//                                          6: mremap flushes X, ends
//   7: read Y: the page comes back from swap; 1 means the write of 2 was lost
//      (it went to a freed frame through the stale huge entry)
#include "guest/arch/x86/uaccess.h"
#include "guest/kernel/image.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/printk.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/mm/memory.h"
#include "guest/mm/mm.h"
#include "guest/mm/mmap.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/vmscan.h"
#include "images/race/race.h"

namespace {

constexpr u64 FIRST = 1, SECOND = 2;
// Where in the 2 MiB page the values go: not the first 4 KiB, to show the
// stale entry covers the whole huge page.
constexpr unsigned long OFFSET = 0x12340;

struct race {
  mm_struct* mm;
  unsigned long x;
  race_gate gate;
  int t2_done;
};

// The huge page mapped at addr, with a reference; null if none is.
page* huge_page_at(mm_struct* mm, unsigned long addr) {
  pt_walk w;
  if (walk_page_table(mm, addr, &w) || w.level != PG_LEVEL_2M) return nullptr;
  page* head = pfn_to_page(PHYS_PFN(phys_addr_t(w.pa.val & PMD_MASK)));
  get_page(head);
  return head;
}

// Step 4, as kswapd would: the page is found by frame, wherever it is mapped.
// Free-running, mremap may already have moved it to Y; the lookup walks
// without mmap_lock, as the race needs (mremap holds it).
unsigned long reclaim_the_page(race* r) {
  page* head = huge_page_at(r->mm, r->x);
  if (!head) head = huge_page_at(r->mm, RACE_Y);
  if (!head) {
    printk("thp-race: no 2 MiB page at X or Y: nothing to reclaim\n");
    return 0;
  }
  return reclaim_anon_page(head);
}

u64 thread1_steps(race* r, long* second_write) {
  long first_write = put_user_u64(FIRST, r->x + OFFSET);
  mark("race.t1.wrote_1", static_cast<u64>(first_write));
  unsigned long reclaimed = reclaim_the_page(r);
  mark("race.t1.reclaimed", reclaimed);
  *second_write = put_user_u64(SECOND, r->x + OFFSET);
  mark("race.t1.wrote_2", static_cast<u64>(*second_write));
  race_wait_for(&r->t2_done, 1);
  u64 v = ~0ull;
  get_user_u64(&v, RACE_Y + OFFSET);
  mark("race.t1.done", v);
  return v;
}

}  // namespace

int image_main() {
  if (nr_cpu_ids < 2) panic("thp-race needs 2 vCPUs");
  race r{};
  r.mm = mm_alloc();
  if (!r.mm) panic("thp-race: out of memory");
  kthread_use_mm(r.mm);
  r.x = vm_mmap(nullptr, 0, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
  if (IS_ERR_VALUE(r.x) || do_madvise(r.x, PMD_SIZE, MADV_HUGEPAGE)) panic("thp-race: mmap failed");
  race_mover mover{r.mm, r.x, PMD_SIZE, &r.gate, &r.t2_done};
  task_struct* t2 = kthread_run_on_cpu(race_mremap_thread, &mover, 1, "mremap");
  if (!t2) panic("thp-race: cannot start thread 2");
  race_gate_open(&r.gate, 1);
  long second_write = 0;
  u64 read_back = thread1_steps(&r, &second_write);
  race_report_verdict(read_back, FIRST, SECOND, second_write);
  report_value("race.read_back", read_back);
  report_value("race.second_write_faulted", second_write != 0);
  int status = kthread_join(t2);
  kthread_unuse_mm(r.mm);
  mmput(r.mm);
  return status;
}
