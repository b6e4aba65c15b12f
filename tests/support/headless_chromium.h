// Runs Debian's chromium headless for the HTML-report tests: the DOM after the page's scripts, or a screenshot.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace shadowtlb::test {

// $SHADOWTLB_CHROMIUM if set, else the first of chromium, chromium-browser,
// google-chrome on $PATH; nullopt when there is none.
[[nodiscard]] std::optional<std::string> find_chromium();

struct BrowserResult {
  int exit_code = -1;
  std::string dom;     // --dump-dom: the document serialized after load (scripts ran)
  std::string errors;  // chromium's stderr, for failure messages
};

// `chromium --headless=new --no-sandbox --disable-gpu --dump-dom URL` with a
// fresh profile folder (so tests can run in parallel), killed after `timeout_s`.
// --no-sandbox: chromium's sandbox refuses to start as root, as CI runs.
[[nodiscard]] BrowserResult dump_dom(const std::string& chromium, const std::string& url,
                                     int timeout_s = 120);

// file:///absolute/path, percent-encoding what a URL cannot hold.
[[nodiscard]] std::string file_url(const std::string& path);

}  // namespace shadowtlb::test

// Skips (never passes) a test that needs a browser on a machine without one.
#define SHADOWTLB_REQUIRE_CHROMIUM(var)                                                      \
  const std::optional<std::string> var##_found = ::shadowtlb::test::find_chromium();          \
  if (!var##_found)                                                                          \
    GTEST_SKIP() << "needs chromium (Debian package 'chromium', installed by "               \
                    "scripts/install-deps.sh) to render the HTML report headless";           \
  const std::string& var = *var##_found
