// Command-line parsing: one in-place pass that splits words and strips quotes.
#include "guest/kernel/cmdline.h"

#include "guest/include/compiler.h"
#include "guest/lib/kstrtox.h"
#include "guest/lib/string.h"

namespace {

cmdline boot_cmdline;
char boot_cmdline_raw[shadowtlb::abi::CMDLINE_MAX];

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

}  // namespace

unsigned cmdline_parse(cmdline* c, const char* src, size_t max) {
  size_t len = strnlen(src, min_t(max, sizeof(c->buf) - 1));
  memcpy(c->buf, src, len);
  c->buf[len] = '\0';
  c->count = 0;
  // Writing never gets ahead of reading (quotes are dropped, '=' becomes a
  // NUL), so the words are compacted in place.
  char* r = c->buf;
  char* w = c->buf;
  for (;;) {
    while (is_space(*r)) r++;
    if (!*r) break;
    char* key = w;
    char* value = nullptr;
    bool quoted = false;
    for (; *r && (quoted || !is_space(*r)); r++) {
      if (*r == '"') {
        quoted = !quoted;
      } else if (*r == '=' && !value && !quoted) {
        *w++ = '\0';
        value = w;
      } else {
        *w++ = *r;
      }
    }
    if (*r) r++;  // the separator; w <= r-1 here, so the NUL below is safe
    *w++ = '\0';
    if (c->count < CMDLINE_MAX_PARAMS) c->params[c->count++] = {key, value ? value : w - 1};
  }
  return c->count;
}

const char* cmdline_lookup(const cmdline* c, const char* key) {
  for (unsigned i = c->count; i-- > 0;)
    if (strcmp(c->params[i].key, key) == 0) return c->params[i].value;
  return nullptr;
}

void cmdline_init(const char* src, size_t max) {
  strlcpy(boot_cmdline_raw, src, min_t(max, sizeof(boot_cmdline_raw)));
  cmdline_parse(&boot_cmdline, src, max);
}

const char* cmdline_get(const char* key) { return cmdline_lookup(&boot_cmdline, key); }

u64 cmdline_get_u64(const char* key, u64 def) {
  const char* v = cmdline_get(key);
  u64 n;
  return v && kstrtoull(v, 0, &n) == 0 ? n : def;
}

const char* saved_command_line() { return boot_cmdline_raw; }
