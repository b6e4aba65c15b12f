// String and memory functions of the freestanding guest (the subset g++ and the kernel use).
#pragma once

#include "guest/include/types.h"

extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
char* strchr(const char* s, int c);
}

// Copies at most size-1 bytes and always NUL-terminates (when size > 0);
// returns strlen(src) so truncation can be detected, as Linux's strscpy does not.
size_t strlcpy(char* dst, const char* src, size_t size);
bool str_has_prefix(const char* s, const char* prefix);
