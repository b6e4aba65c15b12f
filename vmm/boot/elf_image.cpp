// Parsing and validating an ELF64 x86-64 guest image before any of it reaches KVM.
//
// The input is untrusted (any file a user passes to `shadowtlb run`): every
// offset and size is checked for overflow before use, headers are copied out
// with memcpy (the file need not be aligned), and each failure is one line.
#include "vmm/boot/elf_image.h"

#include <elf.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "abi/memory_layout.h"
#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

// a + b, or false when it does not fit in 64 bits.
bool checked_add(std::uint64_t a, std::uint64_t b, std::uint64_t& sum) {
  return !__builtin_add_overflow(a, b, &sum);
}

// True when [offset, offset + size) lies inside a file of file_size bytes.
bool inside_file(std::uint64_t offset, std::uint64_t size, std::size_t file_size) {
  std::uint64_t end = 0;
  return checked_add(offset, size, end) && end <= file_size;
}

template <typename T>
T read_struct(std::span<const std::byte> file, std::uint64_t offset) {
  T value;
  std::memcpy(&value, file.data() + offset, sizeof(T));
  return value;
}

std::string machine_name(Elf64_Half machine) {
  switch (machine) {
    case EM_386: return "i386";
    case EM_ARM: return "32-bit ARM";
    case EM_AARCH64: return "AArch64";
    case EM_RISCV: return "RISC-V";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "s390";
    case EM_MIPS: return "MIPS";
    default: return fmt::format("machine {}", machine);
  }
}

std::string type_name(Elf64_Half type) {
  switch (type) {
    case ET_NONE: return "ET_NONE";
    case ET_REL: return "ET_REL (an object file, not linked)";
    case ET_DYN: return "ET_DYN (a shared object or PIE)";
    case ET_CORE: return "ET_CORE (a core dump)";
    default: return fmt::format("type {}", type);
  }
}

// Human size for messages: "64 MiB", "1 GiB", or plain bytes when not round.
std::string size_text(std::uint64_t bytes) {
  constexpr std::uint64_t kib = 1024, mib = kib * 1024, gib = mib * 1024;
  if (bytes != 0 && bytes % gib == 0) return fmt::format("{} GiB", bytes / gib);
  if (bytes != 0 && bytes % mib == 0) return fmt::format("{} MiB", bytes / mib);
  if (bytes != 0 && bytes % kib == 0) return fmt::format("{} KiB", bytes / kib);
  return fmt::format("{} bytes", bytes);
}

std::string segment_text(const ElfSegment& segment) {
  return fmt::format("image segment {} [{:#x}, {:#x})", segment.index, segment.paddr.value(),
                     segment.paddr.value() + segment.mem_size);
}

// The boot tables map RAM at three virtual bases (abi/memory_layout.h); a
// segment linked anywhere else would run on addresses nothing maps.
bool vaddr_is_boot_alias(std::uint64_t vaddr, std::uint64_t paddr, std::uint64_t mem_size) {
  for (std::uint64_t base : {std::uint64_t{0}, abi::DIRECT_MAP_BASE, abi::KERNEL_BASE}) {
    std::uint64_t alias = 0, alias_end = 0;
    if (checked_add(base, paddr, alias) && alias == vaddr && checked_add(alias, mem_size, alias_end))
      return true;
  }
  return false;
}

void check_header(std::span<const std::byte> file, const Elf64_Ehdr& header) {
  const unsigned char* ident = header.e_ident;
  if (ident[EI_CLASS] != ELFCLASS64)
    throw ImageError(ident[EI_CLASS] == ELFCLASS32
                         ? "not a 64-bit ELF: the image is ELFCLASS32; guest images must be ELF64"
                         : fmt::format("not a 64-bit ELF: unknown ELF class {}", ident[EI_CLASS]));
  if (ident[EI_DATA] != ELFDATA2LSB)
    throw ImageError("not a little-endian ELF: x86-64 guest images are ELFDATA2LSB");
  if (ident[EI_VERSION] != EV_CURRENT || header.e_version != EV_CURRENT)
    throw ImageError(fmt::format("unsupported ELF version {}", header.e_version));
  if (header.e_machine != EM_X86_64)
    throw ImageError(fmt::format("not an x86-64 image: ELF machine is {} ({})",
                                 machine_name(header.e_machine), header.e_machine));
  if (header.e_type != ET_EXEC)
    throw ImageError(fmt::format("ELF type is {}; a guest image must be ET_EXEC, linked at fixed "
                                 "addresses", type_name(header.e_type)));
  if (header.e_phnum == 0) throw ImageError("ELF has no program headers, so nothing to load");
  if (header.e_phnum == PN_XNUM)
    throw ImageError("ELF uses extended program header numbering (PN_XNUM), not supported");
  if (header.e_phentsize != sizeof(Elf64_Phdr))
    throw ImageError(fmt::format("ELF program header entry size is {}, expected {}",
                                 header.e_phentsize, sizeof(Elf64_Phdr)));
  if (!inside_file(header.e_phoff, std::uint64_t{header.e_phnum} * sizeof(Elf64_Phdr), file.size()))
    throw ImageError(fmt::format("truncated ELF: the program header table ({} entries at offset "
                                 "{:#x}) runs past the end of the {}-byte file",
                                 header.e_phnum, header.e_phoff, file.size()));
}

