// abi/marks.h lists every mark the guest kernel sends: a mark added to guest/
// without it would make every schedule naming it fail validation.
#include "abi/marks.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

namespace shadowtlb {
namespace {

namespace fs = std::filesystem;

#ifndef SHADOWTLB_SOURCE_DIR
#error "SHADOWTLB_SOURCE_DIR must name the source tree (tests/vmm/CMakeLists.txt)"
#endif

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// The string literals in one call's argument text, up to its ';'.
void insert_literals(std::string_view args, std::set<std::string>& into) {
  for (std::size_t open = args.find('"'); open != std::string_view::npos;) {
    const std::size_t close = args.find('"', open + 1);
    if (close == std::string_view::npos) return;
    if (close > open + 1) into.emplace(args.substr(open + 1, close - open - 1));
    open = args.find('"', close + 1);
  }
}

// Every string literal passed to mark(...) in guest/, including both arms of
// a conditional (kernel/signal.cpp). A hand scan rather than std::regex:
// libstdc++ 12's regex trips -Wmaybe-uninitialized under the sanitizer build.
std::set<std::string> marks_in_guest_sources() {
  std::set<std::string> marks;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(SHADOWTLB_SOURCE_DIR) / "guest")) {
    const auto ext = entry.path().extension();
    if (ext != ".cpp" && ext != ".h") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    constexpr std::string_view call = "mark(";
    for (std::size_t at = source.find(call); at != std::string::npos; at = source.find(call, at + 1)) {
      if (at > 0 && is_identifier_char(source[at - 1])) continue;  // e.g. mark_foo(, unmark(
      const std::size_t end = source.find(';', at);
      if (end == std::string::npos) break;
      insert_literals(std::string_view(source).substr(at + call.size(), end - at - call.size()), marks);
    }
  }
  return marks;
}

TEST(KernelMarksTest, EveryMarkInTheGuestKernelIsListed) {
  const std::set<std::string> listed(std::begin(abi::KERNEL_MARKS), std::end(abi::KERNEL_MARKS));
  const std::set<std::string> found = marks_in_guest_sources();
  ASSERT_GT(found.size(), 20u) << "the scan found almost no marks: is the pattern still right?";
  for (const std::string& mark : found)
    EXPECT_TRUE(listed.count(mark)) << "guest/ sends mark(\"" << mark << "\"), missing from abi/marks.h";
}

TEST(KernelMarksTest, EveryListedMarkIsSentSomewhere) {
  const std::set<std::string> found = marks_in_guest_sources();
  for (const char* mark : abi::KERNEL_MARKS)
    EXPECT_TRUE(found.count(mark)) << "abi/marks.h lists '" << mark << "', which guest/ never sends";
}

TEST(KernelMarksTest, TheListHasNoDuplicates) {
  const std::set<std::string> listed(std::begin(abi::KERNEL_MARKS), std::end(abi::KERNEL_MARKS));
  EXPECT_EQ(listed.size(), abi::KERNEL_MARK_COUNT);
}

}  // namespace
}  // namespace shadowtlb
