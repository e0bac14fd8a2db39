// SPDX-License-Identifier: Apache-2.0
// Plugin node probes (plugins/README.md "Node probes"): the fixed commands installed packs
// declare, appended to the built-in probe script so they run in the same session (one SSH
// connection, or the host-root run), each in its own nonce-framed section with a time limit and
// an output cap; and the extraction of their raw output. Parsing the output is the scanner's
// job (a Lua parser in the sandbox), not the collector's.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kpatrol::collect {

struct PluginProbeSpec {
  std::string pack;
  std::string name;
  std::string command;  // one line of POSIX sh from the sealed pack, never built from node data
  int timeout_seconds = 30;
  std::size_t max_output_bytes = std::size_t{1} << 20;
};

/// "plugin:<pack>/<name>": the section a probe's output is framed in.
std::string pluginSectionName(const PluginProbeSpec& probe);

/// Shell text to append after the built-in probe script (it uses the script's nonce N, root R
/// and HAVE_TIMEOUT). Each command runs with stdin from /dev/null, stderr dropped, as
/// `/bin/sh -c COMMAND` under `timeout` from the root directory, with KPATROL_ROOT=$R exported
/// ("" for the live host) and, when the root is not /, the root's bin directories first on
/// PATH. Empty when there is no probe.
std::string pluginProbeScript(const std::vector<PluginProbeSpec>& probes);

struct PluginProbeOutput {
  std::string body;
  int rc = -1;             // the command's exit status; -1: none (cut off)
  bool truncated = false;  // more than max_output_bytes, or cut off
  bool missing = false;    // no section at all (the run ended before it)
};

/// The raw output of `probe` in the probe script's output (empty and missing when the output
/// has no probe header or no such section).
PluginProbeOutput pluginProbeOutput(std::string_view output, const PluginProbeSpec& probe);

/// Why a probe's output cannot be parsed ("" when it can): missing, cut off, too large, timed
/// out, or a non-zero exit status.
std::string pluginProbeProblem(const PluginProbeOutput& out, const PluginProbeSpec& probe);

}  // namespace kpatrol::collect
