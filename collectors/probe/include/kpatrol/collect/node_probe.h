// SPDX-License-Identifier: Apache-2.0
// The node probe: one fixed, read-only POSIX sh script that prints every fact's raw output in
// delimited sections, the one quoting function every argument passes through, and the pure
// parsers that turn the script's output into host facts (docs/snapshot.md, nodes/<node>.json).
// The same script runs over SSH (collectors/ssh) and against a mounted host root.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect {

/// Quotes `arg` for POSIX sh as one word. Every value that reaches a shell line goes through it.
std::string shellQuote(std::string_view arg);

struct ProbeOptions {
  std::string root = "/";  // read files under this root (host root, tests)
  std::string cluster_domain = "cluster.local";
  std::string cluster_dns;                       // DNS service IP to resolve through; empty: skip
  std::size_t max_section_bytes = 1 << 20;       // output cap per section
  std::string external_name = "www.aliyun.com";  // a name outside the cluster to resolve
  int timeout_seconds = 120;                     // host root: the whole script's time limit
  std::string extra_endpoints;  // "host:port,...": more TLS endpoints to read (live host only)
  std::string plugin_sections;  // appended after the script: pluginProbeScript() (plugin_probes.h)
};

/// The script: a fixed string; the options enter only as shellQuote()d variable assignments.
std::string probeScript(const ProbeOptions& options);

struct ProbeResult {
  model::Json facts = model::Json::object();   // docs/snapshot.md host facts
  std::vector<model::CollectionError> errors;  // per-fact errors (subject, source filled)
};

/// Parses the script's output. Never throws; a section that cannot be parsed becomes an error
/// for that fact, the others are kept.
ProbeResult parseProbeOutput(std::string_view output, std::string_view subject,
                             std::string_view source);

/// Runs the script locally with `shell` (fed on stdin to `shell -s`, in its own process group,
/// killed at options.timeout_seconds; output capped) and returns what it printed. A timeout
/// or an oversized output still returns the partial output: the parser reports the cut.
Result<std::string> runProbeScript(const std::filesystem::path& shell, const ProbeOptions& options);

/// Runs the script locally against a mounted host root (`kpatrol collect node --host-root`).
Result<ProbeResult> collectHostRoot(const std::filesystem::path& root, const ProbeOptions& options,
                                    std::string_view node_name);

}  // namespace kpatrol::collect
