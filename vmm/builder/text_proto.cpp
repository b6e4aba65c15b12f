// Protobuf TextFormat with errors turned into one-line ConfigErrors.
#include "vmm/builder/text_proto.h"

#include <fmt/format.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

// Keeps the first error only: later ones are usually consequences of it.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!first_) first_ = fmt::format("{}:{}: {}", line + 1, column + 1, message);
  }
  // Warnings (e.g. deprecated fields) do not stop the run; protobuf would print
  // them on its own log, which would break the one-line-per-error rule.
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

  [[nodiscard]] const std::optional<std::string>& first() const { return first_; }

 private:
  std::optional<std::string> first_;
};

}  // namespace

void parse_text_proto(std::string_view text, std::string_view source, std::string_view kind,
                      google::protobuf::Message& message) {
  // TextFormat takes an int length; a manifest or schedule is a few pages,
  // so anything near that limit is certainly not one.
  if (text.size() > (64u << 20))
    throw ConfigError(fmt::format("{}: too large for a {} ({} bytes)", source, kind, text.size()));

  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  const bool ok = parser.ParseFromString(std::string(text), &message);
  if (!ok || errors.first())
    throw ConfigError(
        fmt::format("{}:{}", source, errors.first().value_or(fmt::format("0:0: not a valid {}", kind))));
}

std::string read_text_file(const std::filesystem::path& path, std::string_view kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ConfigError(fmt::format("cannot read {} '{}': {}", kind, path.string(), std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace shadowtlb::vmm
