// The kernel command line: "key=value key2 key3=\"a quoted value\"".
//
// Parsed once at boot into NUL-terminated key/value pairs; a bare word is a
// key with the value "". When a key repeats, the last one wins, so a user can
// append overrides to an image's default command line.
#pragma once

#include "abi/boot_info.h"
#include "guest/include/types.h"

struct cmdline_param {
  const char* key;
  const char* value;
};

inline constexpr unsigned CMDLINE_MAX_PARAMS = 64;

// A parsed command line; any string can be parsed into one (tests do).
struct cmdline {
  char buf[shadowtlb::abi::CMDLINE_MAX];
  cmdline_param params[CMDLINE_MAX_PARAMS];
  unsigned count;
};

// Parses at most max bytes of src (stops at NUL); extra parameters beyond
// CMDLINE_MAX_PARAMS are dropped. Returns the number of parameters.
unsigned cmdline_parse(cmdline* c, const char* src, size_t max);
// The value of key in c: "" for a bare key, nullptr if absent.
const char* cmdline_lookup(const cmdline* c, const char* key);

// The boot command line.
void cmdline_init(const char* src, size_t max);
const char* cmdline_get(const char* key);
// The value parsed as a number (kstrtoull base 0), def if absent or not a number.
u64 cmdline_get_u64(const char* key, u64 def);
// The raw boot command line (for printing).
const char* saved_command_line();
