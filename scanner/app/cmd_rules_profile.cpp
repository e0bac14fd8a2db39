// SPDX-License-Identifier: Apache-2.0
// kpatrol rules profile: evaluates profiles over a cluster source without storing anything and
// reports where the time goes: evaluations per second per core, and the slowest rules.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app.h"
#include "kpatrol/engine/evaluator.h"
#include "kpatrol/engine/profile.h"
#include "sources.h"

namespace kpatrol::app {
namespace {

struct ProfileOptions {
  SourceOptions source;
  std::vector<std::string> profiles;
  std::vector<std::string> rule_packs;
  std::size_t top = 10;
  std::string format = "text";
  int rule_timeout_ms = 2000;
  bool reuse = false;
};

struct RuleCost {
  std::string id;
  std::string scope;
  std::uint64_t checks = 0;  // findings produced (subjects the rule applied to)
  std::int64_t total_us = 0;
  std::int64_t max_us = 0;
};

struct ProfileRun {
  std::string profile;
  std::size_t rules = 0;
  std::uint64_t evaluations = 0;
  std::uint64_t findings = 0;
  unsigned jobs = 1;
  double wall_s = 0;
  double cpu_s = 0;
};

double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

double perCore(const ProfileRun& run) {
  return run.cpu_s > 0 ? static_cast<double>(run.evaluations) / run.cpu_s : 0.0;
}

nlohmann::ordered_json toJson(const std::vector<ProfileRun>& runs,
                              const std::vector<RuleCost>& slowest) {
  nlohmann::ordered_json out;
  out["profiles"] = nlohmann::ordered_json::array();
  for (const auto& r : runs) {
    out["profiles"].push_back({{"profile", r.profile},
                               {"rules", r.rules},
                               {"evaluations", r.evaluations},
                               {"findings", r.findings},
                               {"jobs", r.jobs},
                               {"wall_seconds", r.wall_s},
                               {"cpu_seconds", r.cpu_s},
                               {"evaluations_per_cpu_second", perCore(r)}});
  }
  out["slowest"] = nlohmann::ordered_json::array();
  for (const auto& c : slowest) {
    out["slowest"].push_back(
        {{"rule", c.id},
         {"scope", c.scope},
         {"checks", c.checks},
         {"total_us", c.total_us},
         {"mean_us", c.checks > 0 ? c.total_us / static_cast<std::int64_t>(c.checks) : 0},
         {"max_us", c.max_us}});
  }
  return out;
}

void printText(const std::vector<ProfileRun>& runs, const std::vector<RuleCost>& slowest) {
  std::cout << fmt::format("{:<12} {:>6} {:>12} {:>9} {:>5} {:>9} {:>9} {:>14}\n", "profile",
                           "rules", "evaluations", "findings", "jobs", "wall s", "cpu s",
                           "evals/cpu-s");
  for (const auto& r : runs) {
    std::cout << fmt::format("{:<12} {:>6} {:>12} {:>9} {:>5} {:>9.3f} {:>9.3f} {:>14.0f}\n",
                             r.profile, r.rules, r.evaluations, r.findings, r.jobs, r.wall_s,
                             r.cpu_s, perCore(r));
  }
  std::cout << "\nslowest rules (check time summed over every subject and profile):\n";
  std::cout << fmt::format("{:<40} {:<9} {:>8} {:>11} {:>9} {:>9}\n", "rule", "scope", "checks",
                           "total ms", "mean us", "max us");
  for (const auto& c : slowest) {
    const auto mean = c.checks > 0 ? c.total_us / static_cast<std::int64_t>(c.checks) : 0;
    std::cout << fmt::format("{:<40} {:<9} {:>8} {:>11.3f} {:>9} {:>9}\n", c.id, c.scope, c.checks,
                             static_cast<double>(c.total_us) / 1000.0, mean, c.max_us);
  }
}

int runProfile(const GlobalOptions& global, ProfileOptions opt) {
  if (auto s = checkSources(opt.source, "rules profile"); !s) return fail(s.error());
  if (opt.profiles.empty()) opt.profiles = {"default"};
  std::vector<std::string> extra;
  auto rules = loadRulePacks(opt.rule_packs, &extra);
  if (!rules) return fail(rules.error());
  for (const auto& m : rules->messages) std::cerr << m.format() << "\n";
  if (rules->hasErrors()) return fail("rule packs have errors (above)");
  auto snapshot = loadSource(opt.source, global);
  if (!snapshot) return fail(snapshot.error());

  engine::EvalOptions eval;
  eval.jobs = global.jobs;
  eval.limits.call_timeout = std::chrono::milliseconds(opt.rule_timeout_ms);
  eval.limits.reuse_results = opt.reuse;
  installSignalHandlers();
  eval.cancel = &cancelFlag();

  std::map<std::string, RuleCost> costs;
  std::vector<ProfileRun> runs;
  for (const auto& name : opt.profiles) {
    auto profile = engine::resolveProfile(*rules, name);
    if (!profile) return fail(profile.error());
    const auto selection = engine::selectRules(*rules, *profile, extra);
    for (const auto& m : selection.messages) {
      if (m.error) return fail(m.format());
    }
    ProfileRun run;
    run.profile = profile->name;
    run.rules = selection.entries.size();
    auto sink = [&](std::vector<model::Finding>&& batch) {
      for (const auto& f : batch) {
        auto& c = costs[f.rule_id];
        c.id = f.rule_id;
        c.scope = model::scopeName(f.scope);
        ++c.checks;
        c.total_us += f.duration_us;
        c.max_us = std::max(c.max_us, f.duration_us);
      }
      run.findings += batch.size();
    };
    const double cpu0 = cpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    auto stats = engine::evaluate(*rules, selection, **snapshot, {}, eval, sink);
    if (!stats) return fail(stats.error());
    if (stats->cancelled) return kExitInterrupted;
    run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    run.cpu_s = cpuSeconds() - cpu0;
    run.evaluations = stats->evaluations;
    run.jobs = stats->jobs;
    runs.push_back(run);
  }

  std::vector<RuleCost> slowest;
  slowest.reserve(costs.size());
  for (auto& [id, c] : costs) slowest.push_back(std::move(c));
  std::sort(slowest.begin(), slowest.end(), [](const RuleCost& a, const RuleCost& b) {
    return a.total_us != b.total_us ? a.total_us > b.total_us : a.id < b.id;
  });
  if (slowest.size() > opt.top) slowest.resize(opt.top);

  if (opt.format == "json") {
    std::cout << toJson(runs, slowest).dump(2) << "\n";
  } else {
    printText(runs, slowest);
  }
  return kExitOk;
}

}  // namespace

void addRulesProfileCommand(CLI::App* rules, GlobalOptions& global) {
  auto opt = std::make_shared<ProfileOptions>();
  auto* cmd = rules->add_subcommand(
      "profile",
      "Evaluate profiles over a cluster and show where the time goes: evaluations per second\n"
      "per CPU core and the slowest rules. Nothing is stored. Examples:\n"
      "  kpatrol rules profile --demo\n"
      "  kpatrol rules profile --snapshot ./snap --profile cis --profile health --top 20\n"
      "  kpatrol rules profile --demo --rules ./my-pack --format json");
  addSourceOptions(cmd, opt->source);
  cmd->add_option("--profile", opt->profiles, "profile to evaluate (repeatable; default: default)");
  cmd->add_option("--rules", opt->rule_packs, "also load this rule pack (repeatable)");
  cmd->add_option("--top", opt->top, "how many of the slowest rules to list")
      ->capture_default_str();
  cmd->add_option("--format", opt->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--rule-timeout", opt->rule_timeout_ms, "time budget per rule and subject, in ms")
      ->check(CLI::Range(10, 600000))
      ->capture_default_str();
  cmd->add_flag("--reuse", opt->reuse,
                "reuse results across look-alike subjects as a scan does; by default every check\n"
                "runs, so each rule's own cost is shown");
  cmd->footer(
      "A rule's time is what its checks took on the worker threads (rules that do not apply to\n"
      "a subject cost only their applies() call, which is not attributed). The -j global option\n"
      "sets the worker count; evaluations per CPU second is the per-core rate.\n"
      "Exit status: 0 profiled; 2 a usage or runtime error; 130 interrupted.");
  cmd->callback([opt, &global] { exitCode() = runProfile(global, *opt); });
}

}  // namespace kpatrol::app
