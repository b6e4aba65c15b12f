// mmap()/munmap() behind MemoryMapping; failures become KvmError naming mmap.
#include "vmm/kvm/memory_mapping.h"

#include <sys/mman.h>

#include <cerrno>

#include "vmm/errors.h"

namespace shadowtlb::vmm {

MemoryMapping MemoryMapping::anonymous(std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw KvmError("mmap of guest memory", errno);
  return MemoryMapping(static_cast<std::byte*>(p), bytes);
}

MemoryMapping MemoryMapping::of_fd(int fd, std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) throw KvmError("mmap of kvm_run", errno);
  return MemoryMapping(static_cast<std::byte*>(p), bytes);
}

MemoryMapping& MemoryMapping::operator=(MemoryMapping&& other) noexcept {
  if (this != &other) {
    release();
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MemoryMapping::~MemoryMapping() { release(); }

void MemoryMapping::release() {
  if (base_ != nullptr) ::munmap(base_, size_);
  base_ = nullptr;
  size_ = 0;
}

}  // namespace shadowtlb::vmm