ElfSegment load_segment(std::span<const std::byte> file, const Elf64_Phdr& phdr, unsigned index) {
  if (!inside_file(phdr.p_offset, phdr.p_filesz, file.size()))
    throw ImageError(fmt::format("truncated ELF: segment {} (file offset {:#x}, {} bytes) runs "
                                 "past the end of the {}-byte file",
                                 index, phdr.p_offset, phdr.p_filesz, file.size()));
  if (phdr.p_filesz > phdr.p_memsz)
    throw ImageError(fmt::format("ELF segment {} has more file bytes ({:#x}) than memory ({:#x})",
                                 index, phdr.p_filesz, phdr.p_memsz));
  std::uint64_t end = 0;
  if (!checked_add(phdr.p_paddr, phdr.p_memsz, end))
    throw ImageError(fmt::format("ELF segment {} wraps around the physical address space", index));
  if (!vaddr_is_boot_alias(phdr.p_vaddr, phdr.p_paddr, phdr.p_memsz))
    throw ImageError(fmt::format(
        "ELF segment {} is linked at {:#x} for physical {:#x}; the boot tables map only "
        "va = pa, va = {:#x} + pa and va = {:#x} + pa (abi/memory_layout.h)",
        index, phdr.p_vaddr, phdr.p_paddr, abi::DIRECT_MAP_BASE, abi::KERNEL_BASE));

  ElfSegment segment;
  segment.index = index;
  segment.paddr = GuestPhysAddr(phdr.p_paddr);
  segment.vaddr = GuestVirtAddr(phdr.p_vaddr);
  segment.file_bytes = file.subspan(phdr.p_offset, phdr.p_filesz);
  segment.mem_size = phdr.p_memsz;
  segment.executable = (phdr.p_flags & PF_X) != 0;
  segment.writable = (phdr.p_flags & PF_W) != 0;
  return segment;
}

void check_no_overlap(std::vector<ElfSegment> segments) {
  std::sort(segments.begin(), segments.end(),
            [](const ElfSegment& a, const ElfSegment& b) { return a.paddr < b.paddr; });
  for (std::size_t i = 1; i < segments.size(); ++i) {
    const ElfSegment& prev = segments[i - 1];
    if (prev.paddr.value() + prev.mem_size > segments[i].paddr.value())
      throw ImageError(fmt::format("ELF segments overlap: {} and {}", segment_text(prev),
                                   segment_text(segments[i])));
  }
}

void check_entry(const std::vector<ElfSegment>& segments, GuestVirtAddr entry) {
  for (const ElfSegment& segment : segments) {
    if (segment.executable && entry >= segment.vaddr && entry - segment.vaddr < segment.mem_size)
      return;
  }
  throw ImageError(
      fmt::format("ELF entry point {:#x} is not inside an executable segment", entry.value()));
}

}  // namespace

GuestPhysAddr ElfImage::end() const {
  GuestPhysAddr end_address(0);
  for (const ElfSegment& segment : segments)
    end_address = std::max(end_address, segment.paddr + segment.mem_size);
  return end_address.align_up(abi::PAGE_SIZE);
}

ElfImage parse_elf_image(std::span<const std::byte> file) {
  if (file.size() < SELFMAG || std::memcmp(file.data(), ELFMAG, SELFMAG) != 0)
    throw ImageError("not an ELF file (no ELF magic at the start)");
  if (file.size() < sizeof(Elf64_Ehdr))
    throw ImageError(fmt::format("truncated ELF: the file is {} bytes, shorter than the {}-byte "
                                 "ELF64 header", file.size(), sizeof(Elf64_Ehdr)));
  const auto header = read_struct<Elf64_Ehdr>(file, 0);
  check_header(file, header);

  ElfImage image;
  image.entry = GuestVirtAddr(header.e_entry);
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    const auto phdr = read_struct<Elf64_Phdr>(file, header.e_phoff + i * sizeof(Elf64_Phdr));
    // An empty PT_LOAD occupies nothing; linkers emit them for empty sections.
    if (phdr.p_type != PT_LOAD || phdr.p_memsz == 0) continue;
    image.segments.push_back(load_segment(file, phdr, i));
  }
  if (image.segments.empty()) throw ImageError("ELF has no PT_LOAD segment, so nothing to load");
  check_no_overlap(image.segments);
  check_entry(image.segments, image.entry);
  return image;
}

void check_image_placement(const ElfImage& image, std::uint64_t ram_bytes) {
  for (const ElfSegment& segment : image.segments) {
    const std::uint64_t start = segment.paddr.value();
    const std::uint64_t end = start + segment.mem_size;  // parse_elf_image ruled out a wrap
    if (start < abi::IMAGE_MIN_PHYS)
      throw ImageError(fmt::format("{} overlaps the VMM's reserved area ({:#x}..{:#x})",
                                   segment_text(segment), 0, abi::IMAGE_MIN_PHYS));
    if (end > abi::RAM_MAX)
      throw ImageError(fmt::format("{} lies above the largest guest RAM shadowtlb supports ({})",
                                   segment_text(segment), size_text(abi::RAM_MAX)));
    if (end > ram_bytes) {
      // Suggest a size in the unit people type; whole MiB are whole pages too.
      constexpr std::uint64_t mib = 1ull << 20;
      throw ImageError(fmt::format("{} lies outside guest RAM ({}); use --mem {}M or more",
                                   segment_text(segment), size_text(ram_bytes),
                                   (end + mib - 1) / mib));
    }
  }
}

}  // namespace shadowtlb::vmm
