// Test helper: builds small ELF64 files in memory, valid or broken on purpose.
#pragma once

#include <elf.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace shadowtlb::test {

// A PT_LOAD segment to emit; its file bytes are `code` padded with zeros to filesz.
struct TestSegment {
  std::uint64_t vaddr = 0;
  std::uint64_t paddr = 0;
  std::uint64_t filesz = 0;
  std::uint64_t memsz = 0;
  std::uint32_t flags = PF_R;
  std::uint32_t type = PT_LOAD;
  std::vector<std::uint8_t> code;
};

// A guest that exits at once with status 0: HC_EXIT through `outl %eax, $0xe0`
// (abi/hypercall.h), then halts if the VMM ever resumes it.
inline std::vector<std::uint8_t> exit_zero_code() {
  return {0x31, 0xff,                    // xor %edi, %edi      status 0
          0xb8, 0x00, 0x00, 0x00, 0x00,  // mov $HC_EXIT, %eax
          0xe7, 0xe0,                    // out %eax, $0xe0
          0xf4,                          // hlt
          0xeb, 0xfd};                   // jmp back to hlt
}

class ElfBuilder {
 public:
  ElfBuilder() {
    std::memset(&header_, 0, sizeof(header_));
    std::memcpy(header_.e_ident, ELFMAG, SELFMAG);
    header_.e_ident[EI_CLASS] = ELFCLASS64;
    header_.e_ident[EI_DATA] = ELFDATA2LSB;
    header_.e_ident[EI_VERSION] = EV_CURRENT;
    header_.e_type = ET_EXEC;
    header_.e_machine = EM_X86_64;
    header_.e_version = EV_CURRENT;
    header_.e_ehsize = sizeof(Elf64_Ehdr);
    header_.e_phentsize = sizeof(Elf64_Phdr);
  }

  // One executable segment at 1 MiB (va = pa) holding exit_zero_code, entry at its start.
  static ElfBuilder minimal() {
    ElfBuilder b;
    const auto code = exit_zero_code();
    b.segment({0x100000, 0x100000, code.size(), 0x1000, PF_R | PF_X, PT_LOAD, code});
    b.entry(0x100000);
    return b;
  }

  ElfBuilder& segment(TestSegment s) {
    segments_.push_back(std::move(s));
    return *this;
  }
  ElfBuilder& entry(std::uint64_t va) {
    header_.e_entry = va;
    return *this;
  }
  Elf64_Ehdr& header() { return header_; }
  std::vector<TestSegment>& segments() { return segments_; }

  // Header, then the program header table, then each segment's bytes.
  [[nodiscard]] std::vector<std::byte> build() const {
    Elf64_Ehdr h = header_;
    h.e_phoff = sizeof(Elf64_Ehdr);
    h.e_phnum = static_cast<Elf64_Half>(segments_.size());
    std::uint64_t data_offset = h.e_phoff + segments_.size() * sizeof(Elf64_Phdr);

    std::vector<std::byte> out(data_offset);
    std::memcpy(out.data(), &h, sizeof(h));
    for (std::size_t i = 0; i < segments_.size(); ++i) {
      const TestSegment& s = segments_[i];
      Elf64_Phdr p{};
      p.p_type = s.type;
      p.p_flags = s.flags;
      p.p_offset = data_offset;
      p.p_vaddr = s.vaddr;
      p.p_paddr = s.paddr;
      p.p_filesz = s.filesz;
      p.p_memsz = s.memsz;
      p.p_align = 0x1000;
      std::memcpy(out.data() + h.e_phoff + i * sizeof(Elf64_Phdr), &p, sizeof(p));
      out.resize(data_offset + s.filesz);
      if (!s.code.empty())
        std::memcpy(out.data() + data_offset, s.code.data(), std::min<std::size_t>(s.code.size(), s.filesz));
      data_offset += s.filesz;
    }
    return out;
  }

 private:
  Elf64_Ehdr header_;
  std::vector<TestSegment> segments_;
};

}  // namespace shadowtlb::test
