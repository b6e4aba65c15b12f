// Parsing and naming the TLB-model options; one table per option.
#include "vmm/builder/mmu_settings.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

// A day's worth of entries is far past any real TLB; the bound catches typos.
constexpr std::int64_t kMaxCapacity = 1 << 20;

constexpr std::array<std::pair<std::string_view, mmu::EvictPolicy>, 2> kEvict = {{
    {"lru", mmu::EvictPolicy::lru},
    {"random", mmu::EvictPolicy::random},
}};
constexpr std::array<std::pair<std::string_view, mmu::EnforcePolicy>, 2> kEnforce = {{
    {"none", mmu::EnforcePolicy::none},
    {"dirty-shootdown", mmu::EnforcePolicy::dirty_shootdown},
}};

template <typename Table>
auto lookup(const Table& table, std::string_view text, std::string_view what) {
  for (const auto& [name, value] : table)
    if (name == text) return value;
  std::string choices;
  for (const auto& entry : table) choices += fmt::format("{}{}", choices.empty() ? "" : ", ", entry.first);
  throw ConfigError(fmt::format("{} '{}': expected one of {}", what, text, choices));
}

template <typename Table, typename Value>
std::string_view name_of(const Table& table, Value value) {
  for (const auto& [name, v] : table)
    if (v == value) return name;
  return "?";
}

}  // namespace

void apply_tlb_mode(std::string_view text, std::string_view what, MmuOptions& mmu) {
  if (text == "off") {
    mmu.shadow = false;
    return;
  }
  mmu.shadow = true;
  if (text == "architectural")
    mmu.mode = mmu::TlbMode::architectural;
  else if (text == "coherent")
    mmu.mode = mmu::TlbMode::coherent;
  else
    throw ConfigError(
        fmt::format("{} '{}': expected one of architectural, coherent, off", what, text));
}

mmu::EvictPolicy parse_evict_policy(std::string_view text, std::string_view what) {
  return lookup(kEvict, text, what);
}

mmu::EnforcePolicy parse_enforce_policy(std::string_view text, std::string_view what) {
  return lookup(kEnforce, text, what);
}

std::size_t checked_tlb_capacity(std::int64_t entries, std::string_view what) {
  if (entries < 0 || entries > kMaxCapacity)
    throw ConfigError(fmt::format("{} {}: the TLB capacity must be between 0 (unlimited) and {}",
                                  what, entries, kMaxCapacity));
  return static_cast<std::size_t>(entries);
}

std::string_view tlb_mode_name(const MmuOptions& mmu) {
  if (!mmu.shadow) return "off";
  return mmu.mode == mmu::TlbMode::coherent ? "coherent" : "architectural";
}

std::string_view evict_policy_name(mmu::EvictPolicy policy) { return name_of(kEvict, policy); }

std::string_view enforce_policy_name(mmu::EnforcePolicy policy) {
  return name_of(kEnforce, policy);
}

}  // namespace shadowtlb::vmm
