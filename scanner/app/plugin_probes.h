// SPDX-License-Identifier: Apache-2.0
// Node probes of the installed plugin packs (pack.yaml `probes:`): the shell text the node
// collectors append to the built-in probe, and the parsing of their sections by the packs' Lua
// parsers into facts.plugins.<pack>.<probe>.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/collect/node_probe.h"
#include "kpatrol/collect/plugin_probes.h"
#include "kpatrol/engine/rule.h"

namespace kpatrol::app {

class PluginProbes {
 public:
  /// The probes of `packs` (each pack already verified against its SHA256SUMS).
  explicit PluginProbes(std::vector<engine::PackSource> packs);

  bool empty() const { return specs_.empty(); }
  const std::vector<collect::PluginProbeSpec>& specs() const { return specs_; }
  /// Shell text for ProbeOptions::plugin_sections.
  std::string script() const { return collect::pluginProbeScript(specs_); }

  /// Adds facts.plugins.<pack>.<probe> to `result` from the probe script's `output`; a probe
  /// whose command failed or whose parser failed is an error for fact "plugins.<pack>.<probe>"
  /// (its rules yield `error`). Thread-safe: each call uses its own sandbox.
  void apply(std::string_view output, const std::string& subject, const std::string& source,
             collect::ProbeResult& result) const;

 private:
  engine::RuleSet packs_;  // the packs (and the built-in helpers) for the parsers' require()
  struct Entry {
    std::size_t pack = 0;  // index in packs_.packs
    std::size_t probe = 0;
  };
  std::vector<Entry> entries_;
  std::vector<collect::PluginProbeSpec> specs_;
};

/// The probes of the installed plugins (none with `enabled` false: scan --no-plugins). A plugin
/// that no longer verifies is left out with a warning, as scan does for its rules.
std::shared_ptr<const PluginProbes> installedPluginProbes(bool enabled = true);

/// The fact path of a probe: "plugins.<pack>.<probe>".
std::string pluginFactPath(const collect::PluginProbeSpec& probe);

}  // namespace kpatrol::app
