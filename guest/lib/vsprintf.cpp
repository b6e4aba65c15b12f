// printf-style formatting: one pass over the format, digits built right to left.
#include "guest/lib/vsprintf.h"

#include "guest/lib/string.h"

namespace {

struct spec {
  bool left = false, zero = false, plus = false, space = false, alt = false;
  int width = 0;
  int precision = -1;
  int length = 0;  // 'H' hh, 'h', 'l', 'L' ll (also z t j)
};

struct out {
  format_sink sink;
  void* ctx;
  int count = 0;
  void put(char c) {
    sink(c, ctx);
    count++;
  }
  void pad(char c, int n) {
    while (n-- > 0) put(c);
  }
};

void put_string(out& o, const spec& s, const char* str) {
  if (!str) str = "(null)";
  int len = static_cast<int>(s.precision >= 0 ? strnlen(str, static_cast<size_t>(s.precision))
                                              : strlen(str));
  if (!s.left) o.pad(' ', s.width - len);
  for (int i = 0; i < len; i++) o.put(str[i]);
  if (s.left) o.pad(' ', s.width - len);
}

void put_number(out& o, const spec& s, u64 v, bool negative, unsigned base, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char buf[24];
  int n = 0;
  if (v == 0 && s.precision != 0) buf[n++] = '0';
  while (v) {
    buf[n++] = digits[v % base];
    v /= base;
  }
  char sign = negative ? '-' : s.plus ? '+' : s.space ? ' ' : 0;
  const char* prefix = "";
  if (s.alt && base == 16 && n && !(n == 1 && buf[0] == '0')) prefix = upper ? "0X" : "0x";
  if (s.alt && base == 8 && (n == 0 || buf[n - 1] != '0')) prefix = "0";
  int prefix_len = static_cast<int>(strlen(prefix)) + (sign ? 1 : 0);
  int zeros = s.precision > n ? s.precision - n : 0;
  int body = prefix_len + zeros + n;
  // '0' pads with zeros after the sign and prefix, unless a precision is given.
  if (s.zero && !s.left && s.precision < 0 && s.width > body) {
    zeros += s.width - body;
    body = s.width;
  }
  if (!s.left) o.pad(' ', s.width - body);
  if (sign) o.put(sign);
  for (const char* p = prefix; *p; p++) o.put(*p);
  o.pad('0', zeros);
  while (n) o.put(buf[--n]);
  if (s.left) o.pad(' ', s.width - body);
}

int parse_int(const char*& f) {
  int v = 0;
  while (*f >= '0' && *f <= '9') v = v * 10 + (*f++ - '0');
  return v;
}

s64 signed_arg(const spec& s, va_list& ap) {
  switch (s.length) {
    case 'H': return static_cast<signed char>(va_arg(ap, int));
    case 'h': return static_cast<short>(va_arg(ap, int));
    case 'l': return va_arg(ap, long);
    case 'L': return va_arg(ap, long long);
    default: return va_arg(ap, int);
  }
}

u64 unsigned_arg(const spec& s, va_list& ap) {
  switch (s.length) {
    case 'H': return static_cast<unsigned char>(va_arg(ap, unsigned));
    case 'h': return static_cast<unsigned short>(va_arg(ap, unsigned));
    case 'l': return va_arg(ap, unsigned long);
    case 'L': return va_arg(ap, unsigned long long);
    default: return va_arg(ap, unsigned);
  }
}

}  // namespace

int vformat(format_sink sink, void* ctx, const char* f, va_list ap_in) {
  out o{sink, ctx};
  va_list ap;
  va_copy(ap, ap_in);
  for (; *f; f++) {
    if (*f != '%') {
      o.put(*f);
      continue;
    }
    spec s;
    for (f++;; f++) {
      if (*f == '-') s.left = true;
      else if (*f == '0') s.zero = true;
      else if (*f == '+') s.plus = true;
      else if (*f == ' ') s.space = true;
      else if (*f == '#') s.alt = true;
      else break;
    }
    if (*f == '*') {
      s.width = va_arg(ap, int);
      if (s.width < 0) s.left = true, s.width = -s.width;
      f++;
    } else {
      s.width = parse_int(f);
    }
    if (*f == '.') {
      f++;
      if (*f == '*') s.precision = va_arg(ap, int), f++;
      else s.precision = parse_int(f);
      if (s.precision < 0) s.precision = -1;
    }
    if (*f == 'h' || *f == 'l') {
      s.length = *f++;
      if (*f == s.length) s.length = (s.length == 'h') ? 'H' : 'L', f++;  // hh, ll
    } else if (*f == 'z' || *f == 't' || *f == 'j') {
      s.length = 'l';  // size_t, ptrdiff_t, intmax_t are all 64-bit here
      f++;
    }

    switch (*f) {
      case 'd':
      case 'i': {
        s64 v = signed_arg(s, ap);
        put_number(o, s, v < 0 ? 0 - static_cast<u64>(v) : static_cast<u64>(v), v < 0, 10, false);
        break;
      }
      case 'u': put_number(o, s, unsigned_arg(s, ap), false, 10, false); break;
      case 'x': put_number(o, s, unsigned_arg(s, ap), false, 16, false); break;
      case 'X': put_number(o, s, unsigned_arg(s, ap), false, 16, true); break;
      case 'o': put_number(o, s, unsigned_arg(s, ap), false, 8, false); break;
      case 'p': {
        spec p;
        p.alt = true;
        p.zero = true;
        p.width = 18;  // "0x" and 16 digits: addresses line up in dumps
        put_number(o, p, reinterpret_cast<u64>(va_arg(ap, void*)), false, 16, false);
        break;
      }
      case 'c': {
        if (!s.left) o.pad(' ', s.width - 1);
        o.put(static_cast<char>(va_arg(ap, int)));
        if (s.left) o.pad(' ', s.width - 1);
        break;
      }
      case 's': put_string(o, s, va_arg(ap, const char*)); break;
      case '%': o.put('%'); break;
      case '\0': f--; break;  // a lone '%' at the end
      default:  // unknown conversion: show it, so the bug is visible
        o.put('%');
        o.put(*f);
        break;
    }
  }
  va_end(ap);
  return o.count;
}

namespace {

struct buffer_sink {
  char* buf;
  size_t size;
  size_t pos;
};

void buffer_put(char c, void* ctx) {
  auto* b = static_cast<buffer_sink*>(ctx);
  if (b->pos + 1 < b->size) b->buf[b->pos] = c;
  b->pos++;
}

}  // namespace

int vsnprintf(char* buf, size_t size, const char* fmt, va_list ap) {
  buffer_sink b{buf, size, 0};
  int n = vformat(buffer_put, &b, fmt, ap);
  if (size) buf[b.pos < size ? b.pos : size - 1] = '\0';
  return n;
}

int snprintf(char* buf, size_t size, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}
