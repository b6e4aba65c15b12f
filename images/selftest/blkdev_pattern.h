// What the blkdev self-tests leave on the disk for tests/integration/blkdev_test.cpp to check.
//
// Shared by the guest test and the host test: plain C++, <stdint.h> only.
#pragma once

#include <stdint.h>

// blkdev.disk_last_block_holds_the_pattern fills the disk's last block with
// this value, 512 times, and flushes: with --disk FILE, the final 4 KiB of
// FILE. The last block, because the guest's file system hands out blocks
// from the front and must never meet it.
inline constexpr uint64_t BLKDEV_SELFTEST_PATTERN = 0x5eed0000b10cd15cull;
