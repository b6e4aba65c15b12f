// ELF64 guest image parsing and placement: good images load, every bad one is one clear line.
#include "vmm/boot/elf_image.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "abi/memory_layout.h"
#include "vmm/boot/elf_builder.h"
#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

using test::ElfBuilder;
using test::TestSegment;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::uint64_t kMiB = 1ull << 20;

// The ImageError message parse_elf_image throws for `file`, or "" if it parses.
std::string parse_error(const std::vector<std::byte>& file) {
  try {
    (void)parse_elf_image(file);
    return "";
  } catch (const ImageError& e) {
    return e.what();
  }
}

std::string placement_error(const std::vector<std::byte>& file, std::uint64_t ram) {
  const ElfImage image = parse_elf_image(file);
  try {
    check_image_placement(image, ram);
    return "";
  } catch (const ImageError& e) {
    return e.what();
  }
}

TEST(ElfImage, ParsesMinimalImage) {
  const auto file = ElfBuilder::minimal().build();
  const ElfImage image = parse_elf_image(file);
  EXPECT_EQ(image.entry, GuestVirtAddr(0x100000));
  ASSERT_EQ(image.segments.size(), 1u);
  const ElfSegment& s = image.segments[0];
  EXPECT_EQ(s.index, 0u);
  EXPECT_EQ(s.paddr, GuestPhysAddr(0x100000));
  EXPECT_EQ(s.vaddr, GuestVirtAddr(0x100000));
  EXPECT_EQ(s.mem_size, 0x1000u);
  EXPECT_EQ(s.file_bytes.size(), test::exit_zero_code().size());
  EXPECT_EQ(static_cast<std::uint8_t>(s.file_bytes[0]), 0x31);
  EXPECT_TRUE(s.executable);
  EXPECT_FALSE(s.writable);
  EXPECT_EQ(image.end(), GuestPhysAddr(0x101000));
  EXPECT_NO_THROW(check_image_placement(image, 64 * kMiB));
}

TEST(ElfImage, AcceptsEveryBootTableAlias) {
  for (std::uint64_t base : {std::uint64_t{0}, abi::DIRECT_MAP_BASE, abi::KERNEL_BASE}) {
    ElfBuilder b;
    b.segment({base + 0x200000, 0x200000, 16, 0x3000, PF_R | PF_X, PT_LOAD, {0xf4}})
        .segment({base + 0x300000, 0x300000, 0, 0x5000, PF_R | PF_W, PT_LOAD, {}})
        .entry(base + 0x200000);
    const ElfImage image = parse_elf_image(b.build());
    EXPECT_EQ(image.segments.size(), 2u);
    EXPECT_EQ(image.end(), GuestPhysAddr(0x305000));
    EXPECT_TRUE(image.segments[1].writable);
  }
}

TEST(ElfImage, IgnoresNonLoadAndEmptySegments) {
  ElfBuilder b = ElfBuilder::minimal();
  b.segment({0, 0, 0, 0, PF_R, PT_NOTE, {}});
  b.segment({0x400000, 0x400000, 0, 0, PF_R, PT_LOAD, {}});
  const ElfImage image = parse_elf_image(b.build());
  ASSERT_EQ(image.segments.size(), 1u);
}

TEST(ElfImage, RejectsNonElf) {
  EXPECT_THAT(parse_error({}), HasSubstr("not an ELF file"));
  std::vector<std::byte> text(100, std::byte{'a'});
  EXPECT_THAT(parse_error(text), HasSubstr("not an ELF file"));
}

TEST(ElfImage, RejectsTruncatedHeader) {
  auto file = ElfBuilder::minimal().build();
  file.resize(40);
  EXPECT_THAT(parse_error(file), HasSubstr("truncated ELF: the file is 40 bytes"));
}

