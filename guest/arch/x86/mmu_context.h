// Switching address spaces: the paravirtual CR3 load (Linux's switch_mm()).
#pragma once

struct mm_struct;

// Loads next's root on this CPU through HC_MMU_LOAD_CR3, unless it is already
// loaded, and moves this CPU from the old mm's cpumask to next's.
void switch_mm(mm_struct* next);

// Loads this CPU's current root again: a `mov cr3` of the same value, which
// drops every non-global TLB entry (SDM 4.10.4.1). switch_mm() skips that.
void reload_cr3();

// The mm whose root this CPU has loaded.
mm_struct* loaded_mm();
