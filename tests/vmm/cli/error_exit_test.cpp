// Which exit code each error gets, and the /dev/kvm hint.
#include "vmm/cli/error_exit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>

#include "vmm/errors.h"

namespace shadowtlb::vmm::cli {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ErrorExit, UserErrorsExitOne) {
  EXPECT_EQ(describe_error(ConfigError("bad --mem")).code, kExitUsage);
  EXPECT_EQ(describe_error(ImageError("not an ELF")).code, kExitUsage);
  EXPECT_EQ(describe_error(ImageError("not an ELF")).message, "not an ELF");
}

TEST(ErrorExit, KvmErrorsExitTwo) {
  const ErrorExit e = describe_error(KvmError("KVM_CREATE_VM", EINVAL));
  EXPECT_EQ(e.code, kExitVmFailed);
  EXPECT_THAT(e.message, Not(HasSubstr("kvm group")));
}

TEST(ErrorExit, MissingOrForbiddenDevKvmGetsAHint) {
  for (int err : {ENOENT, EACCES}) {
    const ErrorExit e = describe_error(KvmError("open /dev/kvm", err));
    EXPECT_EQ(e.code, kExitVmFailed);
    EXPECT_THAT(e.message, ::testing::StartsWith("open /dev/kvm: "));
    EXPECT_THAT(e.message, EndsWith("(is KVM enabled? are you in the kvm group?)"));
  }
}

TEST(ErrorExit, UnexpectedErrorsExitTwo) {
  EXPECT_EQ(describe_error(std::runtime_error("boom")).code, kExitVmFailed);
  EXPECT_EQ(describe_error(std::runtime_error("boom")).message, "internal error: boom");
  EXPECT_EQ(describe_error(std::bad_alloc()).code, kExitVmFailed);
}

TEST(ErrorExit, OneLine) {
  EXPECT_EQ(one_line("a\nb\r\nc\n"), "a b  c");
  EXPECT_EQ(describe_error(ConfigError("x\ny")).message, "x y");
}

}  // namespace
}  // namespace shadowtlb::vmm::cli
