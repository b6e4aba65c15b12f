// The machine: builds KVM objects from a VmConfig, runs vCPU threads, collects
// the outcome. Image checks come first so a bad image never needs /dev/kvm.
#include "vmm/runtime/machine.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

#include "abi/boot_info.h"
#include "abi/hypercall.h"
#include "abi/memory_layout.h"
#include "vmm/boot/elf_image.h"
#include "vmm/devices/block_devices.h"
#include "vmm/errors.h"
#include "vmm/exits/passthrough_mmu.h"
#include "vmm/mmu/hazard_log.h"
#include "vmm/mmu/shadow_mmu_backend.h"
#include "vmm/mmu/tlb_dump.h"
#include "vmm/kvm/kvm.h"
#include "vmm/kvm/vm_fd.h"
#include "vmm/memory/guest_memory.h"
#include "vmm/boot/boot_loader.h"
#include "vmm/runtime/event_trace.h"
#include "vmm/runtime/interrupt.h"
#include "vmm/runtime/kick.h"
#include "vmm/runtime/vcpu_runner.h"
#include "vmm/sched/record_file.h"
#include "vmm/sched/schedule_validation.h"
#include "vmm/sched/scheduler.h"
#include "vmm/trace/run_tracer.h"
#include "vmm/x86/boot_page_tables.h"
#include "vmm/x86/disassembler.h"
#include "vmm/x86/long_mode.h"

namespace shadowtlb::vmm {

namespace {

using Clock = std::chrono::steady_clock;

class Machine final : public MachineServices, public VcpuHost {
 public:
  Machine(const VmConfig& config, const ElfImage& image, BlockDevices& disks,
          trace::TraceWriter* trace_file);
  RunResult run();

  // MachineServices
  GuestMemory& memory() override { return memory_; }
  SerialConsole& console() override { return console_; }
  unsigned vcpu_count() const override { return config_.vcpus; }
  BlockDevice* block_device(abi::blk_dev dev) override { return disks_.get(dev); }
  std::int64_t start_vcpu(unsigned id) override;
  void add_report(GuestReport report) override;
  void add_mark(unsigned vcpu, std::string_view name, std::uint64_t value) override;
  void scheduling_point(unsigned vcpu, const sched::Point& point) override;
  void synchronize(const mmu::VcpuMask& vcpus, unsigned self) override;
  void stop(Outcome outcome, std::string message, std::optional<VcpuFailure> failure,
            std::int64_t guest_status) override;
  void trace_hypercall(unsigned vcpu, std::uint32_t nr,
                       const std::array<std::uint64_t, 6>& args) override {
    tracer_.hypercall(vcpu, nr, args);
  }
  void trace_shootdown_ack(unsigned vcpu, const abi::flush_request& request,
                           std::int64_t result) override {
    tracer_.shootdown_acked(vcpu, request, result);
  }

  // VcpuHost
  bool stopping() const override { return stopping_.load(); }
  void at_start(unsigned id) override;
  void park(unsigned id) override;
  void vcpu_failed(unsigned id, const std::exception& error) override;

 private:
  void stop_all_vcpus();
  std::string where_vcpus_are() const;
  void settle_outcome();
  std::unique_ptr<MmuBackend> make_mmu_backend();
  void collect_hazards();
  void collect_schedule();
  std::string scheduler_state() const;
  void record_mark(unsigned vcpu, std::string_view name, std::uint64_t value);
  bool wait_for_end(std::unique_lock<std::mutex>& lock, Clock::time_point deadline);

  const VmConfig& config_;
  BlockDevices& disks_;  // opened by run_vm before KVM, so a bad --disk needs no /dev/kvm
  Kvm kvm_;
  VmFd vm_;
  std::vector<kvm_cpuid_entry2> cpuid_;
  GuestMemory memory_;
  SerialConsole console_;
  GuestPhysAddr boot_cr3_;
  HazardLog hazard_log_;
  trace::RunTracer tracer_;  // --trace: writes each event, then forwards to hazard_log_
  TraceRecorder trace_;  // the model's event sink: forwards to tracer_
  std::unique_ptr<sched::Scheduler> scheduler_;
  ShadowMmuBackend* shadow_;  // mmu_ when the model is on; set by make_mmu_backend
  std::unique_ptr<MmuBackend> mmu_;
  HypercallHandler hypercalls_;
  ExitDispatcher exits_;
  BootState boot_;
  std::vector<std::unique_ptr<VcpuRunner>> vcpus_;

