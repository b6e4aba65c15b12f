// mremap-race: the seed commit's scenario (../shared/seed/mremap-race-commit.txt).
//
//   thread 1 (vCPU 0)                      thread 2 (vCPU 1)
//   1: write 1 to X (a MAP_SHARED file page)
//                                          2: mremap(X -> Y) starts
//                                          3: move_ptes() moves X's PTE to Y,
//                                             drops the PTE locks
//   4: fadvise(DONTNEED): page_mkclean()
//      cleans the page through Y
//   5: write 2 to X
//                                          6: mremap flushes X, ends
//   7: munmap(Y)
//   8: fadvise(DONTNEED) drops the page
//   9: pread: 1 means the write of 2 was lost
//
// Thread 1 is the init task itself, so nothing else runs on vCPU 0 and its
// TLB keeps the entry for X (a task switch to init_mm would flush it).
// race.fadvise_cpu=N moves the page laundering (steps 4 and 8) to a third
// thread on vCPU N (the commit: "fadvise() could be done in another thread").
#include "guest/arch/x86/uaccess.h"
#include "guest/fs/fs.h"
#include "guest/kernel/cmdline.h"
#include "guest/kernel/image.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/mm/mm.h"
#include "guest/mm/mmap.h"
#include "images/race/race.h"

namespace {

constexpr u64 FIRST = 1, SECOND = 2;

struct race {
  file* f;
  mm_struct* mm;
  unsigned long x;
  race_gate gate;
  unsigned launder_cpu;      // 0: thread 1 launders the page itself
  int launder_requests;      // thread 1 -> thread 3
  int launder_done;          // thread 3 -> thread 1
  int t2_done;
};

int launder_thread(void* arg) {
  auto* r = static_cast<race*>(arg);
  race_gate_wait(&r->gate);
  for (int n = 1; n <= 2; n++) {
    race_wait_for(&r->launder_requests, n);
    vfs_fadvise(r->f, 0, 0, POSIX_FADV_DONTNEED);
    race_set(&r->launder_done, n);  // before the mark: a schedule's step ends at it
    mark("race.t3.fadvised", static_cast<u64>(n));
  }
  return 0;
}

// Steps 4 and 8: page laundering, here or by thread 3.
void launder(race* r, int n) {
  if (!r->launder_cpu) {
    vfs_fadvise(r->f, 0, 0, POSIX_FADV_DONTNEED);
    return;
  }
  race_set(&r->launder_requests, n);
  mark("race.t1.launder_requested", static_cast<u64>(n));
  race_wait_for(&r->launder_done, n);
}

file* race_file() {
  inode* ino = blkfs_create("mremap-race", PAGE_SIZE);
  if (!ino) panic("mremap-race: no room on the disk for the file");
  file* f = filp_open(ino);
  u64 zero = 0;
  if (!f || kernel_pwrite(f, &zero, sizeof(zero), 0) != sizeof(zero) || do_truncate(f, PAGE_SIZE) ||
      vfs_fsync(f))
    panic("mremap-race: cannot set up the file");
  return f;
}

// Steps 1 to 9 as thread 1; returns the value pread found.
u64 thread1_steps(race* r, long* second_write) {
  long first_write = put_user_u64(FIRST, r->x);
  mark("race.t1.wrote_1", static_cast<u64>(first_write));
  launder(r, 1);
  mark("race.t1.fadvised");
  *second_write = put_user_u64(SECOND, r->x);
  mark("race.t1.wrote_2", static_cast<u64>(*second_write));
  race_wait_for(&r->t2_done, 1);
  vm_munmap(RACE_Y, PAGE_SIZE);
  mark("race.t1.unmapped");
  launder(r, 2);
  u64 v = ~0ull;
  kernel_pread(r->f, &v, sizeof(v), 0);
  mark("race.t1.done", v);
  return v;
}

}  // namespace

int image_main() {
  race r{};
  r.launder_cpu = static_cast<unsigned>(cmdline_get_u64("race.fadvise_cpu", 0));
  if (nr_cpu_ids < 2 || (r.launder_cpu && r.launder_cpu >= nr_cpu_ids) || r.launder_cpu == 1)
    panic("mremap-race needs 2 vCPUs (3 with race.fadvise_cpu=2); race.fadvise_cpu must not be 1");
  r.f = race_file();
  r.mm = mm_alloc();
  if (!r.mm) panic("mremap-race: out of memory");
  kthread_use_mm(r.mm);
  r.x = vm_mmap(r.f, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
  if (IS_ERR_VALUE(r.x)) panic("mremap-race: mmap failed: %ld", static_cast<long>(r.x));
  race_mover mover{r.mm, r.x, PAGE_SIZE, &r.gate, &r.t2_done};
  task_struct* t2 = kthread_run_on_cpu(race_mremap_thread, &mover, 1, "mremap");
  task_struct* t3 = r.launder_cpu ? kthread_run_on_cpu(launder_thread, &r, r.launder_cpu, "launder") : nullptr;
  if (!t2 || (r.launder_cpu && !t3)) panic("mremap-race: cannot start the threads");
  race_gate_open(&r.gate, t3 ? 2 : 1);
  long second_write = 0;
  u64 read_back = thread1_steps(&r, &second_write);
  race_report_verdict(read_back, FIRST, SECOND, second_write);
  report_value("race.pread", read_back);
  report_value("race.second_write_faulted", second_write != 0);
  int status = kthread_join(t2);
  if (t3) status |= kthread_join(t3);
  kthread_unuse_mm(r.mm);
  mmput(r.mm);
  fput(r.f);
  return status;
}
