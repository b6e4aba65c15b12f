// The guest console: a write-only 16550 UART at COM1, line-buffered per vCPU.
//
// Each vCPU gets its own line buffer so that lines printed by several vCPUs at
// once never interleave mid-line on the host.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace shadowtlb::vmm {

class SerialConsole {
 public:
  // `out` may be null: the console is then only captured, not echoed.
  SerialConsole(std::FILE* out, unsigned vcpus);

  [[nodiscard]] static bool handles_port(std::uint16_t port);
  void port_write(unsigned vcpu, std::uint16_t port, std::uint8_t value);
  [[nodiscard]] std::uint8_t port_read(std::uint16_t port) const;

  // Emits every partial line (end of run).
  void flush();
  // Every complete line so far, in emission order (bounded; see kMaxCapturedBytes).
  [[nodiscard]] std::vector<std::string> captured_lines() const;

 private:
  void emit(unsigned vcpu, std::string& line);

  // A hostile guest can print forever: cap what one line and the capture keep.
  static constexpr std::size_t kMaxLineBytes = 4096;
  static constexpr std::size_t kMaxCapturedBytes = 4u << 20;

  std::FILE* out_;
  std::vector<std::string> pending_;  // per vCPU; touched only by that vCPU's thread
  mutable std::mutex mutex_;          // guards out_, captured_
  std::vector<std::string> captured_;
  std::size_t captured_bytes_ = 0;
};

}  // namespace shadowtlb::vmm
