// Guest -> host results: struct guest_report sent with HC_REPORT, and marks.
//
// The host asserts on these reports, never on console text (STYLE.md §9).
#pragma once

#include "abi/guest_report.h"
#include "guest/include/types.h"

namespace abi = shadowtlb::abi;

// Fills the text fields (truncating; file keeps its tail, which names the
// file) and vcpu, then sends the report. values may be null.
void report_send(abi::report_kind kind, const char* name, const char* file, unsigned line,
                 const char* expr, const u64* values, unsigned nvalues);

// REPORT_VALUE: a named guest-visible result (name = key, values[0] = value).
void report_value(const char* key, u64 value);

// REPORT_VERDICT: a scenario's judgement of its run from guest-visible data
// ("ok", "lost_write"), why in one line, and up to four values of evidence.
// The VMM turns a verdict other than "ok" into exit code 3.
void report_verdict(const char* verdict, const char* reason, const u64* values, unsigned nvalues);

// HC_MARK: a named point in the guest's execution, recorded by the VMM (and,
// in controlled mode, a scheduling point). name must be a NUL-terminated
// string in the kernel image or the direct map (string literals are).
void mark(const char* name, u64 value = 0);