  mutable std::mutex mutex_;  // guards result_, parked_, vCPU starts
  std::condition_variable changed_;
  std::atomic<bool> stopping_{false};
  unsigned parked_ = 0;
  RunResult result_;
};

// The private region: boot tables first, then the real-table pool.
constexpr std::uint64_t kRealTablesSize = 32ull << 20;

std::uint64_t boot_tables_area(std::uint64_t ram_bytes) {
  return (boot_page_tables_size(ram_bytes) + kHugePageSize - 1) & ~(kHugePageSize - 1);
}

std::uint64_t private_region_size(std::uint64_t ram_bytes) {
  return boot_tables_area(ram_bytes) + kRealTablesSize;
}

bool has_nx(std::span<const kvm_cpuid_entry2> cpuid) {
  for (const kvm_cpuid_entry2& e : cpuid)
    if (e.function == 0x80000001) return (e.edx >> 20) & 1;  // SDM vol. 2, CPUID.80000001H:EDX.NX
  return false;
}

Machine::Machine(const VmConfig& config, const ElfImage& image, BlockDevices& disks,
                 trace::TraceWriter* trace_file)
    : config_(config),
      disks_(disks),
      kvm_(Kvm::open()),
      vm_(kvm_),
      cpuid_(kvm_.supported_cpuid()),
      memory_(config.mem_bytes, private_region_size(config.mem_bytes)),
      console_(config.echo_console ? (config.console_to_stderr ? stderr : stdout) : nullptr,
               config.vcpus),
      boot_cr3_(build_boot_page_tables(memory_)),
      hazard_log_(memory_, boot_cr3_, config.echo_console ? stderr : nullptr),
      tracer_(trace_file, &hazard_log_, memory_, boot_cr3_, config.trace.snapshot_at),
      trace_(&tracer_, config.keep_event_trace),
      scheduler_(sched::make_scheduler(config.sched, config.vcpus,
                                       [this](std::string message) {
                                         stop(Outcome::schedule_error, std::move(message),
                                              std::nullopt, -1);
                                       })),
      shadow_(nullptr),
      mmu_(make_mmu_backend()),
      hypercalls_(*this, *mmu_),
      exits_(*this, hypercalls_, *mmu_) {
  memory_.register_with(vm_);
  if (shadow_ != nullptr) {
    if (kvm_.check_extension(KVM_CAP_READONLY_MEM) <= 0)
      throw KvmError("KVM_CAP_READONLY_MEM", "the host KVM has no read-only memslots");
    memory_.register_readonly_alias(vm_);
  }
  load_elf_segments(image, memory_);
  write_boot_info(memory_, config, image);
  write_boot_descriptors(memory_);
  boot_ = BootState{image.entry, boot_cr3_,
                    GuestVirtAddr(abi::DIRECT_MAP_BASE + abi::BOOT_INFO_PHYS), has_nx(cpuid_),
                    cpuid_};
  install_kick_handler();
  for (unsigned id = 0; id < config.vcpus; ++id)
    vcpus_.push_back(std::make_unique<VcpuRunner>(
        id, VcpuFd(vm_.create_vcpu(id), kvm_.vcpu_mmap_size()), exits_, *this));
}

RunResult Machine::run() {
  const auto start = Clock::now();
  {
    std::unique_lock lock(mutex_);
    scheduler_->vcpu_started(0);
    vcpus_[0]->start(boot_);
    result_.vcpus_started = 1;
    bool done = wait_for_end(lock, start + config_.timeout);
    if (!done) {
      lock.unlock();
      stop(Outcome::timeout, "", std::nullopt, -1);
    }
  }
  stop_all_vcpus();
  collect_hazards();
  collect_schedule();
  result_.disks = disks_.reports();
  // Only now, with every vCPU out of KVM_RUN, is each one's RIP known.
  if (result_.outcome == Outcome::timeout)
    result_.message = fmt::format("the guest did not finish within {} s; {}{}",
                                  static_cast<double>(config_.timeout.count()) / 1000.0,
                                  where_vcpus_are(), scheduler_state());
  console_.flush();
  settle_outcome();
  result_.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return std::move(result_);
}

// Until the run stops or the deadline passes; a SIGINT/SIGTERM (the CLI's
// handler only sets a flag) is noticed within kInterruptPoll and stops the
// run like any other outcome, so the trace gets its footer.
bool Machine::wait_for_end(std::unique_lock<std::mutex>& lock, Clock::time_point deadline) {
  constexpr auto kInterruptPoll = std::chrono::milliseconds(20);
  for (;;) {
    const auto until = std::min(deadline, Clock::now() + kInterruptPoll);
    if (changed_.wait_until(lock, until, [&] { return stopping(); })) return true;
    if (const int signal = interrupt_signal(); signal != 0) {
      lock.unlock();
      stop(Outcome::interrupted,
           fmt::format("interrupted by {}", signal == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM"),
           std::nullopt, -1);
      lock.lock();
      return true;
    }
    if (Clock::now() >= deadline) return false;
  }
}

std::int64_t Machine::start_vcpu(unsigned id) {
  std::lock_guard lock(mutex_);
  if (id == 0 || id >= vcpus_.size()) return -abi::HC_EINVAL;
  if (vcpus_[id]->started()) return -abi::HC_EBUSY;
  if (stopping()) return -abi::HC_EBUSY;
  scheduler_->vcpu_started(id);
  vcpus_[id]->start(boot_);
  ++result_.vcpus_started;
  return abi::HC_OK;
}

void Machine::add_report(GuestReport report) {
  if (report.kind == abi::REPORT_TEST_FAIL)
    std::fprintf(stderr, "shadowtlb: guest test %s FAILED on vCPU %u: %s (%s:%u)\n",
                 report.name.c_str(), report.vcpu, report.expr.c_str(), report.file.c_str(),
                 report.line);
  std::lock_guard lock(mutex_);
  if (report.kind == abi::REPORT_VERDICT)
    result_.verdict = Verdict{report.name, report.expr,
                              {report.values[0], report.values[1], report.values[2], report.values[3]},
                              report.vcpu};
  // A guest that reports without end must not exhaust the host.
  if (result_.reports.size() < 1'000'000) result_.reports.push_back(std::move(report));
}

std::unique_ptr<MmuBackend> Machine::make_mmu_backend() {
  if (!config_.mmu.shadow) return std::make_unique<PassthroughMmu>(memory_, config_.vcpus);
  mmu::MmuConfig c;
  c.vcpus = config_.vcpus;
  c.mode = config_.mmu.mode;
  c.capacity = config_.mmu.capacity;
  c.evict = config_.mmu.evict;
  c.seed = config_.seed;
  c.enforce = config_.mmu.enforce;
  c.nx_enabled = has_nx(cpuid_);
  c.ram_size = config_.mem_bytes;
  c.real_tables_base = memory_.private_base() + boot_tables_area(config_.mem_bytes);
  c.real_tables_size = kRealTablesSize;
  c.readonly_alias_base = GuestPhysAddr(abi::READONLY_ALIAS_BASE);
  auto backend = std::make_unique<ShadowMmuBackend>(c, memory_, *this, &trace_);
  shadow_ = backend.get();
  return backend;
}

// Marks are kept in the result and the event trace; the hypercall handler
// then makes each a scheduling point. They can ask for every vCPU's TLB
// (--dump-tlb-at).
void Machine::record_mark(unsigned vcpu, std::string_view name, std::uint64_t value) {
  tracer_.mark(vcpu, name, value);
  trace_.add_mark(vcpu, name, value);
  std::lock_guard lock(mutex_);
  if (result_.marks.size() < kMaxMarks) result_.marks.push_back({vcpu, std::string(name), value});
}

void Machine::add_mark(unsigned vcpu, std::string_view name, std::uint64_t value) {
  record_mark(vcpu, name, value);
  if (shadow_ == nullptr) return;
  if (tracer_.wants_snapshot(name))
    tracer_.snapshot([&] { return shadow_->dump(std::string(name), vcpu, value); });
  const auto& wanted = config_.mmu.dump_tlb_at;
  if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) return;
  TlbDump dump = shadow_->dump(std::string(name), vcpu, value);
  if (config_.echo_console) {
    std::string text = format_tlb_dump(dump);
    std::fputs(text.c_str(), config_.console_to_stderr ? stderr : stdout);
  }
  std::lock_guard lock(mutex_);
  if (result_.tlb_dumps.size() < 10'000) result_.tlb_dumps.push_back(std::move(dump));
}

void Machine::scheduling_point(unsigned vcpu, const sched::Point& point) {
  scheduler_->point(vcpu, point);
}

void Machine::at_start(unsigned id) { scheduler_->point(id, sched::Point{}); }

void Machine::synchronize(const mmu::VcpuMask& vcpus, unsigned self) {
  for (auto& vcpu : vcpus_)
    if (vcpu->id() != self && vcpus.test(vcpu->id()) && vcpu->started()) vcpu->publish_and_wait();
}

void Machine::stop(Outcome outcome, std::string message, std::optional<VcpuFailure> failure,
                   std::int64_t guest_status) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_.exchange(true)) return;
    // Wakes every vCPU waiting for the token. A guest that ends well while
    // steps remain did not follow its schedule.
    if (std::optional<std::string> unfinished = scheduler_->shutdown();
        unfinished && outcome == Outcome::guest_exit_ok) {
      outcome = Outcome::schedule_error;
      message = std::move(*unfinished);
    }
    result_.outcome = outcome;
    result_.message = std::move(message);
    result_.failure = std::move(failure);
    result_.guest_status = guest_status;
  }
  changed_.notify_all();
  for (auto& vcpu : vcpus_) vcpu->kick();
}

