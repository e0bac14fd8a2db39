// SPDX-License-Identifier: Apache-2.0
// The Lua parsers of plugin node probes (pack.yaml `probes:`), run in the rule sandbox: a
// parser file returns {parse = function(output) ... end}; parse gets the command's output as a
// string and returns the table of facts stored at facts.plugins.<pack>.<probe>.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "kpatrol/core/result.h"
#include "kpatrol/engine/lua_sandbox.h"
#include "kpatrol/engine/rule.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::engine {

/// One sandbox for the parsers of a set of packs. Not thread-safe: one runner per thread.
/// `packs` (for require() from a parser) must outlive the runner.
class ProbeParserRunner {
 public:
  static Result<std::unique_ptr<ProbeParserRunner>> create(const RuleSet& packs,
                                                           const SandboxLimits& limits = {});
  /// Runs `probe`'s parser on `output`. Errors name the parser file (and line for Lua errors):
  /// a syntax or runtime error, a time or memory budget exceeded, a result that is not a table.
  Result<model::Json> parse(const PackSource& pack, const PackProbe& probe,
                            std::string_view output);

 private:
  explicit ProbeParserRunner(std::unique_ptr<LuaSandbox> sandbox) : sandbox_(std::move(sandbox)) {}
  std::unique_ptr<LuaSandbox> sandbox_;
  std::map<std::string, int> refs_;  // "<pack>/<parser file>" -> the parser table's registry ref
};

/// The facts' budget: a parser's result larger than this (as JSON) is cut ("_truncated").
inline constexpr std::size_t kMaxProbeFactsBytes = std::size_t{1} << 20;

}  // namespace kpatrol::engine
