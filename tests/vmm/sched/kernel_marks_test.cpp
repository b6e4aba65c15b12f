// abi/marks.h lists every mark the guest kernel sends: a mark added to guest/
// without it would make every schedule naming it fail validation.
#include "abi/marks.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace shadowtlb {
namespace {

namespace fs = std::filesystem;

#ifndef SHADOWTLB_SOURCE_DIR
#error "SHADOWTLB_SOURCE_DIR must name the source tree (tests/vmm/CMakeLists.txt)"
#endif

// Every string literal passed to mark(...) in guest/, including both arms of
// a conditional (kernel/signal.cpp).
std::set<std::string> marks_in_guest_sources() {
  const std::regex call(R"(\bmark\(([^;]*)\);)");
  const std::regex literal(R"re("([^"]+)")re");
  std::set<std::string> marks;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(SHADOWTLB_SOURCE_DIR) / "guest")) {
    const auto ext = entry.path().extension();
    if (ext != ".cpp" && ext != ".h") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (std::sregex_iterator m(source.begin(), source.end(), call), end; m != end; ++m) {
      const std::string args = (*m)[1];
      for (std::sregex_iterator l(args.begin(), args.end(), literal); l != end; ++l)
        marks.insert((*l)[1]);
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
