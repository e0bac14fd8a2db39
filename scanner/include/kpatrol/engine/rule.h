// SPDX-License-Identifier: Apache-2.0
// Rules and rule packs as loaded and validated by the engine (rules/README.md is the format).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/model/finding.h"

namespace kpatrol::engine {

/// The rule API this engine implements; a rule or pack asking for a newer one is refused.
inline constexpr int kRuleApiVersion = 1;

/// A node probe a pack declares in pack.yaml `probes:` (plugins/README.md "Node probes"): a
/// fixed command run on every node in the built-in probe's session, and a Lua parser (a file of
/// the pack returning {parse = function(output) ... end}) that turns its output into the facts
/// at facts.plugins.<pack>.<name>.
struct PackProbe {
  std::string name;     // [a-z0-9_]+, unique in the pack
  std::string command;  // one line of POSIX sh, fixed by the sealed pack
  std::string parser;   // pack-relative path of the parser (.lua, not a rule file)
  int timeout_seconds = 30;
  std::size_t max_output_bytes = std::size_t{1} << 20;
  int line = 0;  // in pack.yaml, for messages
};

/// A pack's files as loaded from the embedded tree, a directory or a .tar.gz.
struct PackSource {
  std::string name;  // from pack.yaml
  std::string version;
  int api = kRuleApiVersion;
  std::string description_en;
  std::string description_zh;
  std::string kpatrol_range;  // pack.yaml `kpatrol:`, e.g. ">=0.1.0 <1.0.0"; empty: any
  std::string origin;         // "builtin", a directory or an archive path (for messages)
  bool builtin = false;
  std::map<std::string, std::string> files;  // relative path -> content
  std::vector<PackProbe> probes;             // pack.yaml `probes:`
};

/// One load problem, Falco-style: file and line, error or warning.
struct LoadMessage {
  std::string file;  // "rules/health/pod-crashloop.lua", "builtin:health/x.lua", ...
  int line = 0;      // 0 when unknown
  std::string message;
  bool error = true;
  std::string rule_id;  // the id the file declares or would declare, when known
  std::string format() const;
};

struct RuleMeta {
  std::string id;
  std::string pack;
  std::string file;     // relative path inside the pack
  std::string display;  // origin-qualified path for messages
  std::string source;   // the Lua text
  std::string sha256;
  int api = kRuleApiVersion;
  std::string title_en, title_zh;
  std::string impact_en, impact_zh;
  std::string remediation_en, remediation_zh;
  model::Severity severity = model::Severity::kMedium;
  model::Scope scope = model::Scope::kCluster;
  std::vector<std::string> requires_;
  model::Json baselines = model::Json::object();
  model::Json params = model::Json::object();  // name -> {"default": v, "description": s}
  std::vector<std::string> references;
  std::vector<std::string> tags;
  bool has_applies = false;
};

/// Every rule that loaded, the libraries they may require, and every load problem.
struct RuleSet {
  std::vector<PackSource> packs;
  std::vector<RuleMeta> rules;  // sorted by id
  std::vector<LoadMessage> messages;
  /// Profiles shipped with the packs: name -> YAML text.
  std::map<std::string, std::string> profiles;

  bool hasErrors() const;
  const RuleMeta* find(std::string_view id) const;
  /// Lua library source for require(name) from a rule of `pack`: the pack's lib/ first, then
  /// the built-in rules/lib. nullptr if absent.
  const std::string* librarySource(std::string_view pack, std::string_view name,
                                   std::string* display) const;
  /// sha256 over every rule's id and source: identifies exactly which rules produced a scan.
  std::string digest() const;
};

/// Reads the built-in packs (rules/ compiled into the binary).
Result<std::vector<PackSource>> builtinPacks();
/// Reads a pack directory, a directory of pack directories, or a .tar.gz pack.
Result<std::vector<PackSource>> readPacks(const std::filesystem::path& path);

/// The file that seals a plugin pack: `sha256sum` lines for every other file of the pack.
inline constexpr const char* kPackChecksumsFile = "SHA256SUMS";
/// SHA256SUMS text for the pack as it is (every file but SHA256SUMS, sorted by path).
std::string packChecksums(const PackSource& pack);
/// The pack is sealed and untouched: SHA256SUMS lists exactly its other files and every
/// digest matches. The error names the first member that differs.
Status verifyPackChecksums(const PackSource& pack);
/// The pack's `kpatrol:` range admits this kpatrol version ("0.1.0").
Status checkKpatrolRange(const PackSource& pack, std::string_view kpatrol_version);

struct LoadOptions {
  std::size_t memory_bytes = std::size_t{64} << 20;
  int load_timeout_ms = 2000;
};

/// Compiles and validates every rule of the packs. Broken rules are left out and described
/// in messages; they never stop the others from loading.
RuleSet loadRules(std::vector<PackSource> packs, const LoadOptions& options = {});

}  // namespace kpatrol::engine
