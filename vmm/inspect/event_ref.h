// Event numbers as `shadowtlb inspect` shows them: a record's index in the
// trace. The model's own numbers (seq, and the fields that point at events:
// cause, filled_at, stale_since, write_event, removed_at) are translated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "vmm/trace/trace_reader.h"

namespace shadowtlb::inspect {

// The index of the record with model event number `seq`; nullopt for 0 or
// an event not in the trace (before tracing began, or after it was cut).
[[nodiscard]] std::optional<std::size_t> event_of(const trace::TraceFile& trace, std::uint64_t seq);

// "event 7", or "model event 42 (not in the trace)"; "" for seq 0.
[[nodiscard]] std::string event_ref(const trace::TraceFile& trace, std::uint64_t seq);

// An event as the user names it (--at, --from, --to): a record index ("17"),
// or a mark's name for the first MARK record with that name ("race.t1.wrote_2").
// Throws std::invalid_argument with a one-line reason (no such event or mark).
[[nodiscard]] std::size_t resolve_event(const trace::TraceFile& trace, const std::string& spec);

}  // namespace shadowtlb::inspect
