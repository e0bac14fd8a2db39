// SPDX-License-Identifier: Apache-2.0
// kpatrol precheck --to VERSION: the upgrade pre-check. Evaluates the `precheck` profile (the
// rules/upgrade pack plus node readiness rules) with the target version passed to the rules as
// a parameter, stores the run like a scan, and turns the findings into one verdict:
// GO / GO WITH WARNINGS / NO-GO, with the version path and the node batch plan.
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include <spdlog/spdlog.h>

#include "app.h"
#include "kpatrol/core/fs.h"
#include "kpatrol/core/time.h"
#include "kpatrol/engine/evaluator.h"
#include "kpatrol/engine/profile.h"
#include "kpatrol/engine/rule.h"
#include "kpatrol/report/report.h"
#include "kpatrol/store/store.h"
#include "precheck.h"
#include "sources.h"

namespace kpatrol::app {
namespace fs = std::filesystem;

namespace {

struct PrecheckOptions : SourceOptions {
  std::string to;
  std::string profile = "precheck";
  std::string waivers;
  int window_days = 30;
  int rule_timeout_ms = 2000;
  int lua_memory_mib = 64;
  bool quiet = false;
};

// The values `kpatrol precheck` hands to the rules: every loaded rule that declares a parameter
// of this name gets the value, over its default and over the profile (rules/README.md).
void setParam(engine::Profile& profile, const engine::RuleSet& rules, const std::string& name,
              const model::Json& value) {
  for (const auto& r : rules.rules) {
    if (r.params.contains(name)) profile.params[r.id][name] = value;
  }
}

struct Loaded {
  engine::RuleSet rules;
  engine::Profile profile;
  engine::Selection selection;
  std::vector<engine::Waiver> waivers;
};

Result<Loaded> loadRules(const PrecheckOptions& opt, const std::string& target) {
  Loaded out;
  auto packs = engine::builtinPacks();
  if (!packs) return std::move(packs).error();
  engine::LoadOptions load;
  load.memory_bytes = static_cast<std::size_t>(opt.lua_memory_mib) << 20;
  load.load_timeout_ms = opt.rule_timeout_ms;
  out.rules = engine::loadRules(std::move(*packs), load);
  for (const auto& m : out.rules.messages) {
    if (m.error) {
      std::cerr << "kpatrol: " << m.format() << "\n";
    } else {
      spdlog::warn("{}", m.format());
    }
  }
  auto profile = engine::resolveProfile(out.rules, opt.profile);
  if (!profile) return std::move(profile).error();
  out.profile = std::move(*profile);
  setParam(out.profile, out.rules, "target_version", target);
  setParam(out.profile, out.rules, "window_days", opt.window_days);
  out.selection = engine::selectRules(out.rules, out.profile, {});
  if (!opt.manifests.empty()) {
    // Manifests describe objects, not a running cluster: only the API checks apply (nodes,
    // versions and readiness would all be "could not check").
    std::erase_if(out.selection.entries, [](const engine::Selection::Entry& e) {
      return std::none_of(e.groups.begin(), e.groups.end(),
                          [](const auto& m) { return m.group_id == "apis"; });
    });
  }
  for (const auto& m : out.selection.messages) {
    if (m.error) return makeError(Errc::kInvalidArgument, m.format());
    spdlog::warn("{}", m.format());
  }
  if (!opt.waivers.empty()) {
    auto text = readFile(opt.waivers, 4 << 20);
    if (!text) return std::move(text).error();
    auto waivers = engine::parseWaivers(*text, opt.waivers);
    if (!waivers) return std::move(waivers).error();
    out.waivers = std::move(*waivers);
  }
  return out;
}

// Control-plane and worker nodes for the batch plan, as the engine tells them apart (labels,
// or a kube-apiserver process in the host facts); virtual nodes are not upgraded.
precheck::NodePlan nodePlan(const model::Snapshot& snapshot) {
  std::vector<std::string> control_plane, workers;
  for (const auto& s : snapshot.subjects(model::Scope::kNode)) {
    model::JsonView labels;
    if (s.object) {
      const model::JsonView meta = s.object.find("metadata");
      if (meta && meta.find("labels") && meta.find("labels").is_object())
        labels = meta.find("labels");
    }
    const bool cp = (labels && (labels.contains("node-role.kubernetes.io/control-plane") ||
                                labels.contains("node-role.kubernetes.io/master"))) ||
                    (s.facts && s.facts.find("processes") &&
                     s.facts.find("processes").contains("kube-apiserver"));
    const bool virt =
        (labels && labels.find("type") && labels.find("type").stringOr() == "virtual-kubelet") ||
        (labels && labels.contains("virtual-kubelet.io/provider-name"));
    if (virt) continue;
    (cp ? control_plane : workers).push_back(s.name);
  }
  return precheck::planNodes(std::move(control_plane), std::move(workers));
}

int runPrecheck(const GlobalOptions& global, const PrecheckOptions& opt) {
  const auto target = precheck::parseVersion(opt.to);
  if (!target || target->major != 1) {
    return fail("--to: '" + opt.to + "' is not a Kubernetes version (use e.g. 1.29 or v1.29.3)");
  }
  const std::string to = precheck::minorText(*target);
  if (auto s = checkSources(opt, "precheck"); !s) return fail(s.error());
  auto snapshot = loadSource(opt, global);
  if (!snapshot) return fail(snapshot.error());
  auto loaded = loadRules(opt, to);
  if (!loaded) return fail(loaded.error());

  const fs::path db_path = dbPath(global);
  auto db = store::Store::open(db_path);
  if (!db) return fail(db.error());
  auto scan_id = (*db)->beginScan(scanRecord(**snapshot, loaded->profile.name,
                                             loaded->rules.digest(), originOf(opt, **snapshot)));
  if (!scan_id) return fail(scan_id.error());
  for (auto s : {recordSelection(**db, *scan_id, loaded->profile, loaded->selection),
                 (*db)->addCollectionErrors(*scan_id, (*snapshot)->errors())}) {
    if (!s) return fail(s.error());
  }

  auto writer = store::FindingWriter::start(db_path, *scan_id);
  if (!writer) return fail(writer.error());
  installSignalHandlers();
  engine::EvalOptions eval;
  eval.jobs = global.jobs;
  eval.limits.call_timeout = std::chrono::milliseconds(opt.rule_timeout_ms);
  eval.limits.memory_bytes = static_cast<std::size_t>(opt.lua_memory_mib) << 20;
  eval.cancel = &cancelFlag();
  auto stats = engine::evaluate(
      loaded->rules, loaded->selection, **snapshot, loaded->waivers, eval,
      [&](std::vector<model::Finding>&& batch) { (*writer)->submit(std::move(batch)); });
  const Status written = (*writer)->close();
  store::ScanState state = store::ScanState::kComplete;
  if (!stats || !written)
    state = store::ScanState::kFailed;
  else if (stats->cancelled)
    state = store::ScanState::kInterrupted;
  std::vector<store::WaiverRecord> waiver_records;
  const std::int64_t now = engine::snapshotTime(**snapshot);
  for (std::size_t i = 0; i < loaded->waivers.size(); ++i) {
    const auto& w = loaded->waivers[i];
    const bool expired = w.expires_at != 0 && w.expires_at < now;
    waiver_records.push_back(
        store::WaiverRecord{w.rule, w.subject, w.owner, w.reason, w.expires, expired,
                            stats ? static_cast<std::int64_t>(stats->waiver_matches[i]) : 0});
  }
  if (auto s = (*db)->addWaivers(*scan_id, waiver_records); !s) return fail(s.error());
  if (auto s = (*db)->finishScan(*scan_id, state, nowRfc3339()); !s) return fail(s.error());
  if (!stats) return fail(stats.error());
  if (!written) return fail(written.error().withContext("writing findings to " + db_path.string()));
  if (state == store::ScanState::kInterrupted) {
    std::cerr << "kpatrol: precheck interrupted; scan " << *scan_id
              << " is recorded as interrupted and gives no verdict\n";
    return kExitInterrupted;
  }

  auto data = report::loadScan(**db, *scan_id);
  if (!data) return fail(data.error());
  precheck::Report rep;
  rep.scan = data->scan;
  rep.to = to;
  rep.window_days = opt.window_days;
  rep.result = precheck::classify(data->findings);
  for (const auto& r : data->rules) rep.rules[r.rule_id] = r;
  const auto& meta = (*snapshot)->meta();
  const bool ack = meta.flavour.starts_with("ack");
  if (auto from = precheck::parseVersion(meta.cluster_version)) {
    rep.from = precheck::minorText(*from);
    rep.path = precheck::versionPath(*from, *target, ack);
  }
  rep.nodes = nodePlan(**snapshot);
  rep.managed_control_plane = meta.flavour == "ack-managed";

  // --format json (the default) writes the precheck document; other formats render the stored
  // scan through the scan renderers (kpatrol-scan-<id>.<ext>).
  std::vector<std::string> files;
  GlobalOptions others = global;
  others.formats.clear();
  bool want_json = global.formats.empty();
  for (const auto& f : global.formats) {
    if (f == "json") {
      want_json = true;
    } else {
      others.formats.push_back(f);
    }
  }
  if (want_json) {
    const fs::path path =
        fs::path(global.out) / ("kpatrol-precheck-" + std::to_string(*scan_id) + ".json");
    if (auto s = writeFileAtomic(path, precheck::toJson(rep).dump(2) + "\n"); !s)
      return fail(s.error());
    files.push_back(path.string());
  }
  if (!others.formats.empty()) {
    auto more = writeReports(*data, others);
    if (!more) return fail(more.error());
    files.insert(files.end(), more->begin(), more->end());
  }
  if (!opt.quiet) {
    std::cout << precheck::renderConsole(rep, global.lang, useColor(global, STDOUT_FILENO));
    const bool zh = global.lang == "zh";
    if (!files.empty()) {
      std::cout << "\n" << (zh ? "报告: " : "Report: ");
      for (const auto& f : files) std::cout << f << " ";
      std::cout << "\n";
    }
    std::cout << (zh ? "数据库: " : "Database: ") << db_path.string() << " (scan " << *scan_id
              << ", profile " << rep.scan.profile << ")\n";
  }
  return precheck::exitCodeFor(rep.result.verdict);
}

}  // namespace

void addPrecheckCommand(CLI::App& app, GlobalOptions& global) {
  auto opt = std::make_shared<PrecheckOptions>();
  auto* cmd = app.add_subcommand(
      "precheck",
      "Upgrade pre-check: one verdict — GO, GO WITH WARNINGS or NO-GO — for upgrading the\n"
      "cluster to --to VERSION, with every blocker, its evidence and the fix, the version path\n"
      "(one minor version at a time) and the node batch plan. Checks removed and deprecated APIs\n"
      "(objects, last-applied manifests, webhooks, CRDs, APIServices), version skew, breakers\n"
      "of the target version (dockershim, PodSecurityPolicy, in-tree volumes, kubelet flags,\n"
      "CoreDNS, etcd, ...) and readiness (nodes, PDBs, certificates, etcd, webhooks, capacity).\n"
      "Sources as for `kpatrol scan`. Examples:\n"
      "  kpatrol precheck --to 1.29 --demo\n"
      "  kpatrol precheck --to 1.25 --snapshot ./snapshot-dir --lang zh\n"
      "  kpatrol precheck --to 1.29 --manifests ./deploy --format json --out reports/\n"
      "  kpatrol precheck --to 1.30 --context prod --ssh-inventory nodes.yaml");
  cmd->add_option("--to", opt->to, "the target Kubernetes version (1.29, v1.29 or v1.29.3)")
      ->required();
  addSourceOptions(cmd, *opt);
  cmd->add_option("--profile", opt->profile,
                  "the rules to run: the built-in `precheck` profile or a profile YAML file")
      ->capture_default_str();
  cmd->add_option("--window", opt->window_days,
                  "the upgrade window in days: certificates expiring within it block the upgrade")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  cmd->add_option("--waivers", opt->waivers,
                  "waivers YAML: accepted exceptions (a waived blocker no longer blocks)");
  cmd->add_option("--rule-timeout", opt->rule_timeout_ms, "time budget per rule and subject, in ms")
      ->check(CLI::Range(10, 600000))
      ->capture_default_str();
  cmd->add_option("--lua-memory", opt->lua_memory_mib, "memory cap per Lua worker state, in MiB")
      ->check(CLI::Range(8, 4096))
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", opt->quiet, "print nothing but errors; the exit status tells");
  cmd->footer(
      "Output: the verdict, blockers (evidence and fix), warnings, checks that could not run,\n"
      "the version path and the node batch plan on stdout; --format json (the default) writes\n"
      "kpatrol-precheck-<id>.json to --out (docs/precheck.md); other formats render the stored\n"
      "run like a scan. The run is kept in the database with profile `precheck`.\n"
      "A check that could not run (error) is never read as a pass: it counts as a warning.\n"
      "Exit status:\n"
      "  0    GO: no blockers, no warnings\n"
      "  1    NO-GO: at least one blocker (a fail finding that is not waived)\n"
      "  3    GO WITH WARNINGS: no blocker, but warnings or checks that could not run\n"
      "  2    a usage or runtime error (bad --to, unreadable snapshot, database error)\n"
      "  130  interrupted (Ctrl-C); no verdict");
  cmd->callback([opt, &global] { exitCode() = runPrecheck(global, *opt); });
}

}  // namespace kpatrol::app
