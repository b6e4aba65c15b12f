// The VMM's error types; only the CLI layer turns them into exit codes.
#pragma once

#include <stdexcept>
#include <string>

namespace shadowtlb::vmm {

// A bad command line, manifest, or option value: exit code 1.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An image that cannot be run: not ELF64 x86-64, truncated, misplaced. Exit code 1.
class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A KVM or host failure: names the operation (an ioctl, open, mmap) and errno.
// Exit code 2.
class KvmError : public std::runtime_error {
 public:
  KvmError(std::string operation, int error_number);
  KvmError(std::string operation, std::string detail);

  [[nodiscard]] const std::string& operation() const { return operation_; }
  [[nodiscard]] int error_number() const { return errno_; }

 private:
  std::string operation_;
  int errno_ = 0;
};

}  // namespace shadowtlb::vmm
