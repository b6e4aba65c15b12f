// FileDisk: pread/pwrite at block offsets, fsync on flush; open-time checks name the file.
#include "vmm/devices/file_disk.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

KvmError host_error(std::string_view what, const std::filesystem::path& path) {
  return KvmError(fmt::format("{} disk file '{}'", what, path.string()), errno);
}

// O_CREAT without O_EXCL: a file created between two opens is simply used.
UniqueFd open_or_create(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) throw host_error("open", path);
  return fd;
}

// Capacity in blocks of the opened file, sizing it first when it is empty.
std::uint64_t usable_blocks(int fd, const std::filesystem::path& path, std::uint64_t create_bytes) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw host_error("stat", path);
  // A block device or FIFO has no size to take; only regular files are supported.
  if (!S_ISREG(st.st_mode))
    throw ConfigError(fmt::format("disk file '{}' is not a regular file", path.string()));
  auto bytes = static_cast<std::uint64_t>(st.st_size);
  if (bytes == 0) {
    if (::ftruncate(fd, static_cast<off_t>(create_bytes)) != 0) throw host_error("size", path);
    bytes = create_bytes;
  }
  if (bytes < kBlockSize)
    throw ConfigError(fmt::format("disk file '{}' is {} bytes, smaller than one {}-byte block",
                                  path.string(), bytes, kBlockSize));
  return bytes / kBlockSize;
}

}  // namespace

std::unique_ptr<FileDisk> FileDisk::open(const std::filesystem::path& path,
                                         std::uint64_t create_bytes) {
  UniqueFd fd = open_or_create(path);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      throw KvmError(fmt::format("lock disk file '{}'", path.string()),
                     "another process (another shadowtlb run?) is using it");
    throw host_error("lock", path);
  }
  const std::uint64_t blocks = usable_blocks(fd.get(), path, create_bytes);
  return std::unique_ptr<FileDisk>(new FileDisk(path, std::move(fd), blocks));
}

bool FileDisk::read_at(std::uint64_t offset, std::span<std::byte> data) {
  while (!data.empty()) {
    const ssize_t n = ::pread(fd_.get(), data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    // 0: the file shrank under us (someone truncated it); its blocks are gone.
    if (n <= 0) return false;
    data = data.subspan(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool FileDisk::write_at(std::uint64_t offset, std::span<const std::byte> data) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd_.get(), data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data = data.subspan(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool FileDisk::sync() { return ::fsync(fd_.get()) == 0; }

}  // namespace shadowtlb::vmm
