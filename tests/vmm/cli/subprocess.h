// Test helper: runs the shadowtlb binary and captures its exit code, stdout and stderr.
#pragma once

#include <string>
#include <vector>

namespace shadowtlb::test {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal if it was killed
  std::string out;
  std::string err;
};

// Runs `program` (a path, no PATH search) with `args` and stdin from /dev/null.
// Kills it after `timeout_s` seconds, so a hung binary fails the test instead
// of hanging it.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          int timeout_s = 60);

// $SHADOWTLB_BIN, set by shadowtlb_add_test (tests/CMakeLists.txt).
std::string shadowtlb_binary();

// Counts lines ('\n'-terminated; a last unterminated line counts too).
int count_lines(const std::string& text);

}  // namespace shadowtlb::test
