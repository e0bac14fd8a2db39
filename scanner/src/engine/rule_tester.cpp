// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/engine/rule_tester.h"

#include <algorithm>

#include "kpatrol/core/yaml_json.h"
#include "kpatrol/engine/evaluator.h"
#include "kpatrol/model/json_get.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::engine {
namespace {

RuleTestResult runCase(const RuleSet& rules, const RuleMeta& rule, const model::Json& tc,
                       const std::string& file, std::size_t index, const SandboxLimits& limits) {
  RuleTestResult r;
  r.rule_id = rule.id;
  r.file = file;
  r.case_name = tc.is_object() && tc.contains("name") && tc["name"].is_string()
                    ? tc["name"].get<std::string>()
                    : "case " + std::to_string(index + 1);
  auto fail = [&](std::string why) {
    r.passed = false;
    r.detail = std::move(why);
    return r;
  };
  if (!tc.is_object()) return fail("a case must be a mapping");
  const std::string expect = model::stringAt(tc, {"expect"});
  const bool expect_skip = expect == "skip";  // applies() must exclude the subject
  const auto expected = model::parseStatus(expect);
  if (!expected && !expect_skip) {
    return fail("'expect' must be one of pass, warn, fail, error, na, manual, skip");
  }
  auto snap = model::Snapshot::fromJson(tc.value("snapshot", model::Json::object()), file);
  if (!snap) return fail(snap.error().message);

  Selection sel;
  Selection::Entry entry;
  entry.rule = &rule;
  entry.params = model::Json::object();
  for (const auto& [name, spec] : rule.params.items()) entry.params[name] = spec["default"];
  if (auto p = tc.find("params"); p != tc.end() && p->is_object()) {
    for (const auto& [name, value] : p->items()) {
      if (!entry.params.contains(name)) return fail("the rule has no parameter '" + name + "'");
      entry.params[name] = value;
    }
  }
  sel.entries.push_back(std::move(entry));
  RuleSet only;  // no load-error findings from other files in the case's result
  only.packs = rules.packs;
  EvalOptions options;
  options.jobs = 1;
  options.limits = limits;
  std::vector<model::Finding> findings;
  auto stats = evaluate(only, sel, **snap, {}, options, [&](std::vector<model::Finding>&& batch) {
    for (auto& f : batch) findings.push_back(std::move(f));
  });
  if (!stats) return fail(stats.error().message);
  const std::string subject = model::stringAt(tc, {"subject"});
  if (!subject.empty()) {
    const auto subjects = (*snap)->subjects(rule.scope);
    const bool exists = std::any_of(subjects.begin(), subjects.end(),
                                    [&](const model::Subject& s) { return s.id == subject; });
    if (!exists) {
      return fail("subject '" + subject + "' is not in the case's snapshot (scope " +
                  model::scopeName(rule.scope) + ")");
    }
  }
  if (expect_skip) {
    for (const auto& f : findings) {
      if (subject.empty() || f.subject == subject) {
        return fail(f.subject + ": expected applies() to skip it, got " +
                    model::statusName(f.status));
      }
    }
    r.passed = true;
    return r;
  }
  if (!subject.empty()) {
    findings.erase(std::remove_if(findings.begin(), findings.end(),
                                  [&](const model::Finding& f) { return f.subject != subject; }),
                   findings.end());
    if (findings.empty())
      return fail("no finding for subject '" + subject + "' (does applies() exclude it?)");
  } else if (findings.empty()) {
    return fail("the rule produced no finding for this snapshot");
  }
  const std::string message = model::stringAt(tc, {"message"});
  for (const auto& f : findings) {
    if (f.status != *expected) {
      return fail(f.subject + ": expected " + expect + ", got " + model::statusName(f.status) +
                  (f.message.empty() ? "" : ": " + f.message));
    }
    if (!message.empty() && f.message.find(message) == std::string::npos) {
      return fail(f.subject + ": message \"" + f.message + "\" does not contain \"" + message +
                  "\"");
    }
  }
  r.passed = true;
  return r;
}

}  // namespace

RuleTestReport runRuleTests(const RuleSet& rules, const std::vector<std::string>& packs,
                            const SandboxLimits& limits) {
  RuleTestReport report;
  auto add = [&](RuleTestResult r) {
    (r.passed ? report.passed : report.failed) += 1;
    report.results.push_back(std::move(r));
  };
  for (const auto& m : rules.messages) {
    if (!m.error) continue;
    const bool wanted =
        packs.empty() || std::any_of(packs.begin(), packs.end(), [&](const std::string& p) {
          return m.rule_id.starts_with(p + "/");
        });
    if (wanted) add(RuleTestResult{m.rule_id, m.file, "load", false, m.format()});
  }
  for (const auto& rule : rules.rules) {
    if (!packs.empty() && std::find(packs.begin(), packs.end(), rule.pack) == packs.end()) continue;
    const PackSource* pack = nullptr;
    for (const auto& p : rules.packs) {
      if (p.name == rule.pack) pack = &p;
    }
    if (pack == nullptr) continue;  // every loaded rule comes from a pack of the set
    const std::string stem = rule.file.substr(0, rule.file.size() - 4);
    const std::string test_file = "tests/" + stem + ".yaml";
    const std::string display = pack->origin + "/" + test_file;
    auto it = pack->files.find(test_file);
    if (it == pack->files.end()) {
      add(RuleTestResult{
          rule.id, display, "fixtures", false,
          "no test file " + test_file + " (every rule needs a passing and a failing case)"});
      continue;
    }
    auto doc = parseYamlToJson(it->second, display);
    if (!doc) {
      add(RuleTestResult{rule.id, display, "parse", false, doc.error().message});
      continue;
    }
    const model::Json cases = doc->is_object() ? doc->value("cases", model::Json()) : model::Json();
    if (!cases.is_array() || cases.empty()) {
      add(RuleTestResult{rule.id, display, "parse", false,
                         "expected 'cases:' with a list of cases"});
      continue;
    }
    bool has_pass = false, has_fail = false;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const auto& tc = cases[i];
      if (tc.is_object()) {
        const std::string expect = model::stringAt(tc, {"expect"});
        has_pass = has_pass || expect == "pass";
        has_fail = has_fail || expect == "fail" || expect == "warn";
      }
      add(runCase(rules, rule, tc, display, i, limits));
    }
    if (!has_pass || !has_fail) {
      add(RuleTestResult{rule.id, display, "coverage", false,
                         std::string("the rule needs at least one ") +
                             (!has_pass ? "passing" : "failing (fail or warn)") + " case"});
    }
  }
  return report;
}

}  // namespace kpatrol::engine
