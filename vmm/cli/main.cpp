// shadowtlb's entry point: parse the command line, dispatch to a subcommand.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <string_view>

#include "vmm/cli/error_exit.h"
#include "vmm/cli/exit_codes.h"
#include "vmm/cli/images_command.h"
#include "vmm/cli/inspect_command.h"
#include "vmm/cli/json_summary.h"
#include "vmm/cli/report_command.h"
#include "vmm/cli/run_command.h"

#ifndef SHADOWTLB_VERSION
#error "SHADOWTLB_VERSION must be defined by the build (vmm/frontend.cmake)"
#endif

namespace {

using namespace shadowtlb::vmm::cli;

constexpr const char* kFooter =
    "Exit codes: 0 success; 1 usage, configuration or image error;\n"
    "2 the VM or guest failed (triple fault, panic, failed guest test, KVM error, timeout);\n"
    "3 a hazard changed guest-visible data (the image's verdict is not ok);\n"
    "130 interrupted (Ctrl-C). See docs/cli.md.\n";

// Was --json asked for? CLI11 stops at the first error, so the flag may not
// have been parsed yet; an argument after "--" is not an option.
bool json_requested(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return false;
    if (arg == "--json") return true;
  }
  return false;
}

// CLI11 reports help and --version as "errors" with exit code 0; every real
// parse error becomes one line and exit code 1, whatever code CLI11 picked.
// `help_for` is the subcommand whose --help to point at, or null for the top level.
// With --json the error is also the one JSON object on stdout, as for any
// other error of a run (`image` is the IMAGE argument if it was parsed).
int report_parse_error(const CLI::App& app, const CLI::ParseError& error, const CLI::App* help_for,
                       bool json, std::string_view image) {
  if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }
  const std::string help =
      help_for ? fmt::format("shadowtlb {} --help", help_for->get_name()) : "shadowtlb --help";
  const std::string message = fmt::format("{} (see '{}')", error.what(), help);
  print_error(message);
  if (json) std::fputs(dump_summary(error_summary_json(image, kExitUsage, message)).c_str(), stdout);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("shadowtlb: a KVM VMM whose shadow MMU models each vCPU's TLB", "shadowtlb");
  app.set_version_flag("--version", "shadowtlb " SHADOWTLB_VERSION);
  app.require_subcommand(1);
  app.footer(kFooter);

  RunOptions run_options;
  run_options.argv.assign(argv, argv + argc);
  CLI::App* run = add_run_command(app, run_options);
  ImagesOptions images_options;
  CLI::App* images = add_images_command(app, images_options);
  ReportOptions report_options;
  CLI::App* report = add_report_command(app, report_options);
  InspectOptions inspect_options;
  CLI::App* inspect = add_inspect_command(app, inspect_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const CLI::App* help_for = run->parsed() ? run : images->parsed() ? images : nullptr;
    if (report->parsed()) help_for = report;
    if (inspect->parsed()) help_for = inspect;
    return report_parse_error(app, error, help_for, json_requested(argc, argv), run_options.image);
  }
  try {
    if (run->parsed()) return run_command(run_options);
    if (images->parsed()) return images_command(images_options);
    if (report->parsed()) return report_command(report_options);
    if (inspect->parsed()) return inspect_command(inspect_options);
  } catch (const std::exception& error) {
    // The commands report their own errors; this only catches a failure in
    // that reporting itself, so the process still ends with one line.
    const ErrorExit exit = describe_error(error);
    print_error(exit.message);
    return exit.code;
  }
  return kExitUsage;  // unreachable: require_subcommand(1)
}
