// SPDX-License-Identifier: Apache-2.0
// Builds rule packs and snapshots in memory for engine tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kpatrol/engine/evaluator.h"
#include "kpatrol/engine/rule.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::test {

/// A rule file with the required fields; `body` is the body of check(s, ctx).
inline std::string ruleSource(const std::string& id, const std::string& body,
                              const std::string& scope = "cluster", const std::string& extra = "") {
  return "return {\n  api = 1,\n  id = \"" + id + "\",\n  title = { en = \"t\", zh = \"t\" },\n" +
         "  severity = \"medium\",\n  scope = \"" + scope + "\",\n" +
         "  remediation = { en = \"r\", zh = \"r\" },\n" + extra + "  check = function(s, ctx)\n" +
         body + "\n  end,\n}\n";
}

inline engine::PackSource pack(const std::string& name, std::map<std::string, std::string> files) {
  engine::PackSource p;
  p.name = name;
  p.origin = "test/" + name;
  files.emplace("pack.yaml", "name: " + name + "\nversion: 1.0.0\napi: 1\n");
  p.files = std::move(files);
  return p;
}

inline model::SnapshotPtr snapshotOf(const std::string& json) {
  auto snap = model::Snapshot::fromJson(model::Json::parse(json), "test");
  if (!snap) throw std::runtime_error(snap.error().message);
  return *snap;
}

/// Evaluates every loaded rule (defaults for params) over the snapshot.
inline std::vector<model::Finding> runAll(const engine::RuleSet& rules, const model::Snapshot& snap,
                                          engine::EvalOptions options = {},
                                          const std::vector<engine::Waiver>& waivers = {},
                                          engine::EvalStats* stats_out = nullptr) {
  engine::Selection sel;
  for (const auto& r : rules.rules) {
    engine::Selection::Entry e;
    e.rule = &r;
    e.params = model::Json::object();
    for (const auto& [name, spec] : r.params.items()) e.params[name] = spec["default"];
    e.groups.push_back({"all", "all", "all", 1.0});
    sel.entries.push_back(std::move(e));
  }
  std::vector<model::Finding> out;
  auto stats = engine::evaluate(rules, sel, snap, waivers, options,
                                [&](std::vector<model::Finding>&& batch) {
                                  for (auto& f : batch) out.push_back(std::move(f));
                                });
  if (!stats) throw std::runtime_error(stats.error().message);
  if (stats_out != nullptr) *stats_out = *stats;
  return out;
}

inline const model::Finding* findingFor(const std::vector<model::Finding>& findings,
                                        const std::string& rule,
                                        const std::string& subject = "cluster") {
  for (const auto& f : findings) {
    if (f.rule_id == rule && f.subject == subject) return &f;
  }
  return nullptr;
}

}  // namespace kpatrol::test
