// Error-to-exit-code mapping: the one place the VMM's typed errors meet the process.
#include "vmm/cli/error_exit.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <new>

#include "vmm/errors.h"

namespace shadowtlb::vmm::cli {
namespace {

bool is_kvm_device_open(const KvmError& error) {
  return error.operation().starts_with("open") &&
         error.operation().find("/dev/kvm") != std::string::npos;
}

}  // namespace

std::string one_line(std::string_view message) {
  std::string line(message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

ErrorExit describe_error(const std::exception& error) {
  if (dynamic_cast<const ConfigError*>(&error) || dynamic_cast<const ImageError*>(&error))
    return {kExitUsage, one_line(error.what())};
  if (const auto* kvm = dynamic_cast<const KvmError*>(&error)) {
    std::string message = one_line(kvm->what());
    const int e = kvm->error_number();
    if (is_kvm_device_open(*kvm) && (e == ENOENT || e == EACCES || e == EPERM || e == ENXIO))
      message += " (is KVM enabled? are you in the kvm group?)";
    return {kExitVmFailed, message};
  }
  if (dynamic_cast<const std::bad_alloc*>(&error))
    return {kExitVmFailed, "out of host memory (try a smaller --mem)"};
  return {kExitVmFailed, one_line(fmt::format("internal error: {}", error.what()))};
}

void print_error(std::string_view message) {
  std::fflush(stdout);  // keep the guest console and the error in the order they happened
  fmt::print(stderr, "shadowtlb: error: {}\n", one_line(message));
}

}  // namespace shadowtlb::vmm::cli
