// Decoding guest reports: bounded strings, known kinds only.
#include "vmm/exits/guest_report_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "abi/guest_report.h"

namespace shadowtlb::vmm {

namespace {

std::string bounded(const char* chars, std::size_t size) {
  return std::string(chars, std::find(chars, chars + size, '\0'));
}

bool known_kind(std::uint32_t kind) {
  return kind >= abi::REPORT_TEST_PASS && kind <= abi::REPORT_VERDICT;
}

}  // namespace

std::optional<GuestReport> read_guest_report(const GuestMemory& memory, GuestPhysAddr pa,
                                             unsigned vcpu) {
  std::optional<abi::guest_report> raw = memory.read<abi::guest_report>(pa);
  if (!raw || !known_kind(raw->kind)) return std::nullopt;
  GuestReport report;
  report.kind = static_cast<abi::report_kind>(raw->kind);
  report.vcpu = vcpu;
  report.name = bounded(raw->name, sizeof raw->name);
  report.file = bounded(raw->file, sizeof raw->file);
  report.line = raw->line;
  report.expr = bounded(raw->expr, sizeof raw->expr);
  std::copy(std::begin(raw->values), std::end(raw->values), report.values);
  return report;
}

std::optional<std::string> read_guest_string(const GuestMemory& memory, GuestPhysAddr pa,
                                             std::size_t max_len) {
  std::string out;
  for (std::size_t i = 0; i < max_len; ++i) {
    std::optional<char> c = memory.read<char>(pa + i);
    if (!c) return std::nullopt;
    if (*c == '\0') return out;
    out.push_back(*c);
  }
  return out;
}

std::string exception_name(std::uint64_t vector) {
  // SDM vol. 3, table 6-1.
  static constexpr std::array<const char*, 22> kNames = {
      "#DE (divide error)",        "#DB (debug)",
      "NMI",                       "#BP (breakpoint)",
      "#OF (overflow)",            "#BR (bound range)",
      "#UD (invalid opcode)",      "#NM (device not available)",
      "#DF (double fault)",        "coprocessor segment overrun",
      "#TS (invalid TSS)",         "#NP (segment not present)",
      "#SS (stack fault)",         "#GP (general protection)",
      "#PF (page fault)",          "vector 15",
      "#MF (x87 error)",           "#AC (alignment check)",
      "#MC (machine check)",       "#XM (SIMD exception)",
      "#VE (virtualization)",      "#CP (control protection)"};
  if (vector < kNames.size()) return kNames[vector];
  return fmt::format("vector {}", vector);
}

}  // namespace shadowtlb::vmm
