// Compiler helpers shared by all guest code: barriers, once-accesses, sections.
#pragma once

#include "guest/include/types.h"

#define barrier() asm volatile("" ::: "memory")
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

// One access the compiler may neither tear, merge nor repeat (Linux's
// READ_ONCE/WRITE_ONCE): used for data other vCPUs write concurrently.
#define READ_ONCE(x) (*static_cast<const volatile __typeof__(x)*>(&(x)))
#define WRITE_ONCE(x, v) (*static_cast<volatile __typeof__(x)*>(&(x)) = (v))

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

// Container of an embedded member; the struct must be standard-layout.
#define container_of(ptr, type, member) \
  reinterpret_cast<type*>(reinterpret_cast<char*>(ptr) - offsetof(type, member))

constexpr u64 round_up(u64 x, u64 align) { return (x + align - 1) & ~(align - 1); }
constexpr u64 round_down(u64 x, u64 align) { return x & ~(align - 1); }
constexpr bool is_aligned(u64 x, u64 align) { return (x & (align - 1)) == 0; }

template <typename T>
constexpr T min_t(T a, T b) { return a < b ? a : b; }
template <typename T>
constexpr T max_t(T a, T b) { return a > b ? a : b; }
