// KvmError: an operation's name plus errno, formatted once for the user.
#include "vmm/errors.h"

#include <cstring>
#include <utility>

namespace shadowtlb::vmm {

KvmError::KvmError(std::string operation, int error_number)
    : std::runtime_error(operation + ": " + std::strerror(error_number)),
      operation_(std::move(operation)),
      errno_(error_number) {}

KvmError::KvmError(std::string operation, std::string detail)
    : std::runtime_error(operation + ": " + detail), operation_(std::move(operation)) {}

}  // namespace shadowtlb::vmm
