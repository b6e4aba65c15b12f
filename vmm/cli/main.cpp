// shadowtlb's entry point: parse the command line, dispatch to a subcommand.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "vmm/cli/error_exit.h"
#include "vmm/cli/exit_codes.h"
#include "vmm/cli/images_command.h"
#include "vmm/cli/inspect_command.h"
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
    "3 reserved for \"hazard detected\". See docs/cli.md.\n";

// CLI11 reports help and --version as "errors" with exit code 0; every real
// parse error becomes one line and exit code 1, whatever code CLI11 picked.
// `help_for` is the subcommand whose --help to point at, or null for the top level.
int report_parse_error(const CLI::App& app, const CLI::ParseError& error, const CLI::App* help_for) {
  if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }
  const std::string help =
      help_for ? fmt::format("shadowtlb {} --help", help_for->get_name()) : "shadowtlb --help";
  print_error(fmt::format("{} (see '{}')", error.what(), help));
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
    return report_parse_error(app, error, help_for);
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
