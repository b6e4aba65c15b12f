// Framing and writing trace items: one buffer, one write(2) per item.
#include "vmm/trace/trace_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "vmm/errors.h"
#include "vmm/trace/trace_format.h"

namespace shadowtlb::trace {
namespace {

std::uint64_t unix_now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Writes all of `data`; returns 0 or the errno that stopped it.
int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

}  // namespace

TraceWriter::TraceWriter(std::string path, proto::TraceHeader header)
    : path_(std::move(path)), start_(std::chrono::steady_clock::now()) {
  fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd_.valid()) throw vmm::KvmError(fmt::format("open trace file '{}'", path_), errno);
  header.set_start_unix_ns(unix_now_ns());
  proto::TraceItem item;
  *item.mutable_header() = std::move(header);
  // The magic and the header go in one write: a file is a trace or is empty.
  buffer_.assign(kTraceMagic);
  std::string body = item.SerializeAsString();
  append_varint(buffer_, body.size());
  buffer_ += body;
  if (int error = write_all(fd_.get(), buffer_); error != 0)
    throw vmm::KvmError(fmt::format("write trace file '{}'", path_), error);
  bytes_ = buffer_.size();
}

void TraceWriter::write_record(proto::TraceRecord record) {
  std::lock_guard lock(mutex_);
  if (failed_ || closed_) return;
  record.set_host_time_ns(elapsed_ns());
  proto::TraceItem item;
  *item.mutable_record() = std::move(record);
  append(item);
  if (!failed_) ++records_;
}

void TraceWriter::write_snapshot(proto::TlbSnapshot snapshot) {
  std::lock_guard lock(mutex_);
  if (failed_ || closed_) return;
  snapshot.set_position(records_);
  proto::TraceItem item;
  *item.mutable_snapshot() = std::move(snapshot);
  append(item);
  if (!failed_) ++snapshots_;
}

void TraceWriter::write_footer(proto::TraceFooter footer) {
  std::lock_guard lock(mutex_);
  if (failed_ || closed_) return;
  footer.set_records(records_);
  proto::TraceItem item;
  *item.mutable_footer() = std::move(footer);
  append(item);
  closed_ = true;
  // A finished trace is a result worth keeping: make it durable before the
  // run reports success (a crash of the host right after still has it all).
  if (!failed_ && ::fsync(fd_.get()) != 0) {
    failed_ = true;
    std::fprintf(stderr, "shadowtlb: warning: trace file '%s': fsync: %s\n", path_.c_str(),
                 std::strerror(errno));
  }
}

void TraceWriter::append(const proto::TraceItem& item) {
  const std::size_t size = item.ByteSizeLong();
  buffer_.clear();
  append_varint(buffer_, size);
  const std::size_t prefix = buffer_.size();
  buffer_.resize(prefix + size);
  item.SerializeWithCachedSizesToArray(reinterpret_cast<std::uint8_t*>(buffer_.data() + prefix));
  if (int error = write_all(fd_.get(), buffer_); error != 0) {
    failed_ = true;
    std::fprintf(stderr, "shadowtlb: warning: trace file '%s': %s; tracing stopped after %llu records\n",
                 path_.c_str(), std::strerror(error), static_cast<unsigned long long>(records_));
    return;
  }
  bytes_ += buffer_.size();
}

std::uint64_t TraceWriter::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

std::uint64_t TraceWriter::snapshots() const {
  std::lock_guard lock(mutex_);
  return snapshots_;
}

std::uint64_t TraceWriter::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

bool TraceWriter::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

std::uint64_t TraceWriter::elapsed_ns() const {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_)
          .count());
}

}  // namespace shadowtlb::trace
