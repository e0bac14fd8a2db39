// SPDX-License-Identifier: Apache-2.0
// Plugin node probes: the shell text that runs the packs' fixed commands after the built-in
// probe (same script, same nonce framing), and the extraction of their sections.
#include "kpatrol/collect/plugin_probes.h"

#include "kpatrol/collect/node_probe.h"
#include "kpatrol/collect/probe_parsers.h"

namespace kpatrol::collect {

namespace {

// kp_plugin <section> <cap> <seconds> <command>: one section like the script's sec(), capped
// at cap+1 bytes (so the parser sees the cut), with the command's exit status. The command
// runs in a subshell, from the root directory,: KPATROL_ROOT and PATH changes do not leak into the
// rest of the script, and neither fd 3/4 nor the nonce (an unexported variable) reach it.
constexpr std::string_view kFunctions = R"SH(
KP_TIMEOUT=
[ -n "$HAVE_TIMEOUT" ] && KP_TIMEOUT=$(command -v timeout)
kp_prun() {
  (
    if [ -n "$R" ]; then
      PATH=$R/usr/local/sbin:$R/usr/local/bin:$R/usr/sbin:$R/usr/bin:$R/sbin:$R/bin:$PATH
    fi
    KPATROL_ROOT=$R
    export PATH KPATROL_ROOT
    cd "${R:-/}" || exit 125
    if [ -n "$KP_TIMEOUT" ]; then exec "$KP_TIMEOUT" "$1" /bin/sh -c "$2"; else exec /bin/sh -c "$2"; fi
  )
}
kp_plugin() {
  printf '%s begin %s\n' "$N" "$1"
  _rc=$({ { kp_prun "$3" "$4" </dev/null 3>&- 4>&- 2>/dev/null; echo $? >&3; } | head -c $(($2 + 1)) >&4; } 3>&1)
  printf '\n%s end %s rc=%s\n' "$N" "$1" "$_rc"
}
)SH";

}  // namespace

std::string pluginSectionName(const PluginProbeSpec& probe) {
  return "plugin:" + probe.pack + "/" + probe.name;
}

std::string pluginProbeScript(const std::vector<PluginProbeSpec>& probes) {
  if (probes.empty()) return {};
  std::string out = "# plugin probes (installed packs, plugins/README.md)";
  out += kFunctions;
  for (const auto& p : probes) {
    out += "kp_plugin " + shellQuote(pluginSectionName(p)) + " " +
           shellQuote(std::to_string(p.max_output_bytes)) + " " +
           shellQuote(std::to_string(p.timeout_seconds)) + " " + shellQuote(p.command) + "\n";
  }
  return out;
}

PluginProbeOutput pluginProbeOutput(std::string_view output, const PluginProbeSpec& probe) {
  PluginProbeOutput out;
  auto framed = probe::splitSections(output);
  if (!framed) {
    out.missing = true;
    return out;
  }
  auto it = framed->sections.find(pluginSectionName(probe));
  if (it == framed->sections.end()) {
    out.missing = true;
    return out;
  }
  out.body = std::move(it->second.body);
  out.rc = it->second.rc;
  out.truncated = it->second.truncated;
  if (out.body.size() > probe.max_output_bytes) {
    out.body.resize(probe.max_output_bytes);
    out.truncated = true;
  }
  return out;
}

std::string pluginProbeProblem(const PluginProbeOutput& out, const PluginProbeSpec& probe) {
  const std::string what = "probe command of pack '" + probe.pack + "'";
  if (out.missing) return what + " did not run (the probe output ended before its section)";
  if (out.rc == 124) {
    return what + " timed out after " + std::to_string(probe.timeout_seconds) + " s";
  }
  if (out.truncated) {
    return what + " printed more than its cap of " + std::to_string(probe.max_output_bytes) +
           " bytes (or was cut off)";
  }
  if (out.rc == 127) return what + " failed: command not found (exit status 127)";
  if (out.rc != 0) return what + " exited with status " + std::to_string(out.rc);
  return {};
}

}  // namespace kpatrol::collect
