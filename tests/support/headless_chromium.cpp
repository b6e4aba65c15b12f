// Headless chromium for tests: finding it, a throw-away profile, --dump-dom.
#include "support/headless_chromium.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>

#include "vmm/cli/subprocess.h"

namespace shadowtlb::test {
namespace {

bool executable(const std::filesystem::path& path) {
  return ::access(path.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(path);
}

}  // namespace

std::optional<std::string> find_chromium() {
  if (const char* chosen = std::getenv("SHADOWTLB_CHROMIUM"); chosen != nullptr && *chosen != '\0')
    return executable(chosen) ? std::optional<std::string>(chosen) : std::nullopt;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::vector<std::string> folders;
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty()) folders.push_back(dir);
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"})
    for (const std::string& dir : folders)
      if (executable(std::filesystem::path(dir) / name)) return (std::filesystem::path(dir) / name).string();
  return std::nullopt;
}

std::string file_url(const std::string& path) {
  const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  std::string url = "file://";
  for (unsigned char c : absolute) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      url += static_cast<char>(c);
    } else {
      static const char* digits = "0123456789ABCDEF";
      url += '%';
      url += digits[c >> 4];
      url += digits[c & 15];
    }
  }
  return url;
}

BrowserResult dump_dom(const std::string& chromium, const std::string& url, int timeout_s) {
  std::string profile_template =
      (std::filesystem::temp_directory_path() / "shadowtlb-chromium-XXXXXX").string();
  if (::mkdtemp(profile_template.data()) == nullptr) return {-1, "", "mkdtemp failed"};
  const std::string profile = profile_template;
  ProcessResult p = run_process(chromium,
                                {"--headless=new", "--no-sandbox", "--disable-gpu",
                                 "--disable-dev-shm-usage", "--no-first-run",
                                 "--no-default-browser-check", "--user-data-dir=" + profile,
                                 "--dump-dom", url},
                                timeout_s);
  std::error_code ignored;
  std::filesystem::remove_all(profile, ignored);
  return {p.exit_code, std::move(p.out), std::move(p.err)};
}

}  // namespace shadowtlb::test
