// MachineServices for exit-handler unit tests: records what handlers ask for.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vmm/devices/block_devices.h"
#include "vmm/exits/machine_services.h"

namespace shadowtlb::test {

class FakeMachine final : public vmm::MachineServices {
 public:
  explicit FakeMachine(unsigned vcpus = 2) : memory_(4 << 20, 1 << 20), console_(nullptr, vcpus), vcpus_(vcpus) {}

  vmm::GuestMemory& memory() override { return memory_; }
  vmm::SerialConsole& console() override { return console_; }
  unsigned vcpu_count() const override { return vcpus_; }
  vmm::BlockDevice* block_device(abi::blk_dev dev) override { return block_devices.get(dev); }
  std::int64_t start_vcpu(unsigned id) override {
    started.push_back(id);
    return 0;
  }
  void synchronize(const mmu::VcpuMask& vcpus, unsigned self) override {
    synchronized.push_back({vcpus, self});
  }
  void add_report(vmm::GuestReport report) override { reports.push_back(std::move(report)); }
  void add_mark(unsigned vcpu, std::string_view name, std::uint64_t value) override {
    marks.push_back({vcpu, std::string(name), value});
  }
  void scheduling_point(unsigned vcpu, const vmm::sched::Point& point) override {
    points.push_back({vcpu, point.kind, std::string(point.mark)});
  }
  void stop(vmm::Outcome why, std::string text, std::optional<vmm::VcpuFailure> state,
            std::int64_t status) override {
    if (stopped) return;
    stopped = true;
    outcome = why;
    message = std::move(text);
    failure = std::move(state);
    guest_status = status;
  }

  struct Mark {
    unsigned vcpu;
    std::string name;
    std::uint64_t value;
  };
  struct SchedulingPoint {
    unsigned vcpu;
    vmm::sched::PointKind kind;
    std::string mark;
  };
  vmm::BlockDevices block_devices;  // none unless a test sets them
  std::vector<unsigned> started;
  std::vector<std::pair<mmu::VcpuMask, unsigned>> synchronized;
  std::vector<vmm::GuestReport> reports;
  std::vector<Mark> marks;
  std::vector<SchedulingPoint> points;
  bool stopped = false;
  vmm::Outcome outcome{};
  std::string message;
  std::optional<vmm::VcpuFailure> failure;
  std::int64_t guest_status = -1;

 private:
  vmm::GuestMemory memory_;
  vmm::SerialConsole console_;
  unsigned vcpus_;
};

// A kvm_run block in plain memory, big enough for I/O data after the struct.
struct FakeRun {
  FakeRun() : bytes(std::make_unique<std::byte[]>(kSize)) {}
  kvm_run& run() { return *reinterpret_cast<kvm_run*>(bytes.get()); }
  // Sets up an `out` of `size` bytes of `value` to `port`, as KVM reports it.
  void io_out(std::uint16_t port, std::uint32_t value, std::uint8_t size = 4) {
    kvm_run& r = run();
    r.exit_reason = KVM_EXIT_IO;
    r.io.direction = KVM_EXIT_IO_OUT;
    r.io.port = port;
    r.io.size = size;
    r.io.count = 1;
    r.io.data_offset = sizeof(kvm_run);
    std::memcpy(bytes.get() + sizeof(kvm_run), &value, size);
  }
  static constexpr std::size_t kSize = sizeof(kvm_run) + 4096;
  std::unique_ptr<std::byte[]> bytes;
};

}  // namespace shadowtlb::test