TEST(ElfImage, RejectsTruncatedProgramHeaderTable) {
  auto file = ElfBuilder::minimal().build();
  file.resize(sizeof(Elf64_Ehdr) + 20);
  EXPECT_THAT(parse_error(file), HasSubstr("program header table"));
}

TEST(ElfImage, RejectsTruncatedSegment) {
  auto file = ElfBuilder::minimal().build();
  file.pop_back();
  EXPECT_THAT(parse_error(file), HasSubstr("truncated ELF: segment 0"));
}

TEST(ElfImage, RejectsElfClass32) {
  ElfBuilder b = ElfBuilder::minimal();
  b.header().e_ident[EI_CLASS] = ELFCLASS32;
  EXPECT_THAT(parse_error(b.build()), HasSubstr("ELFCLASS32"));
}

TEST(ElfImage, RejectsBigEndian) {
  ElfBuilder b = ElfBuilder::minimal();
  b.header().e_ident[EI_DATA] = ELFDATA2MSB;
  EXPECT_THAT(parse_error(b.build()), HasSubstr("little-endian"));
}

TEST(ElfImage, RejectsOtherMachines) {
  ElfBuilder b = ElfBuilder::minimal();
  b.header().e_machine = EM_AARCH64;
  EXPECT_EQ(parse_error(b.build()), "not an x86-64 image: ELF machine is AArch64 (183)");
  b.header().e_machine = EM_386;
  EXPECT_THAT(parse_error(b.build()), HasSubstr("i386"));
}

TEST(ElfImage, RejectsSharedObjectsAndRelocatables) {
  ElfBuilder b = ElfBuilder::minimal();
  b.header().e_type = ET_DYN;
  EXPECT_THAT(parse_error(b.build()), HasSubstr("ET_DYN"));
  b.header().e_type = ET_REL;
  EXPECT_THAT(parse_error(b.build()), HasSubstr("must be ET_EXEC"));
}

TEST(ElfImage, RejectsBadVersionAndEntrySize) {
  ElfBuilder b = ElfBuilder::minimal();
  b.header().e_version = 7;
  EXPECT_THAT(parse_error(b.build()), HasSubstr("ELF version"));
  b = ElfBuilder::minimal();
  b.header().e_phentsize = 32;
  EXPECT_THAT(parse_error(b.build()), HasSubstr("entry size is 32"));
}

TEST(ElfImage, RejectsNoLoadSegment) {
  ElfBuilder b;
  b.segment({0, 0, 0, 0, PF_R, PT_NOTE, {}}).entry(0x100000);
  EXPECT_THAT(parse_error(b.build()), HasSubstr("no PT_LOAD"));
  EXPECT_THAT(parse_error(ElfBuilder().entry(0x100000).build()), HasSubstr("no program headers"));
}

TEST(ElfImage, RejectsFileSizeAboveMemSize) {
  ElfBuilder b;
  b.segment({0x100000, 0x100000, 0x20, 0x10, PF_R | PF_X, PT_LOAD, {0xf4}}).entry(0x100000);
  EXPECT_THAT(parse_error(b.build()), HasSubstr("more file bytes"));
}

TEST(ElfImage, RejectsOverlappingSegments) {
  ElfBuilder b = ElfBuilder::minimal();
  b.segment({abi::KERNEL_BASE + 0x100800, 0x100800, 0, 0x1000, PF_R | PF_W, PT_LOAD, {}});
  EXPECT_EQ(parse_error(b.build()),
            "ELF segments overlap: image segment 0 [0x100000, 0x101000) and image segment 1 "
            "[0x100800, 0x101800)");
}

TEST(ElfImage, RejectsVaddrThatIsNoBootAlias) {
  ElfBuilder b;
  b.segment({0x400000, 0x100000, 1, 0x1000, PF_R | PF_X, PT_LOAD, {0xf4}}).entry(0x400000);
  EXPECT_THAT(parse_error(b.build()), HasSubstr("boot tables map only"));
}

