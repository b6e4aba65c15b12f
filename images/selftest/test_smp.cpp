// Self-tests of SMP pieces: kthreads, the scheduler, spinlocks, per-CPU data.
#include "guest/arch/x86/hypercall.h"
#include "guest/include/compiler.h"
#include "guest/kernel/completion.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/percpu.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/spinlock.h"
#include "guest/kernel/test.h"

namespace {

int report_cpu(void* arg) {
  EXPECT_EQ(smp_processor_id(), static_cast<unsigned>(reinterpret_cast<u64>(arg)));
  return static_cast<int>(smp_processor_id()) + 100;
}

struct rr_log {
  spinlock_t lock;
  unsigned n;
  unsigned entries[16];
};
constinit rr_log rr{};

int round_robin_thread(void* arg) {
  auto id = static_cast<unsigned>(reinterpret_cast<u64>(arg));
  for (int i = 0; i < 3; i++) {
    {
      spin_guard g(&rr.lock);
      if (rr.n < 16) rr.entries[rr.n++] = id;
    }
    schedule();
  }
  return 0;
}

int until_stopped(void*) {
  int loops = 0;
  while (!kthread_should_stop()) {
    loops++;
    cond_resched_yield();
  }
  return loops;
}

int signal_completion(void* arg) {
  complete(static_cast<completion*>(arg));
  return 0;
}

DEFINE_SPINLOCK(counter_lock);
u64 counter;
constexpr unsigned COUNTER_ITERATIONS = 100;

int increment_counter(void*) {
  for (unsigned i = 0; i < COUNTER_ITERATIONS; i++) {
    spin_lock(&counter_lock);
    // A read-modify-write split by a VMM exit: without the lock, increments
    // from other vCPUs would be lost in between.
    u64 v = READ_ONCE(counter);
    hc_yield();
    WRITE_ONCE(counter, v + 1);
    spin_unlock(&counter_lock);
  }
  return 0;
}

DEFINE_PER_CPU(u64, percpu_probe);
unsigned percpu_arrived;

int percpu_thread(void*) {
  unsigned cpu = smp_processor_id();
  this_cpu(percpu_probe) = 1000 + cpu;
  // Wait until every CPU has written its slot, then check nobody wrote ours.
  __atomic_fetch_add(&percpu_arrived, 1u, __ATOMIC_SEQ_CST);
  while (__atomic_load_n(&percpu_arrived, __ATOMIC_SEQ_CST) < nr_cpu_ids) cond_resched_yield();
  EXPECT_EQ(this_cpu(percpu_probe), 1000u + cpu);
  for (unsigned other = 0; other < nr_cpu_ids; other++) EXPECT_EQ(per_cpu(percpu_probe, other), 1000u + other);
  EXPECT_EQ(per_cpu(pcpu_hot_area, cpu).self, &per_cpu(pcpu_hot_area, cpu));
  return 0;
}

}  // namespace

TEST(smp, all_vcpus_online) {
  EXPECT_EQ(num_online_cpus(), nr_cpu_ids);
  EXPECT_EQ(smp_processor_id(), 0u);
}

TEST(kthread, runs_on_each_cpu) {
  task_struct* t[NR_CPUS];
  for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
    t[cpu] = kthread_run_on_cpu(report_cpu, reinterpret_cast<void*>(u64{cpu}), cpu, "report_cpu");
    ASSERT_TRUE(t[cpu] != nullptr);
  }
  for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) EXPECT_EQ(kthread_join(t[cpu]), static_cast<int>(cpu) + 100);
}

TEST(kthread, round_robin_on_boot_cpu) {
  // The init task created them and then waits, so the order is exact:
  // each schedule() hands the CPU to the next queued task.
  rr.n = 0;
  task_struct* t[4];
  for (unsigned i = 0; i < 4; i++) {
    t[i] = kthread_run_on_cpu(round_robin_thread, reinterpret_cast<void*>(u64{i}), 0, "rr");
    ASSERT_TRUE(t[i] != nullptr);
  }
  for (auto* task : t) EXPECT_EQ(kthread_join(task), 0);
  ASSERT_EQ(rr.n, 12u);
  for (unsigned i = 0; i < 12; i++) EXPECT_EQ(rr.entries[i], i % 4);
}

TEST(kthread, stop_ends_a_loop) {
  task_struct* t = kthread_run_on_cpu(until_stopped, nullptr, nr_cpu_ids - 1, "until_stopped");
  ASSERT_TRUE(t != nullptr);
  for (int i = 0; i < 3; i++) cond_resched_yield();
  EXPECT_GE(kthread_stop(t), 0);
}

TEST(kthread, completion_across_cpus) {
  completion done;
  init_completion(&done);
  task_struct* t = kthread_run_on_cpu(signal_completion, &done, nr_cpu_ids - 1, "complete");
  ASSERT_TRUE(t != nullptr);
  wait_for_completion(&done);
  EXPECT_EQ(kthread_join(t), 0);
}

TEST(spinlock, trylock) {
  spinlock_t l{};
  EXPECT_TRUE(spin_trylock(&l));
  EXPECT_TRUE(spin_is_locked(&l));
  EXPECT_FALSE(spin_trylock(&l));
  spin_unlock(&l);
  EXPECT_FALSE(spin_is_locked(&l));
}

TEST(spinlock, counter_across_all_cpus) {
  counter = 0;
  task_struct* t[NR_CPUS];
  for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
    t[cpu] = kthread_run_on_cpu(increment_counter, nullptr, cpu, "counter");
    ASSERT_TRUE(t[cpu] != nullptr);
  }
  for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) EXPECT_EQ(kthread_join(t[cpu]), 0);
  EXPECT_EQ(counter, u64{COUNTER_ITERATIONS} * nr_cpu_ids);
  report_value("selftest.spinlock_counter", counter);
}

TEST(percpu, each_cpu_has_its_own_copy) {
  percpu_arrived = 0;
  task_struct* t[NR_CPUS];
  for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
    t[cpu] = kthread_run_on_cpu(percpu_thread, nullptr, cpu, "percpu");
    ASSERT_TRUE(t[cpu] != nullptr);
  }
  for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) EXPECT_EQ(kthread_join(t[cpu]), 0);
}
