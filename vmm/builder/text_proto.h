// Reading protobuf text format (manifests, schedules) with one-line errors.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

namespace shadowtlb::vmm {

// Parses `text` into `message`. `source` names it in errors: a ConfigError
// reads "<source>:<line>:<column>: <protobuf's reason>", lines counted from
// 1. `kind` says what the text should be ("manifest", "schedule").
void parse_text_proto(std::string_view text, std::string_view source, std::string_view kind,
                      google::protobuf::Message& message);

// The whole file at `path`; a file that cannot be read is a ConfigError
// ("cannot read <kind> '<path>': <reason>").
[[nodiscard]] std::string read_text_file(const std::filesystem::path& path, std::string_view kind);

}  // namespace shadowtlb::vmm
