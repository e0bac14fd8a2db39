// SPDX-License-Identifier: Apache-2.0
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include "app.h"

#include "kpatrol/core/logging.h"
#include "kpatrol/report/report.h"

int main(int argc, char** argv) {
  using namespace kpatrol::app;
  CLI::App app{
      "kpatrol — Kubernetes cluster diagnostics and compliance scanner (集群巡检).\n"
      "Scores cluster health, CIS Kubernetes and 等保 2.0 baselines with sandboxed Lua rules,\n"
      "keeps every scan in SQLite and writes reports.\n\n"
      "Try it:  kpatrol scan --demo            scan the embedded demo cluster\n"
      "         kpatrol rules list             the rules and their baselines\n"
      "         kpatrol history                the scans kept, newest first\n"
      "         kpatrol diff                   what changed between the last two scans\n"
      "         kpatrol <command> --help       options of a command",
      "kpatrol"};
  app.set_version_flag("--version", toolVersion());
  app.require_subcommand(1);
  // Global options may also follow the command: `kpatrol scan --demo --out reports`.
  app.fallthrough();
  GlobalOptions global;
  app.option_defaults()->always_capture_default();
  app.add_option("--log-level", global.log_level,
                 "trace, debug, info, warn, error or off (logs go to stderr)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--log-format", global.log_format, "text, or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--db", global.db,
                 "scan history database (default: $XDG_DATA_HOME/kpatrol/kpatrol.db, else "
                 "~/.local/share/kpatrol/kpatrol.db)");
  app.add_option("--lang", global.lang, "language of console output: en or zh")
      ->check(CLI::IsMember({"en", "zh"}));
  app.add_option("-j,--jobs", global.jobs, "evaluator threads (default: one per core)")
      ->check(CLI::Range(0u, 256u));
  app.add_option("--format", global.formats,
                 "report formats to write, comma-separated or repeated: " +
                     fmt::format("{}", fmt::join(kpatrol::report::renderFormats(), ", ")) +
                     " (default json)")
      ->check(CLI::IsMember(kpatrol::report::renderFormats()))
      ->delimiter(',');
  app.add_option("--out", global.out, "directory for reports");
  app.add_option(
         "--color", global.color,
         "colour console output: auto (a terminal, unless NO_COLOR is set), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  addScanCommand(app, global);
  addPrecheckCommand(app, global);
  addRulesCommands(app, global);
  addBundleCommands(app, global);
  addPluginCommands(app, global);
  auto* collect = app.add_subcommand(
      "collect",
      "Collect a snapshot without scanning it, as an evidence bundle to scan later or elsewhere:\n"
      "  kpatrol collect api --out cluster.tar.gz\n"
      "  kpatrol scan --bundle cluster.tar.gz");
  collect->require_subcommand(1);
  addCollectApiCommand(*collect, global);
  addCollectNodeCommand(*collect, global);
  addHistoryCommands(app, global);
  addDiagnoseCommand(app, global);
  app.add_subcommand("version", "print the version, rule API and snapshot schema")->callback([] {
    std::cout << "kpatrol " << toolVersion()
              << " (rule api 1, snapshot schema 1, report schema 1)\n";
  });

  // Logging must be set up after parsing but before any command runs: do it in a pre-callback.
  app.parse_complete_callback([&] {
    if (auto s = kpatrol::setupLogging(global.log_level, global.log_format); !s) {
      throw CLI::ValidationError(s.error().message);
    }
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitError;  // usage errors exit 2, like every other error
  } catch (const std::exception& e) {
    return fail(std::string("unexpected failure: ") + e.what());
  }
  return kpatrol::app::exitCode();
}
