// What the guest did with one block device during a run, for the summaries and tests.
#pragma once

#include <cstdint>

namespace shadowtlb::vmm {

// Completed requests only: a refused one (out of range, host I/O error) counts nowhere.
struct BlockStats {
  std::uint64_t read_calls = 0;
  std::uint64_t write_calls = 0;
  std::uint64_t flush_calls = 0;
  std::uint64_t blocks_read = 0;
  std::uint64_t blocks_written = 0;
};

}  // namespace shadowtlb::vmm
