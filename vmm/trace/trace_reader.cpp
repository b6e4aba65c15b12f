// Reading a trace: the magic, the header, then every complete item; a file
// cut short (SIGKILL, a crash, a full disk) reads back up to its last
// complete item.
#include "vmm/trace/trace_reader.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <cstdio>
#include <memory>

#include "vmm/trace/trace_format.h"

namespace shadowtlb::trace {
namespace {

std::string read_whole_file(const std::filesystem::path& path) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw TraceError(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  std::string bytes;
  char chunk[1 << 16];
  while (std::size_t n = std::fread(chunk, 1, sizeof chunk, file.get())) bytes.append(chunk, n);
  if (std::ferror(file.get()))
    throw TraceError(fmt::format("{}: read error: {}", path.string(), std::strerror(errno)));
  return bytes;
}

// A varint at `pos`: its value and the position after it, or nullopt when the
// data ends inside it (or it is longer than 10 bytes).
struct Varint {
  std::uint64_t value = 0;
  std::size_t end = 0;
};
std::optional<Varint> read_varint(std::string_view data, std::size_t pos) {
  Varint v;
  for (unsigned shift = 0; shift < 70 && pos < data.size(); shift += 7, ++pos) {
    const auto byte = static_cast<std::uint8_t>(data[pos]);
    v.value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      v.end = pos + 1;
      return v;
    }
  }
  return std::nullopt;
}

// The items after the header: records, snapshots, the footer.
void take_item(proto::TraceItem& item, TraceFile& trace, std::size_t offset) {
  switch (item.item_case()) {
    case proto::TraceItem::kRecord:
      trace.records.push_back(std::move(*item.mutable_record()));
      return;
    case proto::TraceItem::kSnapshot:
      trace.snapshots.push_back(std::move(*item.mutable_snapshot()));
      return;
    case proto::TraceItem::kFooter:
      trace.footer = std::move(*item.mutable_footer());
      return;
    case proto::TraceItem::kHeader:
      if (trace.problem.empty())
        trace.problem = fmt::format("a second header at byte {} (ignored)", offset);
      return;
    case proto::TraceItem::ITEM_NOT_SET:
      // A newer writer's item kind: skip it.
      return;
  }
}

}  // namespace

TraceFile read_trace(const std::filesystem::path& path) {
  const std::string name = path.string();
  const std::string bytes = read_whole_file(path);
  const std::string_view data(bytes);
  if (data.empty()) throw TraceError(fmt::format("{}: not a shadowtlb trace (empty file)", name));
  if (!data.starts_with(kTraceMagic))
    throw TraceError(fmt::format("{}: not a shadowtlb trace (bad magic)", name));

  TraceFile trace;
  bool have_header = false;
  std::size_t pos = kTraceMagic.size();
  while (pos < data.size()) {
    const std::size_t offset = pos;
    std::optional<Varint> length = read_varint(data, pos);
    if (length && length->value > kMaxItemBytes) {
      trace.problem = fmt::format("damaged item length {} at byte {}; read up to there",
                                  length->value, offset);
      trace.truncated = true;
      break;
    }
    if (!length || length->value > data.size() - length->end) {
      const std::size_t have = data.size() - offset;
      trace.problem = fmt::format(
          "the last item (at byte {}) is cut short: {} bytes of {}; the writer stopped mid-item",
          offset, have, length ? fmt::format("{}", length->end - offset + length->value) : "?");
      trace.truncated = true;
      break;
    }
    proto::TraceItem item;
    if (!item.ParseFromArray(data.data() + length->end, static_cast<int>(length->value))) {
      trace.problem = fmt::format("the item at byte {} does not parse; read up to there", offset);
      trace.truncated = true;
      break;
    }
    pos = length->end + length->value;
    if (!have_header) {
      if (item.item_case() != proto::TraceItem::kHeader) break;
      trace.header = std::move(*item.mutable_header());
      have_header = true;
      continue;
    }
    if (trace.footer) {
      if (trace.problem.empty())
        trace.problem = fmt::format("data after the footer at byte {} (ignored)", offset);
      break;
    }
    take_item(item, trace, offset);
  }
  if (!have_header) throw TraceError(fmt::format("{}: no header: not a complete shadowtlb trace", name));
  if (!trace.footer) {
    trace.truncated = true;
    if (trace.problem.empty())
      trace.problem = fmt::format(
          "no footer: the run did not finish writing its trace (killed, or crashed); {} records "
          "read",
          trace.records.size());
  }
  return trace;
}

}  // namespace shadowtlb::trace
