// Basic fixed-width types and the guest-physical address type of the guest kernel.
#pragma once

#include <compare>
#include <stddef.h>
#include <stdint.h>

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using s8 = int8_t;
using s16 = int16_t;
using s32 = int32_t;
using s64 = int64_t;

// A guest-physical address. Linux uses a plain integer; here it is a distinct
// type (explicit constructor, only offset arithmetic) so a physical address can
// never be used as a pointer or mixed with a virtual one by accident.
struct phys_addr_t {
  u64 val = 0;

  constexpr phys_addr_t() = default;
  constexpr explicit phys_addr_t(u64 v) : val(v) {}

  friend constexpr phys_addr_t operator+(phys_addr_t a, u64 off) { return phys_addr_t(a.val + off); }
  friend constexpr phys_addr_t operator-(phys_addr_t a, u64 off) { return phys_addr_t(a.val - off); }
  friend constexpr u64 operator-(phys_addr_t a, phys_addr_t b) { return a.val - b.val; }
  friend constexpr bool operator==(phys_addr_t a, phys_addr_t b) = default;
  friend constexpr auto operator<=>(phys_addr_t a, phys_addr_t b) = default;
};
static_assert(sizeof(phys_addr_t) == 8);

using gfp_t = unsigned int;
