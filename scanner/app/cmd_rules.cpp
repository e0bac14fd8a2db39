// SPDX-License-Identifier: Apache-2.0
// kpatrol rules list|show|validate|test
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app.h"
#include "kpatrol/engine/rule.h"
#include "kpatrol/engine/rule_tester.h"

namespace kpatrol::app {

Result<engine::RuleSet> loadRulePacks(const std::vector<std::string>& paths,
                                      std::vector<std::string>* names) {
  auto builtin = engine::builtinPacks();
  if (!builtin) return std::move(builtin).error();
  std::vector<engine::PackSource> packs = std::move(*builtin);
  for (const auto& path : paths) {
    auto more = engine::readPacks(path);
    if (!more) return std::move(more).error();
    for (auto& p : *more) {
      // Working on a copy of a built-in pack (`kpatrol rules test rules/health`): the copy on
      // disk replaces the embedded one instead of clashing with it.
      std::erase_if(packs,
                    [&](const engine::PackSource& b) { return b.builtin && b.name == p.name; });
      if (names != nullptr) names->push_back(p.name);
      packs.push_back(std::move(p));
    }
  }
  return engine::loadRules(std::move(packs));
}

namespace {

struct RulesOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string id;
  bool builtin_only = false;
};

void printMessages(const engine::RuleSet& rules) {
  for (const auto& m : rules.messages) std::cerr << m.format() << "\n";
}

int runList(const RulesOptions& opt, const GlobalOptions& global) {
  auto rules = loadRulePacks(opt.paths, nullptr);
  if (!rules) return fail(rules.error());
  printMessages(*rules);
  if (opt.format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : rules->rules) {
      out.push_back({{"id", r.id},
                     {"pack", r.pack},
                     {"title", {{"en", r.title_en}, {"zh", r.title_zh}}},
                     {"severity", model::severityName(r.severity)},
                     {"scope", model::scopeName(r.scope)},
                     {"baselines", r.baselines},
                     {"requires", r.requires_},
                     {"params", r.params}});
    }
    std::cout << out.dump(2) << "\n";
    return rules->hasErrors() ? kExitError : kExitOk;
  }
  for (const auto& r : rules->rules) {
    std::string baselines;
    for (const auto& [name, value] : r.baselines.items()) {
      baselines += (baselines.empty() ? "" : " ") + name;
      if (value.is_object() && value.contains("control"))
        baselines += ":" + value["control"].dump();
    }
    std::cout << fmt::format("{:<34} {:<8} {:<9} {}{}\n", r.id, model::severityName(r.severity),
                             model::scopeName(r.scope),
                             global.lang == "zh" ? r.title_zh : r.title_en,
                             baselines.empty() ? "" : "  [" + baselines + "]");
  }
  std::cout << rules->rules.size() << " rules\n";
  return rules->hasErrors() ? kExitError : kExitOk;
}

int runShow(const RulesOptions& opt) {
  auto rules = loadRulePacks(opt.paths, nullptr);
  if (!rules) return fail(rules.error());
  const auto* r = rules->find(opt.id);
  if (r == nullptr) return fail("no rule '" + opt.id + "' (see `kpatrol rules list`)");
  std::cout << r->id << "  (" << r->display << ")\n"
            << "  title:       " << r->title_en << " / " << r->title_zh << "\n"
            << "  severity:    " << model::severityName(r->severity) << "\n"
            << "  scope:       " << model::scopeName(r->scope) << "\n"
            << "  requires:    " << fmt::format("{}", fmt::join(r->requires_, ", ")) << "\n"
            << "  baselines:   " << r->baselines.dump() << "\n"
            << "  params:      " << r->params.dump() << "\n";
  if (!r->impact_en.empty())
    std::cout << "  impact:      " << r->impact_en << "\n               " << r->impact_zh << "\n";
  std::cout << "  remediation: " << r->remediation_en << "\n               " << r->remediation_zh
            << "\n";
  return kExitOk;
}

int runValidate(const RulesOptions& opt) {
  std::vector<std::string> names;
  auto rules = loadRulePacks(opt.paths, &names);
  if (!rules) return fail(rules.error());
  printMessages(*rules);
  std::size_t count = 0;
  for (const auto& r : rules->rules) {
    if (opt.paths.empty() || std::find(names.begin(), names.end(), r.pack) != names.end()) ++count;
  }
  if (rules->hasErrors()) {
    std::cerr << "kpatrol: rules have errors (above); " << count << " rules are valid\n";
    return kExitError;
  }
  std::cout << count << " rules valid\n";
  return kExitOk;
}

int runTest(const RulesOptions& opt) {
  std::vector<std::string> names;
  auto rules = loadRulePacks(opt.builtin_only ? std::vector<std::string>{} : opt.paths, &names);
  if (!rules) return fail(rules.error());
  const auto report = engine::runRuleTests(*rules, names);
  for (const auto& r : report.results) {
    if (!r.passed)
      std::cout << "FAIL " << r.rule_id << " [" << r.case_name << "] " << r.file << ": " << r.detail
                << "\n";
  }
  std::cout << report.passed << " passed, " << report.failed << " failed\n";
  return report.failed == 0 && report.passed > 0 ? kExitOk : kExitFindings;
}

}  // namespace

void addRulesCommands(CLI::App& app, GlobalOptions& global) {
  auto opt = std::make_shared<RulesOptions>();
  auto* rules = app.add_subcommand("rules", "List, show, validate and test rules and rule packs");
  rules->require_subcommand(1);
  auto* list =
      rules->add_subcommand("list", "List every rule with its severity, scope and baselines");
  list->add_option("--rules", opt->paths,
                   "also load this rule pack (directory or .tar.gz; repeatable)");
  list->add_option("--format", opt->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  list->callback([opt, &global] { exitCode() = runList(*opt, global); });

  auto* show =
      rules->add_subcommand("show", "Show one rule: texts, baselines, parameters, remediation");
  show->add_option("id", opt->id, "rule id, e.g. cis-k8s/4.2.1")->required();
  show->add_option("--rules", opt->paths, "also load this rule pack (repeatable)");
  show->callback([opt] { exitCode() = runShow(*opt); });

  auto* validate = rules->add_subcommand(
      "validate", "Load rule packs in the sandbox and report every problem with file and line");
  validate->add_option("paths", opt->paths,
                       "pack directories or .tar.gz files (default: the built-in packs)");
  validate->callback([opt] { exitCode() = runValidate(*opt); });

  auto* test = rules->add_subcommand(
      "test", "Run the pass/fail test cases shipped with rule packs (tests/<rule>.yaml)");
  test->add_option("paths", opt->paths,
                   "pack directories or .tar.gz files (default: the built-in packs)");
  test->add_flag("--builtin-only", opt->builtin_only, "test the built-in packs only");
  test->callback([opt] { exitCode() = runTest(*opt); });

  addRulesProfileCommand(rules, global);
}

}  // namespace kpatrol::app
