// Model event numbers to record indices, and their wording.
#include "vmm/inspect/event_ref.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace shadowtlb::inspect {

std::optional<std::size_t> event_of(const trace::TraceFile& trace, std::uint64_t seq) {
  if (seq == 0) return std::nullopt;
  return trace::index_of_seq(trace, seq);
}

std::string event_ref(const trace::TraceFile& trace, std::uint64_t seq) {
  if (seq == 0) return "";
  if (const auto index = event_of(trace, seq)) return fmt::format("event {}", *index);
  return fmt::format("model event {} (not in the trace)", seq);
}

std::size_t resolve_event(const trace::TraceFile& trace, const std::string& spec) {
  const std::size_t count = trace.records.size();
  const bool number = !spec.empty() && std::all_of(spec.begin(), spec.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (number) {
    std::size_t index = 0;
    const auto [end, error] = std::from_chars(spec.data(), spec.data() + spec.size(), index);
    if (error != std::errc() || end != spec.data() + spec.size() || index >= count)
      throw std::invalid_argument(
          count == 0 ? fmt::format("{}: the trace has no records", spec)
                     : fmt::format("{}: the trace has {} records (events 0 to {})", spec, count,
                                   count - 1));
    return index;
  }
  for (std::size_t i = 0; i < count; ++i)
    if (trace.records[i].kind() == proto::MARK && trace.records[i].mark() == spec) return i;
  throw std::invalid_argument(fmt::format(
      "'{}': not an event number, nor a mark the trace holds (events are record indices, 0 to {})",
      spec, count == 0 ? 0 : count - 1));
}

}  // namespace shadowtlb::inspect
