// Self-tests of the library: command line, number parsing, printf, strings.
#include "guest/include/errno.h"
#include "guest/kernel/cmdline.h"
#include "guest/kernel/test.h"
#include "guest/lib/kstrtox.h"
#include "guest/lib/string.h"
#include "guest/lib/vsprintf.h"

namespace {

cmdline parsed;  // 2 KiB: static rather than on the test's stack

}  // namespace

TEST(cmdline, parse_words_values_quotes) {
  const char* line = "  a=1 flag  b=\"x y\" a=2 num=0x10 empty= q=\"k=v\"";
  EXPECT_EQ(cmdline_parse(&parsed, line, 1024), 7u);
  EXPECT_STREQ(cmdline_lookup(&parsed, "a"), "2");  // the last one wins
  EXPECT_STREQ(cmdline_lookup(&parsed, "flag"), "");
  EXPECT_STREQ(cmdline_lookup(&parsed, "b"), "x y");
  EXPECT_STREQ(cmdline_lookup(&parsed, "num"), "0x10");
  EXPECT_STREQ(cmdline_lookup(&parsed, "empty"), "");
  EXPECT_STREQ(cmdline_lookup(&parsed, "q"), "k=v");
  EXPECT_TRUE(cmdline_lookup(&parsed, "missing") == nullptr);
  EXPECT_EQ(cmdline_parse(&parsed, "", 1024), 0u);
  EXPECT_EQ(cmdline_parse(&parsed, "abc def", 3), 1u);  // max bounds the input
  EXPECT_STREQ(cmdline_lookup(&parsed, "abc"), "");
}

TEST(cmdline, boot_command_line) {
  EXPECT_TRUE(cmdline_get("selftest.no_such_key") == nullptr);
  EXPECT_EQ(cmdline_get_u64("selftest.no_such_key", 7), 7u);
  // When the host passes selftest.probe=<n>, check it arrived intact.
  if (cmdline_get("selftest.probe")) EXPECT_EQ(cmdline_get_u64("selftest.probe", 0), 12345u);
}

TEST(kstrtox, bases_and_errors) {
  u64 v = 0;
  EXPECT_EQ(kstrtoull("123", 0, &v), 0);
  EXPECT_EQ(v, 123u);
  EXPECT_EQ(kstrtoull("0x1f", 0, &v), 0);
  EXPECT_EQ(v, 0x1fu);
  EXPECT_EQ(kstrtoull("017", 0, &v), 0);
  EXPECT_EQ(v, 15u);
  EXPECT_EQ(kstrtoull("18446744073709551615", 10, &v), 0);
  EXPECT_EQ(v, ~u64{0});
  EXPECT_EQ(kstrtoull("18446744073709551616", 10, &v), -EINVAL);
  EXPECT_EQ(kstrtoull("12x", 0, &v), -EINVAL);
  EXPECT_EQ(kstrtoull("", 0, &v), -EINVAL);
  s64 s = 0;
  EXPECT_EQ(kstrtoll("-42", 0, &s), 0);
  EXPECT_EQ(s, -42);
}

TEST(vsprintf, integer_formats) {
  char b[128];
  snprintf(b, sizeof(b), "%d|%5d|%-5d|%05d|%+d|%i", -42, 42, 42, -42, 7, 0);
  EXPECT_STREQ(b, "-42|   42|42   |-0042|+7|0");
  snprintf(b, sizeof(b), "%x|%X|%#x|%#o|%o|%08lx", 0xbeefu, 0xbeefu, 255u, 8u, 8u, 0xabcul);
  EXPECT_STREQ(b, "beef|BEEF|0xff|010|10|00000abc");
  snprintf(b, sizeof(b), "%lu|%lld|%llu|%zu|%hhu|%hd", ~0ul, -9223372036854775807ll - 1, 1ull << 63,
           size_t{5}, 300u, 70000);
  EXPECT_STREQ(b, "18446744073709551615|-9223372036854775808|9223372036854775808|5|44|4464");
  snprintf(b, sizeof(b), "%.3d|%.0d|%*d|%-*d|", 5, 0, 4, 1, 3, 2);
  EXPECT_STREQ(b, "005||   1|2  |");
}

TEST(vsprintf, strings_chars_pointers) {
  char b[128];
  const char* volatile null_string = nullptr;  // volatile: g++ rejects a literal null %s
  snprintf(b, sizeof(b), "%s|%.2s|%6s|%-6s|%c|%%|%s", "abc", "abc", "ab", "ab", 'z', null_string);
  EXPECT_STREQ(b, "abc|ab|    ab|ab    |z|%|(null)");
  snprintf(b, sizeof(b), "%p", reinterpret_cast<void*>(0xffffffff80100000ul));
  EXPECT_STREQ(b, "0xffffffff80100000");
  snprintf(b, sizeof(b), "%p", reinterpret_cast<void*>(0x1000));
  EXPECT_STREQ(b, "0x0000000000001000");
}

TEST(vsprintf, truncation_reports_full_length) {
  char b[8];
  EXPECT_EQ(snprintf(b, sizeof(b), "%s", "0123456789"), 10);
  EXPECT_STREQ(b, "0123456");
  EXPECT_EQ(snprintf(b, 1, "abc"), 3);
  EXPECT_STREQ(b, "");
  EXPECT_EQ(snprintf(nullptr, 0, "%d", 12345), 5);
}

TEST(string, memory_functions) {
  char a[32] = "0123456789abcdef";
  char b[32] = {};
  memcpy(b, a, 17);
  EXPECT_STREQ(b, "0123456789abcdef");
  memmove(a + 2, a, 10);  // overlapping, destination above
  EXPECT_STREQ(a, "010123456789cdef");
  memmove(a, a + 4, 8);   // overlapping, destination below
  EXPECT_STREQ(a, "234567896789cdef");
  memset(b, 'x', 5);
  EXPECT_EQ(memcmp(b, "xxxxx56789", 10), 0);
  EXPECT_LT(memcmp("abc", "abd", 3), 0);
  EXPECT_GT(memcmp("abd", "abc", 3), 0);
  static char big[100];
  memset(big, 0x11, sizeof(big));
  EXPECT_EQ(big[0] + big[99], 0x22);
}

TEST(string, string_functions) {
  EXPECT_EQ(strlen("hello"), 5u);
  EXPECT_EQ(strnlen("hello", 3), 3u);
  EXPECT_EQ(strcmp("a", "a"), 0);
  EXPECT_LT(strcmp("a", "b"), 0);
  EXPECT_GT(strcmp("ab", "a"), 0);
  EXPECT_EQ(strncmp("abcx", "abcy", 3), 0);
  EXPECT_TRUE(strchr("hello", 'l') != nullptr);
  EXPECT_TRUE(strchr("hello", 'z') == nullptr);
  char d[4];
  EXPECT_EQ(strlcpy(d, "abcdef", sizeof(d)), 6u);
  EXPECT_STREQ(d, "abc");
  EXPECT_TRUE(str_has_prefix("selftest.filter", "selftest."));
  EXPECT_FALSE(str_has_prefix("self", "selftest"));
}
