// In-guest test framework: named tests in a linker section, EXPECT/ASSERT macros.
//
//   TEST(page_alloc, order0) {            // registers "page_alloc.order0"
//     ASSERT_TRUE(p != nullptr);
//     EXPECT_EQ(page_to_pfn(p) % 1, 0u);
//   }
//
// Each test reports REPORT_TEST_PASS, or one REPORT_TEST_FAIL per failed
// expectation (file, line, expression, both values), or REPORT_TEST_SKIP.
// Expectations may run in any task on any vCPU while a test runs; outside a
// test a failed expectation is a REPORT_PANIC. ASSERT_* returns from the
// enclosing void function, as in GoogleTest.
#pragma once

#include <type_traits>

#include "guest/include/types.h"

struct test_case {
  const char* name;  // "suite.name"
  void (*fn)();
  const char* file;
  int line;
};

#define TEST(suite, name)                                                                   \
  static void test_fn_##suite##_##name();                                                   \
  static const test_case test_case_##suite##_##name = {#suite "." #name,                    \
                                                       test_fn_##suite##_##name, __FILE__, __LINE__}; \
  [[gnu::used, gnu::section("guest_tests")]] static const test_case* const                  \
      test_ptr_##suite##_##name = &test_case_##suite##_##name;                              \
  static void test_fn_##suite##_##name()

struct test_summary {
  unsigned run, passed, failed, skipped;
};

// Runs every registered test whose name starts with filter (all if null or
// empty), in link order, on the calling task.
test_summary run_tests(const char* filter);
// Runs the test named exactly name ("suite.name"); run == 0 if there is none.
test_summary run_test(const char* name);

namespace ktest {

enum class cmp { eq, ne, lt, le, gt, ge };

// Records a failure (or panics outside a test); returns false for the macros.
bool fail(const char* file, int line, const char* expr, u64 lhs, u64 rhs);
bool fail_str(const char* file, int line, const char* expr, const char* lhs, const char* rhs);
void skip(const char* file, int line, const char* reason);
bool streq(const char* a, const char* b);

template <typename T>
constexpr auto comparable(const T& v) {
  if constexpr (std::is_enum_v<T>) return static_cast<std::underlying_type_t<T>>(v);
  else return v;
}

template <typename T>
u64 to_u64(const T& v) {
  if constexpr (std::is_enum_v<T>) return static_cast<u64>(v);
  else if constexpr (std::is_integral_v<T>) return static_cast<u64>(v);
  else if constexpr (std::is_pointer_v<T> || std::is_null_pointer_v<T>) return reinterpret_cast<u64>(v);
  else if constexpr (requires { v.val; }) return static_cast<u64>(v.val);
  else return 0;
}

// Compares integers by value whatever their signedness (like std::cmp_less).
template <typename A, typename B>
constexpr bool less(const A& a, const B& b) {
  if constexpr (std::is_integral_v<A> && std::is_integral_v<B> && !std::is_same_v<A, bool> &&
                !std::is_same_v<B, bool> && std::is_signed_v<A> != std::is_signed_v<B>) {
    if constexpr (std::is_signed_v<A>) return a < 0 || static_cast<std::make_unsigned_t<A>>(a) < b;
    else return b >= 0 && a < static_cast<std::make_unsigned_t<B>>(b);
  } else {
    return a < b;
  }
}
template <typename A, typename B>
constexpr bool equal(const A& a, const B& b) {
  if constexpr (std::is_integral_v<A> && std::is_integral_v<B> && !std::is_same_v<A, bool> &&
                !std::is_same_v<B, bool>)
    return !less(a, b) && !less(b, a);
  else
    return a == b;
}

template <typename A, typename B>
bool check(cmp op, const A& a, const B& b, const char* expr, const char* file, int line) {
  auto x = comparable(a);
  auto y = comparable(b);
  bool ok = false;
  switch (op) {
    case cmp::eq: ok = equal(x, y); break;
    case cmp::ne: ok = !equal(x, y); break;
    case cmp::lt: ok = less(x, y); break;
    case cmp::le: ok = !less(y, x); break;
    case cmp::gt: ok = less(y, x); break;
    case cmp::ge: ok = !less(x, y); break;
  }
  return ok || fail(file, line, expr, to_u64(a), to_u64(b));
}

}  // namespace ktest

#define KTEST_CMP(op, a, b, sym) ::ktest::check(::ktest::cmp::op, (a), (b), #a " " sym " " #b, __FILE__, __LINE__)
#define EXPECT_EQ(a, b) KTEST_CMP(eq, a, b, "==")
#define EXPECT_NE(a, b) KTEST_CMP(ne, a, b, "!=")
#define EXPECT_LT(a, b) KTEST_CMP(lt, a, b, "<")
#define EXPECT_LE(a, b) KTEST_CMP(le, a, b, "<=")
#define EXPECT_GT(a, b) KTEST_CMP(gt, a, b, ">")
#define EXPECT_GE(a, b) KTEST_CMP(ge, a, b, ">=")
#define EXPECT_TRUE(c) (static_cast<bool>(c) || ::ktest::fail(__FILE__, __LINE__, #c, 0, 1))
#define EXPECT_FALSE(c) (!static_cast<bool>(c) || ::ktest::fail(__FILE__, __LINE__, "!(" #c ")", 1, 0))
#define EXPECT_STREQ(a, b)                                       \
  ([&](const char* x_, const char* y_) {                        \
    return ::ktest::streq(x_, y_) ||                             \
           ::ktest::fail_str(__FILE__, __LINE__, #a " == " #b, x_, y_); \
  }((a), (b)))

#define KTEST_ASSERT(check) \
  do {                      \
    if (!(check)) return;   \
  } while (0)
#define ASSERT_EQ(a, b) KTEST_ASSERT(EXPECT_EQ(a, b))
#define ASSERT_NE(a, b) KTEST_ASSERT(EXPECT_NE(a, b))
#define ASSERT_LT(a, b) KTEST_ASSERT(EXPECT_LT(a, b))
#define ASSERT_LE(a, b) KTEST_ASSERT(EXPECT_LE(a, b))
#define ASSERT_GT(a, b) KTEST_ASSERT(EXPECT_GT(a, b))
#define ASSERT_GE(a, b) KTEST_ASSERT(EXPECT_GE(a, b))
#define ASSERT_TRUE(c) KTEST_ASSERT(EXPECT_TRUE(c))
#define ASSERT_FALSE(c) KTEST_ASSERT(EXPECT_FALSE(c))
#define ASSERT_STREQ(a, b) KTEST_ASSERT(EXPECT_STREQ(a, b))

// Ends the current test as skipped, with a reason (REPORT_TEST_SKIP).
#define TEST_SKIP(reason)                           \
  do {                                              \
    ::ktest::skip(__FILE__, __LINE__, (reason));    \
    return;                                         \
  } while (0)
