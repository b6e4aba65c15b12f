// Opening, covering and settling lost-dirty-bit verdicts (dirty_verdicts.h).
#include "dirty_verdicts.h"

namespace shadowtlb::mmu {

void DirtyVerdicts::open(const LostDirtyVerdict& verdict) {
  open_.try_emplace({verdict.key, verdict.frame.value()}, verdict);
}

void DirtyVerdicts::cover(const std::function<bool(Pfn)>& recorded_dirty) {
  for (auto it = open_.begin(); it != open_.end();) {
    if (recorded_dirty(it->second.frame))
      it = open_.erase(it);
    else
      ++it;
  }
}

void DirtyVerdicts::entry_removed(const EntryKey& key) {
  auto it = open_.lower_bound({key, 0});
  while (it != open_.end() && it->first.first == key) {
    due_.push_back(it->second);
    it = open_.erase(it);
  }
}

std::vector<LostDirtyVerdict> DirtyVerdicts::take_due() {
  std::vector<LostDirtyVerdict> out;
  out.swap(due_);
  return out;
}

std::vector<LostDirtyVerdict> DirtyVerdicts::take_open() {
  std::vector<LostDirtyVerdict> out;
  out.reserve(open_.size());
  for (auto& [slot, verdict] : open_) out.push_back(verdict);
  open_.clear();
  return out;
}

}  // namespace shadowtlb::mmu