TEST(ElfImage, RejectsEntryOutsideCode) {
  ElfBuilder b = ElfBuilder::minimal();
  b.entry(0x200000);
  EXPECT_EQ(parse_error(b.build()), "ELF entry point 0x200000 is not inside an executable segment");
  // Inside a segment, but a non-executable one.
  b = ElfBuilder::minimal();
  b.segment({0x200000, 0x200000, 0, 0x1000, PF_R | PF_W, PT_LOAD, {}}).entry(0x200010);
  EXPECT_THAT(parse_error(b.build()), HasSubstr("not inside an executable segment"));
}

TEST(ElfImage, RejectsAddressWraparound) {
  ElfBuilder b = ElfBuilder::minimal();
  b.segment({0xfffffffffffff000, 0xfffffffffffff000, 0, 0x2000, PF_R, PT_LOAD, {}});
  EXPECT_THAT(parse_error(b.build()), HasSubstr("wraps around"));
  // KERNEL_BASE + pa overflows for large pa: no alias can name it.
  ElfBuilder c = ElfBuilder::minimal();
  c.segment({0x1000, 0x100000000, 0, 0x1000, PF_R, PT_LOAD, {}});
  EXPECT_THAT(parse_error(c.build()), HasSubstr("boot tables map only"));
}

TEST(ElfImage, PlacementRejectsSegmentOutsideRam) {
  ElfBuilder b;
  b.segment({0x100000, 0x100000, 1, 0x4f00000, PF_R | PF_X, PT_LOAD, {0xf4}}).entry(0x100000);
  EXPECT_EQ(placement_error(b.build(), 64 * kMiB),
            "image segment 0 [0x100000, 0x5000000) lies outside guest RAM (64 MiB); use --mem 80M "
            "or more");
  EXPECT_EQ(placement_error(b.build(), 80 * kMiB), "");
}

TEST(ElfImage, PlacementRejectsReservedLowMemory) {
  ElfBuilder b;
  b.segment({0x8000, 0x8000, 1, 0x1000, PF_R | PF_X, PT_LOAD, {0xf4}}).entry(0x8000);
  EXPECT_EQ(placement_error(b.build(), 64 * kMiB),
            "image segment 0 [0x8000, 0x9000) overlaps the VMM's reserved area (0x0..0x100000)");
}

TEST(ElfImage, PlacementRejectsSegmentAboveLargestRam) {
  ElfBuilder b = ElfBuilder::minimal();
  b.segment({0x1000000000000, 0x1000000000000, 0, 0x1000, PF_R, PT_LOAD, {}});
  EXPECT_THAT(placement_error(b.build(), 64 * kMiB), HasSubstr("above the largest guest RAM"));
}

// Hostile input: every truncation and many random corruptions of a valid image
// must end in a parse or an ImageError, never in a crash (ASan/UBSan builds).
TEST(ElfImage, SurvivesTruncationsAndCorruption) {
  ElfBuilder b = ElfBuilder::minimal();
  b.segment({abi::KERNEL_BASE + 0x200000, 0x200000, 64, 0x2000, PF_R | PF_W, PT_LOAD, {1, 2, 3}});
  const auto good = b.build();
  for (std::size_t n = 0; n < good.size(); ++n) {
    const std::vector<std::byte> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_THAT(parse_error(cut), Not(""));
  }
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 20000; ++round) {
    auto bad = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) bad[rng() % bad.size()] = static_cast<std::byte>(rng());
    if (rng() % 4 == 0) bad.resize(rng() % bad.size());
    try {
      const ElfImage image = parse_elf_image(bad);
      check_image_placement(image, 64 * kMiB);
      for (const ElfSegment& s : image.segments) {
        // Spans must stay inside the file they alias.
        ASSERT_GE(s.file_bytes.data(), bad.data());
        ASSERT_LE(s.file_bytes.data() + s.file_bytes.size(), bad.data() + bad.size());
      }
    } catch (const ImageError& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace shadowtlb::vmm
