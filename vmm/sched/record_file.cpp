// Writing recorded schedules.
#include "vmm/sched/record_file.h"

#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include <cerrno>

#include "vmm/errors.h"

namespace shadowtlb::vmm::sched {

std::string format_schedule(const proto::Schedule& schedule, std::string_view image) {
  // One step a line: a recording has thousands, and diff shows where two differ.
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  auto print = [&](const google::protobuf::Message& message) {
    std::string line;
    printer.PrintToString(message, &line);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
  };
  proto::Schedule head = schedule;
  head.clear_step();
  std::string body = print(head);
  if (!body.empty()) body += "\n";
  for (const proto::Step& step : schedule.step()) body += fmt::format("step {{ {} }}\n", print(step));
  return fmt::format(
      "# proto-file: proto/schedule.proto\n"
      "# proto-message: shadowtlb.proto.Schedule\n"
      "# A controlled run of '{}', recorded by shadowtlb --record: one step per turn\n"
      "# of a vCPU. Replay it with: shadowtlb run ... --schedule FILE (docs/scheduling.md).\n"
      "{}",
      image, body);
}

RecordFile::RecordFile(std::string path) : path_(std::move(path)) {
  file_.reset(std::fopen(path_.c_str(), "w"));
  if (!file_) throw KvmError(fmt::format("open record file '{}'", path_), errno);
}

void RecordFile::write(std::string_view text) {
  const bool ok = std::fwrite(text.data(), 1, text.size(), file_.get()) == text.size() &&
                  std::fflush(file_.get()) == 0;
  if (!ok) throw KvmError(fmt::format("write record file '{}'", path_), errno);
}

}  // namespace shadowtlb::vmm::sched
