// --record FILE: the recorded schedule as protobuf text, and the file it goes to.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "proto/schedule.pb.h"

namespace shadowtlb::vmm::sched {

// A Schedule as text that `--schedule FILE` reads back, with a header saying
// what it is (the proto-file/proto-message comments editors understand).
[[nodiscard]] std::string format_schedule(const proto::Schedule& schedule, std::string_view image);

// The file is opened (created, or truncated) before the run, so a path that
// cannot be written is an error before KVM is opened rather than after a
// long run; write() fills it once the run is over.
class RecordFile {
 public:
  // Throws KvmError (a host error, as for --disk) naming the path and errno.
  explicit RecordFile(std::string path);
  // Throws KvmError if the text cannot be written in full.
  void write(std::string_view text);

 private:
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::string path_;
  std::unique_ptr<std::FILE, Closer> file_;
};

}  // namespace shadowtlb::vmm::sched
