// SPDX-License-Identifier: Apache-2.0
// Plugin node probes: which commands run, and their Lua parsers on each node's output.
#include "plugin_probes.h"

#include <spdlog/spdlog.h>

#include "app.h"
#include "kpatrol/engine/probe_parser.h"

namespace kpatrol::app {

std::string pluginFactPath(const collect::PluginProbeSpec& probe) {
  return "plugins." + probe.pack + "." + probe.name;
}

PluginProbes::PluginProbes(std::vector<engine::PackSource> packs) {
  for (auto& p : packs) {
    if (p.probes.empty()) continue;
    const std::size_t index = packs_.packs.size();
    for (std::size_t i = 0; i < p.probes.size(); ++i) {
      const auto& probe = p.probes[i];
      entries_.push_back({index, i});
      specs_.push_back(
          {p.name, probe.name, probe.command, probe.timeout_seconds, probe.max_output_bytes});
    }
    packs_.packs.push_back(std::move(p));
  }
  if (specs_.empty()) return;
  // The shared helpers (rules/lib), so a parser may require("k8s") like a rule.
  if (auto builtin = engine::builtinPacks()) {
    for (auto& b : *builtin) {
      if (b.name == "_builtin") packs_.packs.push_back(std::move(b));
    }
  }
}

void PluginProbes::apply(std::string_view output, const std::string& subject,
                         const std::string& source, collect::ProbeResult& result) const {
  if (specs_.empty()) return;
  std::unique_ptr<engine::ProbeParserRunner> runner;
  std::string runner_error;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const auto& spec = specs_[i];
    const auto& pack = packs_.packs[entries_[i].pack];
    const auto& probe = pack.probes[entries_[i].probe];
    const std::string fact = pluginFactPath(spec);
    auto raw = collect::pluginProbeOutput(output, spec);
    if (auto problem = collect::pluginProbeProblem(raw, spec); !problem.empty()) {
      result.errors.push_back({subject, fact, source, problem});
      continue;
    }
    if (!runner && runner_error.empty()) {
      auto created = engine::ProbeParserRunner::create(packs_);
      if (created) {
        runner = std::move(*created);
      } else {
        runner_error = "the Lua sandbox for probe parsers failed: " + created.error().message;
      }
    }
    if (!runner) {
      result.errors.push_back({subject, fact, source, runner_error});
      continue;
    }
    auto facts = runner->parse(pack, probe, raw.body);
    if (!facts) {
      result.errors.push_back({subject, fact, source, facts.error().message});
      continue;
    }
    if (!result.facts.contains("plugins") || !result.facts["plugins"].is_object()) {
      result.facts["plugins"] = model::Json::object();
    }
    result.facts["plugins"][spec.pack][spec.name] = std::move(*facts);
  }
}

std::shared_ptr<const PluginProbes> installedPluginProbes(bool enabled) {
  if (!enabled) return std::make_shared<const PluginProbes>(std::vector<engine::PackSource>{});
  std::vector<engine::LoadMessage> refused;
  auto packs = installedPlugins(refused);
  for (const auto& m : refused) spdlog::warn("{} (its node probes do not run)", m.format());
  return std::make_shared<const PluginProbes>(std::move(packs));
}

}  // namespace kpatrol::app
