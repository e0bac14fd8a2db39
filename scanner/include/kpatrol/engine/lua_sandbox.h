// SPDX-License-Identifier: Apache-2.0
// One sandboxed lua_State (design §4): capped allocator, count hook with a time budget that
// pcall cannot swallow, filtered libraries, a private frozen environment per chunk, read-only
// shared tables and JSON views. Not thread-safe: one sandbox per worker thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kpatrol/core/result.h"
#include "kpatrol/engine/rule.h"
#include "kpatrol/model/finding.h"
#include "kpatrol/model/snapshot.h"

struct lua_State;

namespace kpatrol::engine {

struct SandboxLimits {
  std::size_t memory_bytes = std::size_t{64} << 20;
  std::chrono::milliseconds call_timeout{2000};
  std::size_t max_evidence_bytes = std::size_t{64} * 1024;
  std::size_t max_message_bytes = 4096;
  /// Reuse a rule's outcome for a pod, workload or namespace whose data the rule reads exactly
  /// as for an earlier one (docs/design-notes.md, "Reusing results"). Findings are the same
  /// either way; off only to compare or to debug a rule.
  bool reuse_results = true;
};

/// What one check call concluded (status error carries the reason as message).
struct CheckOutcome {
  model::Status status = model::Status::kError;
  std::string message;
  std::string message_zh;  // empty: the rule gave no Chinese message
  model::Json evidence;
  bool applies = true;  // false: the rule's applies() excluded the subject
};

class LuaSandbox {
 public:
  static Result<std::unique_ptr<LuaSandbox>> create(const RuleSet& rules,
                                                    const SandboxLimits& limits);
  ~LuaSandbox();
  LuaSandbox(const LuaSandbox&) = delete;
  LuaSandbox& operator=(const LuaSandbox&) = delete;

  /// Runs a rule file in a private environment and returns a reference to the table it
  /// returned (left on the Lua registry). Errors carry "file:line: message".
  Result<int> loadChunk(std::string_view source, const std::string& display,
                        const std::string& pack);
  /// The raw state, for the loader's validation of a loaded table.
  lua_State* state() noexcept;

  /// Loads a validated rule for evaluation, with its effective parameters.
  Status addRule(const RuleMeta& rule, const model::Json& params);

  /// Evaluates rule number `index` (in addRule order) on a subject of the snapshot.
  CheckOutcome evaluate(std::size_t index, const model::Snapshot& snapshot,
                        const model::Subject& subject, std::int64_t now);

  /// Full collection when the heap has grown past half the cap (between subjects).
  void collectIfLarge();
  std::size_t memoryUsed() const noexcept;
  /// Evaluations answered from recorded reads so far (reuse_results).
  std::uint64_t reusedCount() const noexcept;

  struct Impl;

 private:
  explicit LuaSandbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kpatrol::engine
