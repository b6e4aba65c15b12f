// Skips a test, with the reason, on a machine without a usable /dev/kvm.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#define SHADOWTLB_REQUIRE_KVM()                                                       \
  do {                                                                                \
    if (::access("/dev/kvm", R_OK | W_OK) != 0)                                       \
      GTEST_SKIP() << "needs /dev/kvm (" << std::strerror(errno)                      \
                   << "): KVM tests run only on a host with KVM";                     \
  } while (0)
