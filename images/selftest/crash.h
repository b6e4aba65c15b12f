// Deliberate, unhandled failures for the host's crash-reporting tests.
#pragma once

[[noreturn]] void selftest_crash(const char* mode);
