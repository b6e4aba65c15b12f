// Every vCPU's TLB at any step of a trace, for the report page: the trace
// reader's tlbs_at (vmm/trace/tlb_reconstruction.cpp) in JavaScript. report.js uses it.
'use strict';

// `data` is the page's trace JSON (vmm/report/report_data.h). Returns
// { vcpuCount, keyOf, emptyState, tlbsAt }.
function makeTlbReplay(data) {
  const RECORDS = data.records;
  const FLUSH_ALL = (1n << 64n) - 1n;
  const PAGE_4K = 0x1000n;
  const CHECKPOINT_EVERY = 256;
  const big = (hex) => (hex === undefined ? 0n : BigInt(hex));

  // Start from the last snapshot taken at or before the step (by model event
  // number), or from empty TLBs, then replay the model's records since, as the
  // shadow MMU changed its TLBs (VMM records, seq 0, change none):
  //   tlb_fill            add the entry
  //   dirty_upgrade       the entries covering gva leave; `entry` takes their place
  //   stale               the entry's state changes (stale, or current again)
  //   evict, enforce, spurious_fault, guest_fault with an entry: the entry leaves
  //   flush_local, flush_remote: entries overlapping the pages [gva, gva + npages
  //                       pages) leave, gva rounded down to its page as INVLPG
  //                       does; npages = 2^64-1: every non-global entry
  //   cr3_load            every non-global entry leaves (MOV CR3 without PCIDs, SDM 4.10.4.1)

  // header.vcpus, or more if a record or snapshot names a higher vCPU (a loop: a
  // spread of every record into Math.max would overflow the stack on long traces).
  let vcpuCount = Math.max(data.header.vcpus || 0, 1);
  for (const r of RECORDS) vcpuCount = Math.max(vcpuCount, r.vcpu + 1);
  for (const s of data.snapshots) for (const t of s.tlbs) vcpuCount = Math.max(vcpuCount, t.vcpu + 1);

  const keyOf = (entry) => entry.va + '/' + entry.page_size;
  function emptyState() { return Array.from({ length: vcpuCount }, () => new Map()); }
  function cloneState(state) { return state.map((tlb) => new Map(tlb)); }
  function dropRange(tlb, start, end) {
    for (const [key, entry] of tlb) {
      const va = big(entry.va);
      if (va < end && va + big(entry.page_size) > start) tlb.delete(key);
    }
  }
  function dropNonGlobal(tlb) {
    for (const [key, entry] of tlb) if (!entry.global) tlb.delete(key);
  }
  function flush(tlb, r) {
    const npages = big(r.npages);
    if (npages === FLUSH_ALL) { dropNonGlobal(tlb); return; }
    const start = big(r.gva) - (big(r.gva) % PAGE_4K);
    let end = start + npages * PAGE_4K;
    if (end > FLUSH_ALL) end = FLUSH_ALL;
    dropRange(tlb, start, end);
  }
  function apply(state, r) {
    const tlb = state[r.vcpu];
    const e = r.entry;
    switch (r.kind) {
      case 'tlb_fill': if (e) tlb.set(keyOf(e), e); break;
      case 'dirty_upgrade': {
        const va = big(r.gva);
        dropRange(tlb, va, va + 1n);
        if (e) tlb.set(keyOf(e), e);
        break;
      }
      case 'stale': if (e) tlb.set(keyOf(e), e); break;
      case 'evict': case 'enforce': case 'spurious_fault': case 'guest_fault':
        if (e) tlb.delete(keyOf(e));
        break;
      case 'flush_local': case 'flush_remote': flush(tlb, r); break;
      case 'cr3_load': dropNonGlobal(tlb); break;
      default: break;
    }
  }
  function snapshotState(snapshot) {
    const state = emptyState();
    for (const t of snapshot.tlbs) for (const e of t.entries) state[t.vcpu].set(keyOf(e), e);
    return state;
  }
  // seqReached[i]: the model event number the TLBs have reached at record i.
  const seqReached = [];
  RECORDS.reduce((last, r) => { const now = r.seq || last; seqReached.push(now); return now; }, 0);
  function baseSnapshot(index) {
    let base = -1;
    data.snapshots.forEach((s, k) => {
      if (s.after_seq <= seqReached[index] && (base < 0 || s.after_seq >= data.snapshots[base].after_seq)) base = k;
    });
    return base;
  }
  // Per base snapshot (-1: none), states after the first p records, every CHECKPOINT_EVERY records.
  const checkpoints = new Map();
  function stateAt(index) {
    const base = baseSnapshot(index);
    const from = base >= 0 ? data.snapshots[base].after_seq : 0;
    let saved = checkpoints.get(base);
    if (!saved) {
      saved = new Map([[0, base >= 0 ? snapshotState(data.snapshots[base]) : emptyState()]]);
      checkpoints.set(base, saved);
    }
    let start = 0;
    for (const p of saved.keys()) if (p <= index + 1 && p > start) start = p;
    const state = cloneState(saved.get(start));
    for (let i = start; i <= index; ++i) {
      const r = RECORDS[i];
      if (r.seq && r.seq > from) apply(state, r);
      if ((i + 1) % CHECKPOINT_EVERY === 0 && !saved.has(i + 1)) saved.set(i + 1, cloneState(state));
    }
    return state;
  }
  const byVa = (a, b) => {
    const x = big(a.va); const y = big(b.va);
    if (x !== y) return x < y ? -1 : 1;
    const p = big(a.page_size); const q = big(b.page_size);
    return p < q ? -1 : p > q ? 1 : 0;
  };
  // Every vCPU's TLB just after RECORDS[index], entries sorted by va.
  function tlbsAt(index) { return stateAt(index).map((tlb) => [...tlb.values()].sort(byVa)); }

  return { vcpuCount, keyOf, emptyState, tlbsAt };
}
