// One-line texts for trace records: what the timeline, the TLB view and the
// explanation print for each kind.
#include "vmm/inspect/record_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace shadowtlb::inspect {
namespace {

constexpr std::uint64_t k4K = 4096;
constexpr std::uint64_t k2M = 2ull << 20;
constexpr std::uint64_t k1G = 1ull << 30;
constexpr std::uint64_t kSmallValue = 0x10000;

struct Alias {
  std::string_view name;
  proto::RecordKind kind;
};
// The shadow MMU's event names (shadow_mmu/events.h) where the trace's differ.
constexpr std::array kAliases{
    Alias{"fill", proto::TLB_FILL},
    Alias{"fault", proto::GUEST_FAULT},
    Alias{"shootdown", proto::FLUSH_REMOTE},
    Alias{"ack", proto::SHOOTDOWN_ACK},
};

std::string size_text(std::uint64_t page_size) {
  if (page_size == k4K) return "4K";
  if (page_size == k2M) return "2M";
  if (page_size == k1G) return "1G";
  return fmt::format("{:#x}", page_size);
}

std::string pages_text(std::uint64_t npages) {
  return fmt::format("+{} page{}", npages, npages == 1 ? "" : "s");
}

// An entry-carrying record's "va -> frame", from the entry when present.
std::string mapping_text(const proto::TraceRecord& r) {
  if (r.has_entry()) return entry_text(r.entry());
  if (r.frame() != 0) return fmt::format("{} -> {}", hex(r.gva()), hex(r.frame()));
  return hex(r.gva());
}

std::string values_text(const proto::TraceRecord& r) {
  return fmt::format("{} -> {}", hex(r.old_value()), hex(r.new_value()));
}

std::string hypercall_text(const proto::TraceRecord& r) {
  std::string args;
  for (int i = 0; i < r.args_size(); ++i) args += fmt::format("{}{}", i ? ", " : "", hex(r.args(i)));
  const std::string name = r.hypercall().empty() ? fmt::format("#{}", r.new_value()) : r.hypercall();
  return fmt::format("hypercall {}({})", name, args);
}

std::string by_text(const proto::TraceRecord& r) {
  return r.initiator() != r.vcpu() ? fmt::format(" (by vCPU {})", r.initiator()) : "";
}

}  // namespace

std::string kind_name(proto::RecordKind kind) {
  if (kind == proto::RECORD_UNKNOWN || !proto::RecordKind_IsValid(kind))
    return fmt::format("kind_{}", static_cast<int>(kind));
  std::string name = proto::RecordKind_Name(kind);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

std::optional<proto::RecordKind> kind_from_name(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(c));
  });
  proto::RecordKind kind = proto::RECORD_UNKNOWN;
  if (proto::RecordKind_Parse(upper, &kind) && kind != proto::RECORD_UNKNOWN) return kind;
  for (const Alias& alias : kAliases) {
    std::string lower = upper;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (alias.name == lower) return alias.kind;
  }
  return std::nullopt;
}

std::vector<std::string> all_kind_names() {
  std::vector<std::string> names;
  const auto* descriptor = proto::RecordKind_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto kind = static_cast<proto::RecordKind>(descriptor->value(i)->number());
    if (kind != proto::RECORD_UNKNOWN) names.push_back(kind_name(kind));
  }
  return names;
}

std::string hex(std::uint64_t value) { return fmt::format("{:#x}", value); }

std::string entry_text(const proto::TlbEntryRecord& e) {
  return fmt::format("{} {} -> {} {}{}{}{}{}", hex(e.va()), size_text(e.page_size()), hex(e.frame()),
                     e.writable() ? "RW" : "R-", e.user() ? " U" : " S", e.executable() ? " X" : "",
                     e.global() ? " G" : "", e.dirty() ? " dirty" : "");
}

std::string flush_range_text(const proto::TraceRecord& r) {
  if (r.npages() == kAllPages) return "all";
  return fmt::format("{} {}", hex(r.gva()), pages_text(r.npages()));
}

std::string describe_record(const proto::TraceRecord& r) {
  const std::string kind = kind_name(r.kind());
  switch (r.kind()) {
    case proto::CR3_LOAD:
      return fmt::format("{} root {}", kind, hex(r.gpa()));
    case proto::TLB_FILL:
    case proto::DIRTY_UPGRADE:
    case proto::EVICT:
      return fmt::format("{} {}", kind, mapping_text(r));
    case proto::GUEST_FAULT:
    case proto::SPURIOUS_FAULT:
      return fmt::format("{} {}", kind, hex(r.gva()));
    case proto::FLUSH_LOCAL:
    case proto::SHOOTDOWN_ACK:
      return fmt::format("{} {}", kind, flush_range_text(r));
    case proto::FLUSH_REMOTE:
      return fmt::format("{} {}{}", kind, flush_range_text(r), by_text(r));
    case proto::PTE_READ:
      return fmt::format("{} [{}] = {}", kind, hex(r.gpa()), hex(r.old_value()));
    case proto::PTE_WRITE:
    case proto::AD_UPDATE:
      return fmt::format("{} [{}] {}", kind, hex(r.gpa()), values_text(r));
    case proto::STALE:
      if (r.has_entry() && !r.entry().stale())
        return fmt::format("{} {} current again", kind, hex(r.gva()));
      return fmt::format("{} {}{}", kind, mapping_text(r), by_text(r));
    case proto::STALE_WRITE:
      if (r.old_value() == 0 && r.new_value() == 0)
        return fmt::format("{} {} -> {}", kind, hex(r.gva()), hex(r.gpa()));
      return fmt::format("{} {} -> {}: {}", kind, hex(r.gva()), hex(r.gpa()), values_text(r));
    case proto::ENFORCE:
      return fmt::format("{} shot down {}{}", kind, mapping_text(r), by_text(r));
    case proto::PAGE_FREED:
    case proto::PAGE_REUSED:
      return fmt::format("{} {} {}", kind, hex(r.frame() != 0 ? r.frame() : r.gpa()),
                         pages_text(r.npages()));
    case proto::PAGE_DIRTY:
      return fmt::format("{} {} {} {}", kind, hex(r.frame() != 0 ? r.frame() : r.gpa()),
                         pages_text(r.npages()), r.new_value() != 0 ? "set" : "cleared");
    case proto::HAZARD:
      return fmt::format("HAZARD {} {} frame {}", r.hazard_kind(), hex(r.gva()), hex(r.frame()));
    case proto::MARK:
      if (r.new_value() == 0) return fmt::format("mark {}", r.mark());
      // Small values are counts and data (1, 2); large ones are addresses.
      if (r.new_value() < kSmallValue) return fmt::format("mark {} = {}", r.mark(), r.new_value());
      return fmt::format("mark {} = {}", r.mark(), hex(r.new_value()));
    case proto::HYPERCALL:
      return hypercall_text(r);
    default:
      return kind;
  }
}

std::string instruction_text(const proto::TraceRecord& r) {
  if (r.rip() == 0) return "";
  if (r.disassembly().empty()) return fmt::format("@{}", hex(r.rip()));
  return fmt::format("{} @{}", r.disassembly(), hex(r.rip()));
}

std::string record_line(const proto::TraceRecord& r) {
  std::string line = describe_record(r);
  const std::string insn = instruction_text(r);
  if (!insn.empty()) line += "  " + insn;
  return line;
}

}  // namespace shadowtlb::inspect