void Machine::park(unsigned id) {
  // Nothing wakes a halted vCPU: a controlled run passes its token on.
  scheduler_->vcpu_stopped(id);
  std::unique_lock lock(mutex_);
  if (++parked_ == result_.vcpus_started && !stopping()) {
    lock.unlock();
    stop(Outcome::guest_panic,
         fmt::format("every running vCPU halted (last: vCPU {}); with no interrupts nothing can "
                     "wake them",
                     id),
         std::nullopt, -1);
    lock.lock();
  }
  changed_.wait(lock, [&] { return stopping(); });
  --parked_;
}

void Machine::vcpu_failed(unsigned id, const std::exception& error) {
  stop(Outcome::vm_error, fmt::format("vCPU {}: {}", id, error.what()), std::nullopt, -1);
}

void Machine::stop_all_vcpus() {
  for (auto& vcpu : vcpus_) vcpu->kick();
  for (auto& vcpu : vcpus_) vcpu->join();
}

std::string Machine::where_vcpus_are() const {
  std::string out;
  for (const auto& vcpu : vcpus_) {
    if (!vcpu->started()) continue;
    GuestPhysAddr cr3(vcpu->last_cr3() & ~0xfffull);
    out += fmt::format("{}vCPU {} at rip {:#x}: {}", out.empty() ? "" : "; ", vcpu->id(),
                       vcpu->last_rip(),
                       describe_instruction(memory_, cr3, GuestVirtAddr(vcpu->last_rip())));
  }
  return out;
}

