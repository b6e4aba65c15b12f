// Memory sizes: strict parsing (a typo must not silently become a tiny VM) and printing.
#include "vmm/builder/size.h"

#include <fmt/format.h>

#include <cctype>

#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

// Binary shift of a unit letter, or -1 when the letter is not a unit.
int unit_shift(char letter) {
  switch (std::tolower(static_cast<unsigned char>(letter))) {
    case 'k': return 10;
    case 'm': return 20;
    case 'g': return 30;
    case 't': return 40;
    default: return -1;
  }
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

std::uint64_t parse_size(std::string_view text, std::string_view what) {
  auto invalid = [&] {
    return ConfigError(fmt::format("{} '{}': not a size (write bytes, or a number with K, M, G "
                                   "or T, e.g. 64M)", what, text));
  };
  std::size_t digits = 0;
  std::uint64_t number = 0;
  bool overflow = false;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    overflow |= __builtin_mul_overflow(number, 10u, &number);
    overflow |= __builtin_add_overflow(number, static_cast<unsigned>(text[digits] - '0'), &number);
    ++digits;
  }
  if (digits == 0) throw invalid();

  std::string_view rest = text.substr(digits);
  int shift = 0;
  if (!rest.empty()) {
    shift = unit_shift(rest.front());
    if (shift < 0) throw invalid();
    rest.remove_prefix(1);
    if (!rest.empty() && !equals_ignoring_case(rest, "b") && !equals_ignoring_case(rest, "ib"))
      throw invalid();
  }
  if (overflow || (shift > 0 && number > (~std::uint64_t{0} >> shift)))
    throw ConfigError(fmt::format("{} '{}': too large", what, text));
  if (number == 0) throw ConfigError(fmt::format("{} '{}': must be greater than zero", what, text));
  return number << shift;
}

std::string format_size(std::uint64_t bytes) {
  static constexpr struct {
    int shift;
    const char* unit;
  } units[] = {{40, "TiB"}, {30, "GiB"}, {20, "MiB"}, {10, "KiB"}};
  for (const auto& u : units) {
    const std::uint64_t unit_bytes = std::uint64_t{1} << u.shift;
    if (bytes != 0 && bytes % unit_bytes == 0) return fmt::format("{} {}", bytes >> u.shift, u.unit);
  }
  return fmt::format("{} bytes", bytes);
}

}  // namespace shadowtlb::vmm
