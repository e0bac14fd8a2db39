// SPDX-License-Identifier: Apache-2.0
// The parallel evaluator: a worker pool with one sandbox per worker evaluates (rule x subject)
// in units of subjects; results are released in unit order, so the findings and their seq
// numbers are identical whatever the thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/engine/lua_sandbox.h"
#include "kpatrol/engine/profile.h"
#include "kpatrol/model/finding.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::engine {

struct EvalOptions {
  unsigned jobs = 0;  // 0: one per core
  SandboxLimits limits;
  // Subjects per unit of work. Large enough that a worker sees a ReplicaSet's pods together
  // (result reuse, memo.h), small enough that the last units balance across workers.
  std::size_t subjects_per_unit = 256;
  const std::atomic<bool>* cancel = nullptr;  // set by a signal handler: stop between units
  std::function<void(std::size_t done, std::size_t total)> progress;
};

struct EvalStats {
  std::uint64_t evaluations = 0;  // rule x subject checks made (applies() included)
  std::uint64_t findings = 0;
  std::uint64_t reused = 0;  // evaluations answered from recorded reads (SandboxLimits)
  unsigned jobs = 1;
  bool cancelled = false;
  std::vector<std::uint64_t> waiver_matches;  // per waiver, in input order
};

/// Evaluates the selection over the snapshot. Findings are handed to `sink` in order, in
/// batches, from the calling thread. Waivers turn matching fail/warn/error findings into
/// `waived` unless expired (ctx.now() is the snapshot time).
Result<EvalStats> evaluate(const RuleSet& rules, const Selection& selection,
                           const model::Snapshot& snapshot, const std::vector<Waiver>& waivers,
                           const EvalOptions& options,
                           const std::function<void(std::vector<model::Finding>&&)>& sink);

/// The scan time rules see: the snapshot's created_at (0 if absent).
std::int64_t snapshotTime(const model::Snapshot& snapshot);

}  // namespace kpatrol::engine
