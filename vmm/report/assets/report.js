// The report page's behaviour: swimlanes, step selection, TLBs rebuilt per step (docs/report.md).
// Plain ES2020, no libraries: the page must work from a file with no network.
'use strict';

(function () {
  const DATA = JSON.parse(document.getElementById('trace-data').textContent);
  const RECORDS = DATA.records;
  const HEADER = DATA.header;
  const FOOTER = DATA.footer;
  const FLUSH_ALL = (1n << 64n) - 1n;
  const PAGE_4K = 0x1000n;
  const PAGE_2M = 0x200000n;
  // Read before the first selection rewrites the address to #step=N.
  const HASH_AT_LOAD = location.hash;

  // ---- small helpers -------------------------------------------------------

  const $ = (id) => document.getElementById(id);
  const big = (hex) => (hex === undefined ? 0n : BigInt(hex));
  const hex = (value) => '0x' + value.toString(16);
  function esc(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({
      '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
    })[c]);
  }
  function sizeName(pageSize) {
    const size = big(pageSize);
    if (size === PAGE_4K) return '4K';
    if (size === PAGE_2M) return '2M';
    if (size === 0x40000000n) return '1G';
    return hex(size);
  }
  function pages(npagesHex) {
    const n = big(npagesHex);
    return n === FLUSH_ALL ? 'all' : n.toString();
  }
  // x86-64 paging-entry bits (Intel SDM vol. 3, 4.5, tables 4-14 .. 4-20).
  function pteText(valueHex) {
    const v = big(valueHex);
    if (v === 0n) return '0 (not present)';
    const flags = [];
    const bit = (n, name) => { if ((v >> BigInt(n)) & 1n) flags.push(name); };
    bit(0, 'P'); bit(1, 'RW'); bit(2, 'US'); bit(3, 'PWT'); bit(4, 'PCD'); bit(5, 'A'); bit(6, 'D');
    bit(7, 'PS'); bit(8, 'G'); bit(63, 'XD');
    const frame = v & 0x000ffffffffff000n;
    return hex(v) + '  frame ' + hex(frame) + ' ' + flags.join(' ');
  }
  // A vCPU mask as the trace holds it (args: 64-bit words, lowest vCPUs first) -> [0, 2, ...].
  function maskVcpus(words) {
    const out = [];
    words.forEach((word, k) => {
      for (let bit = 0n; bit < 64n; ++bit) if ((big(word) >> bit) & 1n) out.push(k * 64 + Number(bit));
    });
    return out;
  }
  function rights(entry) {
    return (entry.writable ? 'W' : '-') + (entry.user ? 'U' : '-') + (entry.executable ? 'X' : '-');
  }
  function timeText(ns) {
    if (ns === undefined) return '0';
    if (ns < 1e3) return ns + ' ns';
    if (ns < 1e6) return (ns / 1e3).toFixed(1) + ' µs';
    return (ns / 1e6).toFixed(3) + ' ms';
  }

  // ---- what each record kind is ----------------------------------------------

  const FLUSH_KINDS = new Set(['flush_local', 'flush_remote', 'cr3_load', 'enforce', 'shootdown_ack']);
  const MINOR_KINDS = new Set(['pte_read', 'ad_update', 'hypercall']);
  const SHORT = {
    cr3_load: 'cr3', tlb_fill: 'fill', dirty_upgrade: 'D up', guest_fault: '#PF',
    spurious_fault: 'spur #PF', flush_local: 'flush', flush_remote: 'shootdown', evict: 'evict',
    pte_read: 'pte rd', pte_write: 'PTE WR', ad_update: 'A/D', stale: 'stale', stale_write: 'STALE WR',
    enforce: 'enforce', page_freed: 'freed', page_reused: 'reused', page_dirty: 'PG_dirty', hazard: 'HAZARD', mark: 'mark',
    hypercall: 'hc', shootdown_ack: 'ack',
  };
  const isHazard = (r) => r.kind === 'hazard' || r.kind === 'stale_write';
  function classesOf(r) {
    const out = ['event', 'k-' + r.kind];
    if (isHazard(r)) out.push('hazard');
    if (FLUSH_KINDS.has(r.kind)) out.push('flush');
    if (MINOR_KINDS.has(r.kind)) out.push('minor');
    return out;
  }
  function labelOf(r) {
    if (r.kind === 'mark') return r.mark || 'mark';
    if (r.kind === 'hypercall') return r.hypercall || 'hc';
    if (r.kind === 'hazard') return (r.hazard_kind || 'hazard').toUpperCase();
    return SHORT[r.kind] || r.kind;
  }

  // One line saying what a record did; `html` adds step links.
  function describe(r) {
    const e = r.entry || {};
    switch (r.kind) {
      case 'cr3_load': return 'CR3 \u2190 ' + (r.gpa || '0x0');
      case 'tlb_fill': return 'fill ' + e.va + ' \u2192 ' + e.frame + ' ' + sizeName(e.page_size) + ' ' +
        rights(e) + (e.dirty ? ' dirty' : '');
      case 'dirty_upgrade': return 'dirty upgrade ' + (r.gva || e.va) + ' \u2192 ' + e.frame;
      case 'guest_fault': return '#PF at ' + (r.gva || '0x0') + ' (error code ' + (r.new_value || '0x0') + ')' +
        (r.entry ? ', entry dropped' : '');
      case 'spurious_fault': return 'spurious #PF at ' + (r.gva || '0x0') + ', entry dropped';
      case 'flush_local': return big(r.npages) === FLUSH_ALL ? 'flush all non-global'
        : 'invlpg ' + (r.gva || '0x0') + ' \u00d7' + pages(r.npages);
      case 'flush_remote': return 'shootdown from vCPU ' + (r.initiator || 0) + ': ' +
        (big(r.npages) === FLUSH_ALL ? 'all non-global' : (r.gva || '0x0') + ' \u00d7' + pages(r.npages));
      case 'evict': return 'evict ' + e.va;
      case 'pte_read': return 'read PTE@' + (r.gpa || '0x0') + ' = ' + (r.old_value || '0x0');
      case 'pte_write': return 'PTE@' + (r.gpa || '0x0') + ': ' + (r.old_value || '0x0') + ' \u2192 ' + (r.new_value || '0x0');
      case 'ad_update': return 'A/D set PTE@' + (r.gpa || '0x0') + ' \u2192 ' + (r.new_value || '0x0');
      case 'stale': return (e.stale ? 'entry ' + e.va + ' went stale' : 'entry ' + e.va + ' current again') +
        (r.cause ? ' (by #' + r.cause + ')' : '');
      case 'stale_write': return 'write through stale entry: ' + (r.gva || '0x0') + ' \u2192 ' + (r.gpa || r.frame || '?');
      case 'enforce': return 'enforced shootdown of ' + e.va;
      case 'page_freed': return 'freed frames ' + (r.gpa || '0x0') + ' \u00d7' + pages(r.npages);
      case 'page_reused': return 'reused frames ' + (r.gpa || '0x0') + ' \u00d7' + pages(r.npages);
      case 'page_dirty': return 'PG_dirty ' + (r.new_value && r.new_value !== '0x0' ? 'set' : 'cleared') + ' on frames ' +
        (r.gpa || '0x0') + ' \u00d7' + pages(r.npages);
      case 'hazard': return (r.hazard_kind || 'hazard') + ' at ' + (r.gva || '0x0') + (r.frame ? ' (frame ' + r.frame + ')' : '');
      case 'mark': return r.mark + (r.new_value ? ' = ' + r.new_value : '');
      case 'hypercall': return (r.hypercall || 'hypercall') + '(' + (r.args || []).join(', ') + ')';
      case 'shootdown_ack': return 'shootdown acknowledged' + (r.args ? ' by vCPUs ' + maskVcpus(r.args).join(', ') : '') +
        ' (initiator vCPU ' + (r.initiator || 0) + ')';
      default: return r.kind;
    }
  }

  // ---- the vCPUs' TLBs at a step (tlb_replay.js) ---------------------------------

  const { vcpuCount, keyOf, emptyState, tlbsAt } = makeTlbReplay(DATA);

  // ---- indexes ----------------------------------------------------------------

  const stepOfSeq = new Map();
  RECORDS.forEach((r, i) => { if (r.seq) stepOfSeq.set(r.seq, i); });
  const hazardSteps = [];
  RECORDS.forEach((r, i) => { if (r.kind === 'hazard') hazardSteps.push(i); });
  const hazardOrWriteSteps = RECORDS.map((r, i) => (isHazard(r) ? i : -1)).filter((i) => i >= 0);
  function stepLink(seq, text) {
    const step = stepOfSeq.get(seq);
    if (step === undefined) return esc(text || '#' + seq) + ' <span class="note">(not in the trace)</span>';
    return '<a class="step-link" data-step="' + step + '">' + esc(text || 'step ' + step) + '</a> <span class="note">(event #' + seq + ', ' +
      esc(RECORDS[step].kind) + ')</span>';
  }
  // The records that explain a hazard: the stale write, the fill, the PTE write, the late removal.
  function relatedSteps(r) {
    const out = new Set();
    if (r.kind !== 'hazard' && r.kind !== 'stale_write') return out;
    for (const seq of [r.write_event, r.stale_since, r.removed_at, r.cause, r.entry && r.entry.filled_at,
      r.entry && r.entry.stale_since]) {
      if (seq && stepOfSeq.has(seq)) out.add(stepOfSeq.get(seq));
    }
    return out;
  }

  // ---- header and banner ------------------------------------------------------

  function renderHeader() {
    $('title-image').textContent = HEADER.image || DATA.source;
    const result = FOOTER ? (FOOTER.verdict || FOOTER.result) : 'no footer';
    const bad = !FOOTER || (FOOTER.verdict && FOOTER.verdict !== 'ok') || (FOOTER.result && FOOTER.result !== 'ok');
    const memMiB = HEADER.mem_bytes ? Math.round(HEADER.mem_bytes / 1048576) + 'M' : '?';
    const tlb = (HEADER.tlb_mode || '?') + (HEADER.tlb_capacity ? ', capacity ' + HEADER.tlb_capacity + ' ' + HEADER.tlb_evict : '');
    const rows = [
      ['image', HEADER.image], ['vCPUs', HEADER.vcpus], ['mem', memMiB], ['cmdline', HEADER.cmdline || '(none)'],
      ['tlb', tlb], ['enforce', HEADER.enforce || 'none'], ['schedule', HEADER.schedule_mode], ['seed', HEADER.seed],
      ['records', RECORDS.length + (DATA.truncated ? ' (cut short)' : '')],
      ['wall', FOOTER ? timeText(FOOTER.wall_ns) : '?'], ['tool', HEADER.tool_version],
    ];
    let html = '';
    for (const [name, value] of rows) html += '<div><dt>' + esc(name) + '</dt><dd>' + esc(value) + '</dd></div>';
    html += '<div id="result"><dt>result</dt><dd class="' + (bad ? 'result-bad' : 'result-ok') + '">' + esc(result) +
      (FOOTER ? ' (exit ' + FOOTER.exit_code + ')' : '') + '</dd></div>';
    $('run-meta').innerHTML = html;
    if (HEADER.argv && HEADER.argv.length) $('run-meta').title = HEADER.argv.join(' ');
    document.title = 'shadowtlb: ' + (HEADER.image || DATA.source) + ': ' + result;
  }

  function renderBanner() {
    const banner = $('verdict-banner');
    let html = '';
    if (!FOOTER) {
      banner.className = 'banner unknown';
      html = '<span class="verdict">trace cut short</span><span class="reason">' +
        esc(DATA.problem || 'no footer: the run did not finish writing its trace') + '; showing the ' + RECORDS.length + ' records read</span>';
    } else {
      const verdict = FOOTER.verdict || FOOTER.result;
      const bad = verdict !== 'ok' || FOOTER.result !== 'ok';
      banner.className = 'banner ' + (bad ? 'bad' : 'ok');
      // The explanation's first line repeats the verdict ("lost_write: ... (reported by vCPU 0)"):
      // it becomes the headline's reason rather than a line of its own.
      const lines = (FOOTER.explanation || []).slice();
      let reason = FOOTER.verdict_reason;
      if (lines.length && lines[0].startsWith(verdict + ': ')) reason = lines.shift().slice(verdict.length + 2);
      html = '<span class="verdict" id="verdict">' + esc(verdict) + '</span>';
      if (reason) html += '<span class="reason" id="verdict-reason">' + esc(reason) + '</span>';
      if (FOOTER.interrupted) html += ' <span class="note">(interrupted by a signal)</span>';
      if (FOOTER.message) html += '<div class="reason" id="failure-message">' + esc(FOOTER.message) + '</div>';
      if (lines.length) html += '<pre class="explanation" id="explanation">' + esc(lines.join('\n')) + '</pre>';
    }
    if (hazardSteps.length) {
      html += '<div class="hazard-list">';
      for (const step of hazardSteps) {
        const r = RECORDS[step];
        html += '<button type="button" class="hazard-chip" data-step="' + step + '">' + esc(r.hazard_kind || 'hazard') +
          ' \u00b7 vCPU ' + r.vcpu + ' \u00b7 ' + esc(r.gva || '') + ' \u00b7 step ' + step + '</button>';
      }
      html += '</div>';
    } else if (FOOTER) {
      html += '<div class="note">no hazard recorded</div>';
    }
    banner.innerHTML = html;
  }

  // ---- swimlanes ----------------------------------------------------------------

  let stepWidth = 8;
  function chooseFitWidth() {
    const room = $('lanes-scroll').clientWidth - 80;
    return Math.max(0.05, room / Math.max(1, RECORDS.length));
  }
  function renderLanes() {
    const width = Math.max(1, RECORDS.length * stepWidth);
    const labelled = stepWidth >= 11;
    const parts = [];
    for (let v = 0; v < vcpuCount; ++v) parts.push([]);
    RECORDS.forEach((r, i) => {
      const lane = parts[r.vcpu];
      if (!lane) return;
      const title = 'step ' + i + (r.seq ? ' \u00b7 #' + r.seq : '') + ' \u00b7 vCPU ' + r.vcpu + ' \u00b7 ' + describe(r) +
        (r.disassembly ? ' \u00b7 ' + r.disassembly : '');
      lane.push('<div class="' + classesOf(r).join(' ') + '" id="ev-' + i + '" data-step="' + i + '" data-kind="' + r.kind +
        '"' + (r.gva ? ' data-gva="' + r.gva + '"' : '') + ' title="' + esc(title) + '" style="left:' + (i * stepWidth).toFixed(2) +
        'px;width:' + Math.max(1, stepWidth - (stepWidth > 3 ? 1 : 0)).toFixed(2) + 'px">' + (labelled ? esc(labelOf(r)) : '') + '</div>');
    });
    let html = '';
    for (let v = 0; v < vcpuCount; ++v) {
      const count = parts[v].length;
      html += '<div class="lane" data-vcpu="' + v + '" id="lane-' + v + '"><div class="lane-label">vCPU ' + v +
        '<small>' + count + ' events</small></div><div class="lane-track" style="width:' + width + 'px">' + parts[v].join('') + '</div></div>';
    }
    $('lanes').innerHTML = html;
    $('lanes-inner').style.width = (width + 80) + 'px';
    // Axis ticks: 1, 2 or 5 times a power of ten, about 90 px apart.
    const raw = 90 / stepWidth;
    const power = Math.pow(10, Math.floor(Math.log10(Math.max(1, raw))));
    const every = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || power * 10;
    let ticks = '';
    for (let i = 0; i < RECORDS.length; i += every) ticks += '<div class="tick" style="left:' + (i * stepWidth) + 'px">' + i + '</div>';
    $('axis').innerHTML = ticks;
    $('axis').style.width = width + 'px';
  }
  function renderLegend() {
    const items = [['var(--c-tlb)', 'TLB fill / dirty upgrade'], ['var(--c-pte)', 'PTE write'], ['var(--c-flush)', 'flush / shootdown / CR3 load'],
      ['var(--c-stale)', 'entry went stale'], ['var(--c-hazard)', 'stale write / hazard'], ['var(--c-fault)', 'guest #PF'],
      ['var(--c-page)', 'page freed / reused / PG_dirty'], ['var(--c-mark)', 'mark'], ['var(--c-minor)', 'PTE read, A/D (minor)']];
    $('legend').innerHTML = items.map(([color, text]) => '<span><span class="swatch" style="background:' + color + '"></span>' + esc(text) + '</span>').join('') +
      '<span>click an event or a row to select its step; \u2190 \u2192 step, n / shift+p next / previous hazard</span>';
  }

  // ---- records around the step, one column per vCPU -------------------------------

  function renderNearby(step) {
    const from = Math.max(0, Math.min(step - 12, RECORDS.length - 30));
    const to = Math.min(RECORDS.length, from + 30);
    let html = '<thead><tr><th>step</th><th>time</th>';
    for (let v = 0; v < vcpuCount; ++v) html += '<th>vCPU ' + v + '</th>';
    html += '</tr></thead><tbody>';
    for (let i = from; i < to; ++i) {
      const r = RECORDS[i];
      const cls = [i === step ? 'selected' : '', isHazard(r) ? 'hazard' : '', FLUSH_KINDS.has(r.kind) ? 'flush' : '',
        r.kind === 'pte_write' ? 'pte-write' : ''].filter(Boolean).join(' ');
      html += '<tr data-step="' + i + '" class="' + cls + '"><td class="step">' + i + '</td><td class="step">' + esc(timeText(r.host_time_ns)) + '</td>';
      for (let v = 0; v < vcpuCount; ++v) {
        if (v !== r.vcpu) { html += '<td></td>'; continue; }
        html += '<td class="cell-on"><span class="kind">' + esc(r.kind) + '</span>' + esc(describe(r)) +
          (r.disassembly ? ' <code>' + esc(r.disassembly) + '</code>' : '') + '</td>';
      }
      html += '</tr>';
    }
    $('nearby').innerHTML = html + '</tbody>';
    const row = $('nearby').querySelector('tr.selected');
    if (row) {
      const wrap = $('nearby-wrap');
      wrap.scrollTop = Math.max(0, row.offsetTop - wrap.clientHeight / 2);
    }
  }

  // ---- side panel: the event and every vCPU's TLB ------------------------------------

  function field(name, value) { return '<tr><th>' + esc(name) + '</th><td>' + value + '</td></tr>'; }
  function entryText(e) {
    return e.va + ' ' + sizeName(e.page_size) + ' \u2192 ' + e.frame + ' ' + rights(e) + (e.dirty ? ' dirty' : '') +
      (e.global ? ' global' : '') + (e.stale ? ' STALE' : '') + (e.filled_at ? ' filled@#' + e.filled_at : '');
  }
  function renderDetails(step) {
    const r = RECORDS[step];
    const chip = '<span class="kind-chip ' + classesOf(r).filter((c) => c !== 'event').join(' ') + '">' + esc(r.kind) + '</span>';
    let rows = field('kind', chip + (r.hazard_kind ? ' <b>' + esc(r.hazard_kind) + '</b>' : '')) +
      field('vCPU', String(r.vcpu) + (r.initiator !== undefined ? ' (initiator vCPU ' + r.initiator + ')' : '')) +
      field('event', r.seq ? '#' + r.seq : '<span class="note">VMM record (no model event number)</span>') +
      field('host time', esc(timeText(r.host_time_ns))) + field('what', esc(describe(r)));
    const gpaName = { pte_read: 'PTE address', pte_write: 'PTE address', ad_update: 'PTE address', cr3_load: 'root',
      guest_fault: 'paging entry' }[r.kind] || 'guest-physical';
    if (r.gva) rows += field('guest-virtual', esc(r.gva));
    if (r.gpa) rows += field(gpaName, esc(r.gpa));
    if (r.frame) rows += field('frame', esc(r.frame));
    if (r.kind === 'pte_write' || r.kind === 'pte_read' || r.kind === 'ad_update') {
      rows += field('old PTE', esc(pteText(r.old_value)));
      if (r.kind !== 'pte_read') rows += field('new PTE', esc(pteText(r.new_value)));
    } else {
      if (r.old_value) rows += field('old value', esc(r.old_value));
      if (r.new_value) rows += field('new value', esc(r.new_value));
    }
    if (r.npages) rows += field('pages', esc(pages(r.npages)));
    if (r.rip || r.disassembly) {
      rows += field('rip', esc(r.rip || '?'));
      rows += field('instruction', '<span class="insn" id="instruction">' + esc(r.disassembly || '(not disassembled)') +
        (r.insn_bytes ? '  <span class="bytes">(' + esc(r.insn_bytes) + ')</span>' : '') + '</span>');
    }
    if (r.entry) rows += field('TLB entry', esc(entryText(r.entry)) + (r.entry.pte_address ? '<br>from PTE@' + esc(r.entry.pte_address) +
      ' = ' + esc(pteText(r.entry.pte_value)) : ''));
    if (r.cause && r.cause !== r.write_event) rows += field('follows from', stepLink(r.cause));
    if (r.write_event) rows += field('the write', stepLink(r.write_event));
    if (r.stale_since) rows += field('made stale by', stepLink(r.stale_since) + (r.stale_by_vcpu !== undefined ? ' on vCPU ' + r.stale_by_vcpu : '') +
      (r.stale_by_rip ? ' at ' + esc(r.stale_by_rip) : ''));
    if (r.kind === 'hazard' && (r.removed_at || r.hazard_kind === 'lost_dirty_bit')) rows += field('left the TLB', r.removed_at ? stepLink(r.removed_at) : '<span class="note">not before the end of the run</span>');
    if (r.mark) rows += field('mark', esc(r.mark));
    if (r.args) rows += field('arguments', esc(r.args.join(', ')));
    $('event-details').innerHTML = '<h2>Step ' + step + ' <span class="note">of ' + RECORDS.length + '</span></h2>' +
      '<table class="fields" id="event-fields" data-step="' + step + '" data-kind="' + r.kind + '">' + rows + '</table>';
  }

  function renderTlbs(step) {
    const r = RECORDS[step];
    const now = tlbsAt(step);
    const before = step > 0 ? tlbsAt(step - 1) : emptyState().map(() => []);
    // The entry the selected record names, or else the one covering its address, on its vCPU.
    const covers = (e) => r.gva && big(e.va) <= big(r.gva) && big(r.gva) < big(e.va) + big(e.page_size);
    const isTouched = (v, e) => v === r.vcpu && (r.entry ? keyOf(r.entry) === keyOf(e) : covers(e));
    let html = '<h2>TLBs after step ' + step + '</h2><p class="note">rebuilt from ' +
      (DATA.snapshots.length ? 'the last snapshot and ' : '') + 'the fills, flushes and staleness changes up to this step; ' +
      'stale entries (the guest tables no longer map the page to that frame) in red</p>';
    now.forEach((entries, v) => {
      const previous = new Set((before[v] || []).map(keyOf));
      const staleCount = entries.filter((e) => e.stale).length;
      html += '<div class="tlb-vcpu" data-vcpu="' + v + '"><h3>vCPU ' + v + ' <span class="count">' + entries.length + (entries.length === 1 ? ' entry' : ' entries') +
        (staleCount ? ', <b style="color:var(--c-hazard)">' + staleCount + ' stale</b>' : '') + '</span></h3>';
      if (!entries.length) { html += '<div class="empty">empty</div></div>'; return; }
      html += '<table class="tlb" data-vcpu="' + v + '"><thead><tr><th>va</th><th>size</th><th>frame</th><th>rights</th><th>D</th><th>state</th><th>filled</th></tr></thead><tbody>';
      for (const e of entries) {
        const key = keyOf(e);
        const cls = ['tlb-entry', e.stale ? 'stale' : 'current', previous.has(key) ? '' : 'new',
          isTouched(v, e) ? 'touched' : '']
          .filter(Boolean).join(' ');
        html += '<tr class="' + cls + '" data-va="' + e.va + '" title="' + esc(entryText(e)) + '"><td>' + esc(e.va) + '</td><td>' + sizeName(e.page_size) +
          '</td><td>' + esc(e.frame) + '</td><td>' + rights(e) + (e.global ? ' G' : '') + '</td><td>' + (e.dirty ? 'D' : '') + '</td><td class="state">' +
          (e.stale ? 'STALE' + (e.stale_since ? ' since #' + e.stale_since : '') : 'current') + '</td><td>' + (e.filled_at ? '#' + e.filled_at : '') + '</td></tr>';
      }
      html += '</tbody></table></div>';
    });
    $('tlb-panel').innerHTML = html;
  }

  // ---- selection ------------------------------------------------------------------

  let selected = -1;
  let relatedNow = new Set();
  function select(step, options) {
    if (!RECORDS.length) return;
    step = Math.max(0, Math.min(RECORDS.length - 1, step | 0));
    const old = $('ev-' + selected);
    if (old) old.classList.remove('selected');
    for (const i of relatedNow) { const el = $('ev-' + i); if (el) el.classList.remove('related'); }
    selected = step;
    const r = RECORDS[step];
    relatedNow = relatedSteps(r);
    for (const i of relatedNow) { const el = $('ev-' + i); if (el) el.classList.add('related'); }
    const el = $('ev-' + step);
    if (el) el.classList.add('selected');
    $('step-input').value = step;
    $('step-slider').value = step;
    $('cursor').style.left = (step * stepWidth + stepWidth / 2) + 'px';
    document.querySelectorAll('.hazard-chip').forEach((chip) => chip.classList.toggle('current', Number(chip.dataset.step) === step));
    renderDetails(step);
    renderTlbs(step);
    renderNearby(step);
    if (!options || options.scroll !== false) {
      const scroller = $('lanes-scroll');
      const x = step * stepWidth + 80;
      if (x < scroller.scrollLeft + 100 || x > scroller.scrollLeft + scroller.clientWidth - 40)
        scroller.scrollLeft = Math.max(0, x - scroller.clientWidth / 2);
    }
    if (!options || options.hash !== false) history.replaceState(null, '', '#step=' + step);
    document.body.dataset.selectedStep = String(step);
  }
  function neighbourHazard(direction) {
    const list = hazardOrWriteSteps;
    if (!list.length) return;
    const next = direction > 0 ? list.find((i) => i > selected) : [...list].reverse().find((i) => i < selected);
    if (next !== undefined) select(next);
  }

  function wire() {
    const onStepClick = (event) => {
      const target = event.target.closest('[data-step]');
      if (target) select(Number(target.dataset.step));
    };
    $('lanes').addEventListener('click', onStepClick);
    $('nearby').addEventListener('click', onStepClick);
    $('event-details').addEventListener('click', onStepClick);
    $('verdict-banner').addEventListener('click', onStepClick);
    $('step-input').addEventListener('change', (e) => select(Number(e.target.value)));
    $('step-slider').addEventListener('input', (e) => select(Number(e.target.value)));
    $('prev-step').addEventListener('click', () => select(selected - 1));
    $('next-step').addEventListener('click', () => select(selected + 1));
    $('prev-hazard').addEventListener('click', () => neighbourHazard(-1));
    $('next-hazard').addEventListener('click', () => neighbourHazard(1));
    $('hide-minor').addEventListener('change', (e) => $('timeline').classList.toggle('hide-minor', e.target.checked));
    $('zoom').addEventListener('change', (e) => {
      stepWidth = e.target.value === 'fit' ? chooseFitWidth() : Number(e.target.value);
      renderLanes();
      select(selected, { hash: false });
    });
    document.addEventListener('keydown', (e) => {
      if (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT') return;
      if (e.key === 'ArrowLeft') select(selected - (e.shiftKey ? 10 : 1));
      else if (e.key === 'ArrowRight') select(selected + (e.shiftKey ? 10 : 1));
      else if (e.key === 'n') neighbourHazard(1);
      else if (e.key === 'P' || (e.key === 'p' && e.shiftKey)) neighbourHazard(-1);
      else return;
      e.preventDefault();
    });
  }

  // The step to show first: #step=N in the address, else the first hazard, else the first stale write, else 0.
  function initialStep() {
    const match = /(?:^#|&)step=(\d+)/.exec(HASH_AT_LOAD);
    if (match) return Number(match[1]);
    if (hazardSteps.length) return hazardSteps[0];
    if (hazardOrWriteSteps.length) return hazardOrWriteSteps[0];
    return 0;
  }

  renderHeader();
  renderBanner();
  renderLegend();
  $('step-slider').max = Math.max(0, RECORDS.length - 1);
  $('step-input').max = Math.max(0, RECORDS.length - 1);
  $('step-count').textContent = 'of ' + RECORDS.length;
  // Readable labels where the run is short enough to show whole; otherwise 14 px a step around the hazard.
  const fit = chooseFitWidth();
  stepWidth = fit >= 11 ? Math.min(fit, 40) : 14;
  $('zoom').value = fit >= 11 ? 'fit' : '14';
  renderLanes();
  wire();
  if (RECORDS.length) {
    select(initialStep());
  } else {
    $('event-details').innerHTML = '<h2>No records</h2><p class="empty">The trace holds a header but no records.</p>';
  }
  // Test hook (docs/report.md, "How it is tested"): with #dump-tlbs in the address
  // the page also lists every step's TLBs, one line a step, for comparison with
  // the reader's tlbs_at: "step|entries of vCPU 0|entries of vCPU 1...", each
  // entry "va/page_size" plus "/dirty" and "/stale" when set, separated by ','.
  if (/(?:^#|&)dump-tlbs(?:&|$)/.test(HASH_AT_LOAD)) {
    const lines = RECORDS.map((r, i) => i + '|' + tlbsAt(i).map((entries) => entries.map((e) =>
      e.va + '/' + e.page_size + (e.dirty ? '/dirty' : '') + (e.stale ? '/stale' : '')).join(',')).join('|'));
    const pre = document.createElement('pre');
    pre.id = 'tlb-dump';
    pre.hidden = true;
    pre.textContent = lines.join('\n');
    document.body.appendChild(pre);
  }
  document.body.dataset.ready = 'true';
})();
