// Memory size parsing: the units users write, and the garbage they must not get away with.
#include "vmm/builder/size.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

using ::testing::HasSubstr;

std::string size_error(std::string_view text) {
  try {
    (void)parse_size(text, "--mem");
    return "";
  } catch (const ConfigError& e) {
    return e.what();
  }
}

TEST(Size, ParsesBytesAndBinaryUnits) {
  EXPECT_EQ(parse_size("1048576"), 1048576u);
  EXPECT_EQ(parse_size("512K"), 512u << 10);
  EXPECT_EQ(parse_size("64M"), 64u << 20);
  EXPECT_EQ(parse_size("1G"), 1ull << 30);
  EXPECT_EQ(parse_size("2T"), 2ull << 40);
  EXPECT_EQ(parse_size("64m"), 64u << 20);
  EXPECT_EQ(parse_size("64MiB"), 64u << 20);
  EXPECT_EQ(parse_size("64mb"), 64u << 20);
  EXPECT_EQ(parse_size("007"), 7u);
}

TEST(Size, RejectsGarbage) {
  for (const char* text : {"", "M", "-1", "+5", "64X", "64 M", " 64M", "64M ", "1.5G", "64MM",
                           "64Mx", "64MiBs", "0x100", "ten"}) {
    EXPECT_THAT(size_error(text), HasSubstr("not a size")) << "'" << text << "'";
  }
  EXPECT_EQ(size_error("64Q"),
            "--mem '64Q': not a size (write bytes, or a number with K, M, G or T, e.g. 64M)");
}

TEST(Size, RejectsZero) {
  EXPECT_EQ(size_error("0"), "--mem '0': must be greater than zero");
  EXPECT_THAT(size_error("0G"), HasSubstr("greater than zero"));
}

TEST(Size, RejectsOverflow) {
  EXPECT_EQ(parse_size("18446744073709551615"), ~0ull);
  EXPECT_THAT(size_error("18446744073709551616"), HasSubstr("too large"));
  EXPECT_THAT(size_error("99999999999999999999999999"), HasSubstr("too large"));
  EXPECT_THAT(size_error("16777216T"), HasSubstr("too large"));
  EXPECT_EQ(parse_size("16777215T"), 16777215ull << 40);
}

TEST(Size, Formats) {
  EXPECT_EQ(format_size(64ull << 20), "64 MiB");
  EXPECT_EQ(format_size(1ull << 30), "1 GiB");
  EXPECT_EQ(format_size(512ull << 10), "512 KiB");
  EXPECT_EQ(format_size(1536ull << 20), "1536 MiB");
  EXPECT_EQ(format_size(1000), "1000 bytes");
  EXPECT_EQ(format_size(0), "0 bytes");
}

}  // namespace
}  // namespace shadowtlb::vmm
