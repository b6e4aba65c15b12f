// The machine-readable summary `run --json` prints: exactly one JSON object on stdout.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "vmm/builder/vm_config.h"
#include "vmm/cli/exit_codes.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm::cli {

// Objects keep their fields in the documented order, for people reading them.
using Json = nlohmann::ordered_json;

// A finished run (docs/cli.md lists the fields). 64-bit guest addresses and
// registers are hex strings: JSON readers often hold numbers as doubles.
[[nodiscard]] Json run_summary_json(const VmConfig& config, const RunResult& result);

// An error before or instead of a run: result "error", the exit code and the
// message; `image` is the `run` argument (may be empty).
[[nodiscard]] Json error_summary_json(std::string_view image, ExitCode exit_code,
                                                std::string_view message);

// The summary as printed: indented, newline-terminated. Guest-supplied strings
// that are not valid UTF-8 are replaced rather than making the dump throw.
[[nodiscard]] std::string dump_summary(const Json& summary);

}  // namespace shadowtlb::vmm::cli
