// The console keeps each vCPU's line whole even when vCPUs interleave bytes.
#include "vmm/exits/serial_console.h"

#include <gtest/gtest.h>

#include <string_view>

#include "abi/hypercall.h"

namespace shadowtlb::vmm {
namespace {

void put(SerialConsole& c, unsigned vcpu, std::string_view text) {
  for (char ch : text) c.port_write(vcpu, abi::SERIAL_COM1, static_cast<std::uint8_t>(ch));
}

TEST(SerialConsole, InterleavedVcpusGiveWholeLines) {
  SerialConsole console(nullptr, 2);
  put(console, 0, "hello ");
  put(console, 1, "other\n");
  put(console, 0, "world\r\n");
  EXPECT_EQ(console.captured_lines(), (std::vector<std::string>{"other", "hello world"}));
}

TEST(SerialConsole, FlushEmitsPartialLines) {
  SerialConsole console(nullptr, 1);
  put(console, 0, "no newline");
  console.flush();
  EXPECT_EQ(console.captured_lines(), (std::vector<std::string>{"no newline"}));
}

TEST(SerialConsole, EndlessLineIsCut) {
  SerialConsole console(nullptr, 1);
  put(console, 0, std::string(10000, 'x'));
  EXPECT_EQ(console.captured_lines().size(), 2u);
}

TEST(SerialConsole, LineStatusSaysReadyAndOtherPortsAreIgnored) {
  SerialConsole console(nullptr, 1);
  EXPECT_EQ(console.port_read(abi::SERIAL_COM1 + 5) & 0x20, 0x20);
  console.port_write(0, abi::SERIAL_COM1 + 3, 'x');  // line control: not text
  console.port_write(7, abi::SERIAL_COM1, 'x');      // no such vCPU: ignored
  console.flush();
  EXPECT_TRUE(console.captured_lines().empty());
}

}  // namespace
}  // namespace shadowtlb::vmm
