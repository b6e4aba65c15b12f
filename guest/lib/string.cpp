// String and memory functions; bulk operations use `rep movs/stos`.
//
// Guest ring 0 is emulated at ~600 host cycles per instruction (DESIGN.md §6),
// and KVM's emulator runs one `rep` string instruction far faster than the
// equivalent loop of separate instructions, so bulk copies and fills use
// `rep movsq/stosq` for the 8-byte body and `rep movsb/stosb` for the tail.
#include "guest/lib/string.h"

extern "C" {

void* memcpy(void* dst, const void* src, size_t n) {
  void* d = dst;
  size_t q = n / 8, r = n % 8;
  asm volatile("rep movsq\n\tmov %3, %%rcx\n\trep movsb"
               : "+D"(d), "+S"(src), "+c"(q)
               : "r"(r)
               : "memory");
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  // Overlapping with dst above src: copy backwards, byte by byte (rare).
  const unsigned char* s_end = s + n - 1;
  unsigned char* d_end = d + n - 1;
  asm volatile("std\n\trep movsb\n\tcld" : "+D"(d_end), "+S"(s_end), "+c"(n) : : "memory");
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  void* d = dst;
  u64 pattern = static_cast<u8>(c) * 0x0101010101010101ull;
  size_t q = n / 8, r = n % 8;
  asm volatile("rep stosq\n\tmov %3, %%rcx\n\trep stosb"
               : "+D"(d), "+c"(q)
               : "a"(pattern), "r"(r)
               : "memory");
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  auto* x = static_cast<const unsigned char*>(a);
  auto* y = static_cast<const unsigned char*>(b);
  size_t i = 0;
  // Whole words while they are equal (a quarter of the emulated
  // instructions), then bytes to find the first difference.
  for (; i + 8 <= n; i += 8) {
    u64 wx, wy;
    __builtin_memcpy(&wx, x + i, 8);
    __builtin_memcpy(&wy, y + i, 8);
    if (wx != wy) break;
  }
  for (; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

size_t strnlen(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n]) n++;
  return n;
}

int strcmp(const char* a, const char* b) {
  while (*a && *a == *b) a++, b++;
  return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
  for (; n; n--, a++, b++) {
    if (*a != *b) return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
    if (!*a) break;
  }
  return 0;
}

char* strchr(const char* s, int c) {
  for (;; s++) {
    if (*s == static_cast<char>(c)) return const_cast<char*>(s);
    if (!*s) return nullptr;
  }
}

}  // extern "C"

size_t strlcpy(char* dst, const char* src, size_t size) {
  size_t len = strlen(src);
  if (size) {
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
  }
  return len;
}

bool str_has_prefix(const char* s, const char* prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}