void Machine::collect_hazards() {
  if (shadow_ == nullptr) return;
  shadow_->finalize();
  for (std::size_t i = 0; i < static_cast<std::size_t>(MmuOp::count); ++i) {
    auto op = static_cast<MmuOp>(i);
    MmuStats::Totals t = shadow_->stats().totals(op);
    if (t.count != 0)
      result_.mmu_stats.push_back({std::string(mmu_op_name(op)), t.count, t.total_ns, t.max_ns});
  }
  for (const mmu::Hazard& h : shadow_->hazards())
    result_.hazards.push_back(HazardReport{
        h, describe_instruction(memory_, boot_cr3_, h.rip),
        h.stale_since != 0 ? describe_instruction(memory_, boot_cr3_, h.stale_by_rip) : ""});
}

void Machine::collect_schedule() {
  if (std::optional<proto::Schedule> record = scheduler_->recording())
    result_.schedule_record = sched::format_schedule(*record, config_.image_name);
  result_.event_trace = trace_.take();
}

std::string Machine::scheduler_state() const {
  std::string state = scheduler_->describe_state();
  return state.empty() ? state : "; " + state;
}

// A guest that exits 0 after reporting a failed test has still failed.
void Machine::settle_outcome() {
  if (result_.outcome != Outcome::guest_exit_ok) return;
  for (const GuestReport& r : result_.reports) {
    if (r.kind == abi::REPORT_TEST_FAIL) {
      result_.outcome = Outcome::guest_exit_failed;
      result_.message = fmt::format("guest test {} failed on vCPU {}", r.name, r.vcpu);
      return;
    }
  }
}

}  // namespace

RunResult run_vm(const VmConfig& config, trace::TraceWriter* trace) {
  if (config.vcpus == 0 || config.vcpus > abi::MAX_VCPUS)
    throw ConfigError(fmt::format("--vcpus must be between 1 and {}", abi::MAX_VCPUS));
  if (config.mem_bytes < abi::RAM_MIN || config.mem_bytes > abi::RAM_MAX ||
      config.mem_bytes % kPageSize != 0)
    throw ConfigError(fmt::format("--mem must be a multiple of 4 KiB between {} MiB and {} GiB",
                                  abi::RAM_MIN >> 20, abi::RAM_MAX >> 30));
  if (config.cmdline.size() >= abi::CMDLINE_MAX)
    throw ConfigError(fmt::format("--cmdline is {} bytes; the guest accepts at most {}",
                                  config.cmdline.size(), abi::CMDLINE_MAX - 1));
  sched::validate_schedule_options(config.sched, config.vcpus);
  ElfImage image = parse_elf_image(config.image);
  check_image_placement(image, config.mem_bytes);
  BlockDevices disks = BlockDevices::open(config.disks);
  std::optional<sched::RecordFile> record;
  if (!config.sched.record_path.empty()) record.emplace(config.sched.record_path);
  RunResult result = Machine(config, image, disks, trace).run();
  if (record) record->write(result.schedule_record);
  return result;
}

}  // namespace shadowtlb::vmm
