// String to integer conversion with full-string and overflow checks.
#include "guest/lib/kstrtox.h"

#include "guest/include/errno.h"

int kstrtoull(const char* s, unsigned base, u64* res) {
  if (base == 0) {
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, s += 2;
    else if (s[0] == '0' && s[1]) base = 8, s++;
    else base = 10;
  } else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s += 2;
  }
  if (!*s) return -EINVAL;
  u64 v = 0;
  for (; *s; s++) {
    unsigned d;
    if (*s >= '0' && *s <= '9') d = static_cast<unsigned>(*s - '0');
    else if (*s >= 'a' && *s <= 'f') d = static_cast<unsigned>(*s - 'a' + 10);
    else if (*s >= 'A' && *s <= 'F') d = static_cast<unsigned>(*s - 'A' + 10);
    else return -EINVAL;
    if (d >= base) return -EINVAL;
    if (v > (~u64{0} - d) / base) return -EINVAL;
    v = v * base + d;
  }
  *res = v;
  return 0;
}

int kstrtoll(const char* s, unsigned base, s64* res) {
  bool neg = *s == '-';
  u64 v;
  int err = kstrtoull(neg ? s + 1 : s, base, &v);
  if (err) return err;
  if (neg ? v > (u64{1} << 63) : v > static_cast<u64>(INT64_MAX)) return -EINVAL;
  *res = neg ? static_cast<s64>(0 - v) : static_cast<s64>(v);
  return 0;
}
