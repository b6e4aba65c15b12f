// How one trace record reads as text: kind names, one-line descriptions, the
// instruction at its rip. Shared by the timeline, the TLB view and --explain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/trace.pb.h"

namespace shadowtlb::inspect {

// "tlb_fill", "pte_write", "flush_remote", ... (the proto enum in lower case).
[[nodiscard]] std::string kind_name(proto::RecordKind kind);

// A kind from its name: any case, '-' for '_', and the shadow MMU's own
// spellings (fill, fault, shootdown) as aliases. nullopt when unknown.
[[nodiscard]] std::optional<proto::RecordKind> kind_from_name(std::string_view name);

// Every kind name, in enum order (for --help and error messages).
[[nodiscard]] std::vector<std::string> all_kind_names();

// "0x100000000000"
[[nodiscard]] std::string hex(std::uint64_t value);

// "0x100000000000 4K -> 0x2345000 RW U dirty" (no state, no events).
[[nodiscard]] std::string entry_text(const proto::TlbEntryRecord& entry);

// What the record says, on one line, without its instruction:
// "pte_write [0x7f1000] 0x2345067 -> 0x0", "mark race.t1.wrote_1 = 1".
[[nodiscard]] std::string describe_record(const proto::TraceRecord& record);

// "mov dword ptr [rax], 2 @0x401234", "@0x401234" without disassembly, or ""
// without a rip.
[[nodiscard]] std::string instruction_text(const proto::TraceRecord& record);

// describe_record and instruction_text together: a timeline cell.
[[nodiscard]] std::string record_line(const proto::TraceRecord& record);

// A flush's range, "0x200000000000 +1 page" or "all"; for FLUSH_*, SHOOTDOWN_ACK.
[[nodiscard]] std::string flush_range_text(const proto::TraceRecord& record);

// npages meaning "every page" in a flush record.
inline constexpr std::uint64_t kAllPages = ~std::uint64_t{0};

}  // namespace shadowtlb::inspect
