// Address types that cannot be mixed: guest-virtual, guest-physical, frame number.
//
// Every constructor is explicit and only meaningful arithmetic is offered
// (address + byte offset, address - address within one space, alignment). A
// host pointer is a plain pointer and never converts to or from these.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace shadowtlb {

inline constexpr std::uint64_t kPageShift = 12;
inline constexpr std::uint64_t kPageSize = std::uint64_t{1} << kPageShift;
inline constexpr std::uint64_t kHugePageShift = 21;
inline constexpr std::uint64_t kHugePageSize = std::uint64_t{1} << kHugePageShift;

// One address space's address: Tag keeps the spaces apart at compile time.
template <typename Tag>
class Address {
 public:
  constexpr Address() = default;
  constexpr explicit Address(std::uint64_t value) : value_(value) {}

  [[nodiscard]] constexpr std::uint64_t value() const { return value_; }

  constexpr Address operator+(std::uint64_t offset) const { return Address(value_ + offset); }
  constexpr Address operator-(std::uint64_t offset) const { return Address(value_ - offset); }
  constexpr Address& operator+=(std::uint64_t offset) {
    value_ += offset;
    return *this;
  }
  // Distance between two addresses of the same space.
  constexpr std::uint64_t operator-(Address other) const { return value_ - other.value_; }

  [[nodiscard]] constexpr Address align_down(std::uint64_t alignment) const {
    return Address(value_ & ~(alignment - 1));
  }
  [[nodiscard]] constexpr Address align_up(std::uint64_t alignment) const {
    return Address((value_ + alignment - 1) & ~(alignment - 1));
  }
  [[nodiscard]] constexpr bool is_aligned(std::uint64_t alignment) const {
    return (value_ & (alignment - 1)) == 0;
  }
  [[nodiscard]] constexpr std::uint64_t page_offset() const { return value_ & (kPageSize - 1); }

  friend constexpr auto operator<=>(Address, Address) = default;

 private:
  std::uint64_t value_ = 0;
};

struct GuestVirtTag {};
struct GuestPhysTag {};

// An address the guest's code uses (`va`; the SDM's "linear address").
using GuestVirtAddr = Address<GuestVirtTag>;
// An address of guest RAM as the guest's page tables name it (`gpa`).
using GuestPhysAddr = Address<GuestPhysTag>;

// A 4 KiB guest-physical frame number (Linux's pfn).
class Pfn {
 public:
  constexpr Pfn() = default;
  constexpr explicit Pfn(std::uint64_t value) : value_(value) {}
  static constexpr Pfn of(GuestPhysAddr pa) { return Pfn(pa.value() >> kPageShift); }

  [[nodiscard]] constexpr std::uint64_t value() const { return value_; }
  [[nodiscard]] constexpr GuestPhysAddr address() const {
    return GuestPhysAddr(value_ << kPageShift);
  }
  constexpr Pfn operator+(std::uint64_t frames) const { return Pfn(value_ + frames); }

  friend constexpr auto operator<=>(Pfn, Pfn) = default;

 private:
  std::uint64_t value_ = 0;
};

}  // namespace shadowtlb

template <typename Tag>
struct std::hash<shadowtlb::Address<Tag>> {
  std::size_t operator()(shadowtlb::Address<Tag> a) const noexcept {
    return std::hash<std::uint64_t>{}(a.value());
  }
};

template <>
struct std::hash<shadowtlb::Pfn> {
  std::size_t operator()(shadowtlb::Pfn p) const noexcept {
    return std::hash<std::uint64_t>{}(p.value());
  }
};
