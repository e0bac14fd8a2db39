// SPDX-License-Identifier: Apache-2.0
// kpatrol scan: snapshot -> rules -> evaluator -> SQLite -> reports.
#include <unistd.h>

#include <iostream>

#include <spdlog/spdlog.h>

#include "app.h"
#include "kpatrol/core/embedded.h"
#include "kpatrol/core/fs.h"
#include "kpatrol/core/time.h"
#include "kpatrol/engine/evaluator.h"
#include "kpatrol/engine/profile.h"
#include "kpatrol/engine/rule.h"
#include "kpatrol/model/snapshot.h"
#include "kpatrol/report/report.h"
#include "kpatrol/store/store.h"
#include "sources.h"

namespace kpatrol::app {
namespace fs = std::filesystem;

namespace {

struct ScanOptions : SourceOptions {
  std::shared_ptr<UnattendedOptions> unattended;
  std::vector<std::string> rule_packs;
  bool no_plugins = false;
  std::string profile = "default";
  std::string waivers;
  int rule_timeout_ms = 2000;
  int lua_memory_mib = 64;
  bool no_reuse = false;
  bool quiet = false;
  std::string fail_on = "none";
  std::string passes = "auto";  // all | summary | auto
};

// --fail-on: the findings that make `kpatrol scan` exit 1.
Result<std::size_t> countAtOrAbove(const report::ScanData& data, const std::string& threshold) {
  const auto limit = model::parseSeverity(threshold);
  if (!limit) return std::size_t{0};  // "none"
  std::size_t n = 0;
  auto st = report::forEachFinding(data, [&](const model::Finding& f) {
    // Severities are ordered critical < high < ... < info; waived findings have status waived.
    const bool problem = f.status == model::Status::kFail || f.status == model::Status::kWarn;
    if (problem && f.severity <= *limit) ++n;
    return okStatus();
  });
  if (!st) return std::move(st).error();
  return n;
}

// Everything the scan loads besides the snapshot: packs, profile, waivers.
struct Plan {
  engine::RuleSet rules;
  engine::Profile profile;
  engine::Selection selection;
  std::vector<engine::Waiver> waivers;
};

Result<Plan> makePlan(const ScanOptions& opt) {
  Plan plan;
  auto builtin = engine::builtinPacks();
  if (!builtin) return std::move(builtin).error();
  std::vector<engine::PackSource> packs = std::move(*builtin);
  std::vector<std::string> extra_packs;
  std::vector<engine::LoadMessage> pack_errors;
  for (const auto& path : opt.rule_packs) {
    auto more = engine::readPacks(path);
    if (!more) {
      // A pack that cannot be read is reported, and the scan of everything else goes on.
      pack_errors.push_back(engine::LoadMessage{path, 0, more.error().message, true,
                                                "pack/" + fs::path(path).filename().string()});
      continue;
    }
    for (auto& p : *more) {
      extra_packs.push_back(p.name);
      packs.push_back(std::move(p));
    }
  }
  // Installed plugins (kpatrol plugin add): a pack named with --rules wins over an installed
  // one of the same name; a plugin that no longer verifies is refused and reported.
  if (!opt.no_plugins) {
    for (auto& p : installedPlugins(pack_errors)) {
      if (std::find(extra_packs.begin(), extra_packs.end(), p.name) != extra_packs.end()) continue;
      extra_packs.push_back(p.name);
      packs.push_back(std::move(p));
    }
  }
  engine::LoadOptions load;
  load.memory_bytes = static_cast<std::size_t>(opt.lua_memory_mib) << 20;
  load.load_timeout_ms = opt.rule_timeout_ms;
  plan.rules = engine::loadRules(std::move(packs), load);
  plan.rules.messages.insert(plan.rules.messages.begin(), pack_errors.begin(), pack_errors.end());
  for (const auto& m : plan.rules.messages) {
    if (m.error) {
      std::cerr << "kpatrol: " << m.format() << "\n";
    } else {
      spdlog::warn("{}", m.format());
    }
  }
  auto profile = engine::resolveProfile(plan.rules, opt.profile);
  if (!profile) return std::move(profile).error();
  plan.profile = std::move(*profile);
  plan.selection = engine::selectRules(plan.rules, plan.profile, extra_packs);
  for (const auto& m : plan.selection.messages) {
    if (m.error) return makeError(Errc::kInvalidArgument, m.format());
    spdlog::warn("{}", m.format());
  }
  if (!opt.waivers.empty()) {
    auto text = readFile(opt.waivers, 4 << 20);
    if (!text) return std::move(text).error();
    auto waivers = engine::parseWaivers(*text, opt.waivers);
    if (!waivers) return std::move(waivers).error();
    plan.waivers = std::move(*waivers);
  }
  return plan;
}

// `--passes auto` counts pass and na findings instead of storing them above this many pods: a
// cluster of 150,000 pods gives ~6 million pass findings, which would dominate the database,
// the reports and the scan's memory while saying nothing per object that the counts do not.
constexpr std::size_t kPassSummaryPods = 10000;

bool summarizePasses(const ScanOptions& opt, const model::Snapshot& snapshot) {
  if (opt.passes != "auto") return opt.passes == "summary";
  const std::size_t pods = snapshot.subjects(model::Scope::kPod).size();
  if (pods <= kPassSummaryPods) return false;
  if (!opt.quiet) {
    std::cerr << "kpatrol: " << pods << " pods: pass and n/a findings are counted per rule, not "
              << "stored one by one (--passes all keeps every finding)\n";
  }
  return true;
}

int runScan(const GlobalOptions& global, const ScanOptions& opt) {
  if (auto s = checkSources(opt, "scan"); !s) return fail(s.error().message);
  if (opt.nodes) setPluginProbes(*opt.nodes, !opt.no_plugins);
  auto snapshot = loadSource(opt, global);
  if (!snapshot) return fail(snapshot.error());
  auto plan = makePlan(opt);
  if (!plan) return fail(plan.error());

  const fs::path db_path = dbPath(global);
  auto db = store::Store::open(db_path);
  if (!db) return fail(db.error());
  auto record =
      scanRecord(**snapshot, plan->profile.name, plan->rules.digest(), originOf(opt, **snapshot));
  const bool summarize = summarizePasses(opt, **snapshot);
  record.pass_detail = summarize ? "summary" : "all";
  auto scan_id = (*db)->beginScan(record);
  if (!scan_id) return fail(scan_id.error());
  for (auto s : {recordSelection(**db, *scan_id, plan->profile, plan->selection),
                 (*db)->addCollectionErrors(*scan_id, (*snapshot)->errors())}) {
    if (!s) return fail(s.error());
  }

  auto writer = store::FindingWriter::start(db_path, *scan_id, {.summarize_passes = summarize});
  if (!writer) return fail(writer.error());
  installSignalHandlers();
  engine::EvalOptions eval;
  eval.jobs = global.jobs;
  eval.limits.call_timeout = std::chrono::milliseconds(opt.rule_timeout_ms);
  eval.limits.memory_bytes = static_cast<std::size_t>(opt.lua_memory_mib) << 20;
  eval.limits.reuse_results = !opt.no_reuse;
  eval.cancel = &cancelFlag();
  const bool tty = ::isatty(STDERR_FILENO) != 0 && !opt.quiet;
  if (tty) {
    eval.progress = [](std::size_t done, std::size_t total) {
      if (done == total || done % 16 == 0) {
        std::cerr << "\rEvaluating: " << done << "/" << total << " units" << std::flush;
        if (done == total) std::cerr << "\r\033[K";
      }
    };
  }
  spdlog::info("scan={} rules={} subjects={} jobs={}", *scan_id, plan->selection.entries.size(),
               (*snapshot)->objectCount(), global.jobs);
  auto stats = engine::evaluate(
      plan->rules, plan->selection, **snapshot, plan->waivers, eval,
      [&](std::vector<model::Finding>&& batch) { (*writer)->submit(std::move(batch)); });
  const Status written = (*writer)->close();
  store::ScanState state = store::ScanState::kComplete;
  if (!stats || !written)
    state = store::ScanState::kFailed;
  else if (stats->cancelled)
    state = store::ScanState::kInterrupted;

  std::vector<store::WaiverRecord> waiver_records;
  const std::int64_t now = engine::snapshotTime(**snapshot);
  for (std::size_t i = 0; i < plan->waivers.size(); ++i) {
    const auto& w = plan->waivers[i];
    const bool expired = w.expires_at != 0 && w.expires_at < now;
    if (expired) {
      std::cerr << "kpatrol: warning: " << opt.waivers << ":" << w.line << ": waiver for " << w.rule
                << " (" << w.owner << ") expired on " << w.expires << " and no longer applies\n";
    }
    waiver_records.push_back(
        store::WaiverRecord{w.rule, w.subject, w.owner, w.reason, w.expires, expired,
                            stats ? static_cast<std::int64_t>(stats->waiver_matches[i]) : 0});
  }
  if (auto s = (*db)->addWaivers(*scan_id, waiver_records); !s) return fail(s.error());
  if (auto s = (*db)->finishScan(*scan_id, state, nowRfc3339()); !s) return fail(s.error());
  if (!stats) return fail(stats.error());
  if (!written) return fail(written.error().withContext("writing findings to " + db_path.string()));

  // The snapshot is not needed any more: give its memory back before the reports are built.
  snapshot->reset();
  // Findings are streamed from the database unless a format needs them all at once.
  bool load_findings = false;
  for (const auto& format : global.formats) load_findings |= !report::formatStreamsFindings(format);
  auto data = report::loadScan(**db, *scan_id, {.findings = load_findings});
  if (!data) return fail(data.error());
  auto written_files = writeReports(*data, global);
  if (!written_files) return fail(written_files.error());
  // Metrics are published before the exit status is decided: a scan that fails --fail-on is
  // exactly the one whose metrics matter. A failed push is reported and turns the exit status
  // into 2, so an unattended run cannot lose its metrics silently.
  const Status published = publishMetrics(*data, *opt.unattended);
  int rc = kExitOk;
  const auto over = countAtOrAbove(*data, opt.fail_on);
  if (!over) return fail(over.error());
  if (state == store::ScanState::kInterrupted) {
    rc = kExitInterrupted;
  } else if (*over > 0) {
    rc = kExitFindings;
  }
  if (!published) rc = kExitError;
  if (opt.unattended->summary == "json") {
    std::cout << summaryJson(*data, *written_files, db_path.string(), rc) << "\n";
  } else if (!opt.quiet) {
    report::ConsoleOptions console;
    console.lang = global.lang;
    console.color = useColor(global, STDOUT_FILENO);
    std::cout << report::renderConsole(*data, console);
    std::cout << "\n" << (global.lang == "zh" ? "报告: " : "Report: ");
    for (const auto& f : *written_files) std::cout << f << " ";
    std::cout << "\n"
              << (global.lang == "zh" ? "数据库: " : "Database: ") << db_path.string() << " (scan "
              << *scan_id << ")\n";
  }
  if (!published) return fail(published.error());
  if (state == store::ScanState::kInterrupted) {
    std::cerr << "kpatrol: scan interrupted; scan " << *scan_id << " is recorded as interrupted\n";
    return kExitInterrupted;
  }
  if (*over > 0) {
    if (!opt.quiet) {
      std::cerr << "kpatrol: " << *over << " fail/warn finding" << (*over == 1 ? "" : "s")
                << " at or above " << opt.fail_on << " severity (--fail-on " << opt.fail_on
                << "); exit status " << kExitFindings << "\n";
    }
    return kExitFindings;
  }
  return kExitOk;
}

// The profiles compiled in from rules/profiles/, for --help.
std::string builtinProfileNames() {
  std::string names;
  for (const auto& f : builtinRuleFiles()) {
    const std::string_view path = f.path;
    if (!path.starts_with("profiles/") || !path.ends_with(".yaml")) continue;
    names += (names.empty() ? "" : ", ") + std::string(path.substr(9, path.size() - 14));
  }
  return names;
}

}  // namespace

bool useColor(const GlobalOptions& global, int fd) {
  if (global.color == "always") return true;
  if (global.color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return ::isatty(fd) != 0;
}

Result<std::vector<std::string>> writeReports(const report::ScanData& data,
                                              const GlobalOptions& global) {
  const std::vector<std::string> formats =
      global.formats.empty() ? std::vector<std::string>{"json"} : global.formats;
  std::vector<std::string> written;
  report::RenderOptions render_options;
  render_options.lang = global.lang;
  for (const auto& format : formats) {
    auto files = report::render(data, format, render_options);
    if (!files) return std::move(files).error();
    for (const auto& file : *files) {
      const fs::path path =
          fs::path(global.out) / ("kpatrol-scan-" + std::to_string(data.scan.id) + file.suffix);
      if (auto s = writeFileAtomic(path, file.content); !s) return std::move(s).error();
      written.push_back(path.string());
    }
  }
  return written;
}

void addScanCommand(CLI::App& app, GlobalOptions& global) {
  auto opt = std::make_shared<ScanOptions>();
  auto* cmd = app.add_subcommand(
      "scan",
      "Evaluate the rules on a cluster, store the results and write reports.\n"
      "The cluster comes from the Kubernetes API (the default: the kubeconfig's current\n"
      "context, or the pod's service account in a cluster), from manifests (--manifests), a\n"
      "snapshot directory (--snapshot), an evidence bundle (--bundle) or the embedded demo\n"
      "cluster (--demo). Node hosts are added over SSH with --ssh-inventory. Examples:\n"
      "  kpatrol scan --demo\n"
      "  kpatrol scan --context prod --ssh-inventory nodes.yaml --format html,json\n"
      "  kpatrol scan --manifests ./k8s/ --profile cis\n"
      "  kpatrol scan --bundle cluster.tar.gz --profile cis --waivers waivers.yaml\n"
      "  kpatrol scan --demo --rules ./my-pack --out reports/");
  addSourceOptions(cmd, *opt);
  opt->unattended = addUnattendedOptions(cmd);
  cmd->add_flag("--no-plugins", opt->no_plugins,
                "do not load the installed plugin packs (kpatrol plugin list)");
  cmd->add_option("--rules", opt->rule_packs,
                  "an extra rule pack: a directory or a .tar.gz with pack.yaml (repeatable)");
  cmd->add_option("--profile", opt->profile,
                  "built-in profile (" + builtinProfileNames() + ") or a profile YAML file")
      ->capture_default_str();
  cmd->add_option("--waivers", opt->waivers,
                  "waivers YAML: accepted exceptions with owner, reason, expiry");
  cmd->add_option("--rule-timeout", opt->rule_timeout_ms, "time budget per rule and subject, in ms")
      ->check(CLI::Range(10, 600000))
      ->capture_default_str();
  cmd->add_option("--lua-memory", opt->lua_memory_mib, "memory cap per Lua worker state, in MiB")
      ->check(CLI::Range(8, 4096))
      ->capture_default_str();
  cmd->add_flag("--no-reuse", opt->no_reuse,
                "run every rule on every pod, workload and namespace; by default a rule's result\n"
                "is reused for a subject that shows it exactly the same data as an earlier one\n"
                "(the same findings, faster; docs/design-notes.md)");
  cmd->add_flag("-q,--quiet", opt->quiet,
                "print nothing but errors (no summary, no progress, no --fail-on message)");
  cmd->add_option("--fail-on", opt->fail_on,
                  "exit 1 when a fail or warn finding (not waived) has this severity or a higher "
                  "one: critical, high, medium, low, info, or none")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "none"}))
      ->capture_default_str();
  cmd->add_option("--passes", opt->passes,
                  "how pass and n/a findings are kept: all (one row each, in every report), "
                  "summary (counted per rule; reports list the other findings and the counts), "
                  "auto (summary above 10,000 pods)")
      ->check(CLI::IsMember({"all", "summary", "auto"}))
      ->capture_default_str();
  cmd->footer(
      "Output: the summary goes to stdout (coloured on a terminal; --color never or NO_COLOR\n"
      "turn colour off), progress to stderr on a terminal only, reports to --out.\n"
      "Exit status:\n"
      "  0    the scan completed and nothing reached the --fail-on threshold\n"
      "  1    --fail-on SEVERITY: fail or warn findings at or above SEVERITY (waived ones do\n"
      "       not count; error, na and manual never do)\n"
      "  2    a usage or runtime error (bad option, unreadable snapshot, database error)\n"
      "  130  interrupted (Ctrl-C); the scan is recorded as interrupted");
  cmd->callback([opt, &global] { exitCode() = runScan(global, *opt); });
}

}  // namespace kpatrol::app
