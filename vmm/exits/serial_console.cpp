// COM1 emulation: THR writes collect into lines; LSR always reads "ready".
#include "vmm/exits/serial_console.h"

#include "abi/hypercall.h"

namespace shadowtlb::vmm {

namespace {

constexpr std::uint16_t kThr = 0;  // transmit holding register (DLAB=0)
constexpr std::uint16_t kLsr = 5;  // line status register
constexpr std::uint8_t kLsrThrEmpty = 0x20, kLsrTransmitterEmpty = 0x40;

}  // namespace

SerialConsole::SerialConsole(std::FILE* out, unsigned vcpus) : out_(out), pending_(vcpus) {}

bool SerialConsole::handles_port(std::uint16_t port) {
  return port >= abi::SERIAL_COM1 && port < abi::SERIAL_COM1 + 8;
}

void SerialConsole::port_write(unsigned vcpu, std::uint16_t port, std::uint8_t value) {
  if (port != abi::SERIAL_COM1 + kThr || vcpu >= pending_.size()) return;  // config writes: ignored
  std::string& line = pending_[vcpu];
  if (value == '\n' || line.size() >= kMaxLineBytes) {
    emit(vcpu, line);
    if (value == '\n') return;
  }
  if (value != '\r') line.push_back(static_cast<char>(value));
}

std::uint8_t SerialConsole::port_read(std::uint16_t port) const {
  return port == abi::SERIAL_COM1 + kLsr ? kLsrThrEmpty | kLsrTransmitterEmpty : 0;
}

void SerialConsole::emit(unsigned /*vcpu*/, std::string& line) {
  std::lock_guard lock(mutex_);
  if (out_ != nullptr) {
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
  }
  if (captured_bytes_ + line.size() <= kMaxCapturedBytes) {
    captured_bytes_ += line.size();
    captured_.push_back(line);
  }
  line.clear();
}

void SerialConsole::flush() {
  for (unsigned vcpu = 0; vcpu < pending_.size(); ++vcpu)
    if (!pending_[vcpu].empty()) emit(vcpu, pending_[vcpu]);
}

std::vector<std::string> SerialConsole::captured_lines() const {
  std::lock_guard lock(mutex_);
  return captured_;
}

}  // namespace shadowtlb::vmm
