// Capstone wrapper: one instruction decoded, unreachable RIP explained.
#include "vmm/x86/disassembler.h"

#include <gtest/gtest.h>

#include "support/fake_phys_memory.h"

namespace shadowtlb::vmm {
namespace {

TEST(Disassembler, DecodesOneInstruction) {
  const std::uint8_t code[] = {0x48, 0x89, 0x18, 0x90};  // mov [rax], rbx; nop
  std::optional<Instruction> insn = disassemble(code, GuestVirtAddr(0x1000));
  ASSERT_TRUE(insn.has_value());
  EXPECT_EQ(insn->text, "mov qword ptr [rax], rbx");
  EXPECT_EQ(insn->length, 3);
  EXPECT_EQ(insn->bytes, "48 89 18");
}

TEST(Disassembler, GarbageIsNotAnInstruction) {
  const std::uint8_t code[] = {0x0f, 0xff};  // ud0 needs a ModRM byte
  EXPECT_FALSE(disassemble(std::span(code, 1), GuestVirtAddr(0)).has_value());
}

TEST(Disassembler, UnmappedRipIsExplained) {
  test::FakePhysMemory mem(1 << 20);
  std::string text = describe_instruction(mem, GuestPhysAddr(0x1000), GuestVirtAddr(0x400000));
  EXPECT_NE(text.find("not mapped"), std::string::npos) << text;
}

TEST(Disassembler, ReadsThroughThePageTables) {
  using x86::PageEntry;
  test::FakePhysMemory mem(1 << 20);
  mem.set_entry(GuestPhysAddr(0x1000), 0, PageEntry::table(GuestPhysAddr(0x2000), PageEntry::RW));
  mem.set_entry(GuestPhysAddr(0x2000), 0, PageEntry::table(GuestPhysAddr(0x3000), PageEntry::RW));
  mem.set_entry(GuestPhysAddr(0x3000), 0, PageEntry::huge_page(GuestPhysAddr(0), PageEntry::RW));
  ASSERT_TRUE(mem.write_u64(GuestPhysAddr(0x8000), 0x0b0f));  // ud2
  EXPECT_EQ(describe_instruction(mem, GuestPhysAddr(0x1000), GuestVirtAddr(0x8000)),
            "ud2  (0f 0b)");
}

}  // namespace
}  // namespace shadowtlb::vmm
