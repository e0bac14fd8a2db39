// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/engine/evaluator.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <spdlog/spdlog.h>

#include "kpatrol/core/time.h"

namespace kpatrol::engine {
namespace {

struct Unit {
  model::Scope scope;
  std::size_t begin;
  std::size_t end;
};

struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::optional<std::vector<model::Finding>>> results;
  // Emptied batches the sink left behind, for the workers to fill again: freeing and
  // allocating a vector of thousands of findings per unit makes glibc consolidate its heap.
  std::vector<std::vector<model::Finding>> spare;
  std::size_t next = 0;
  std::string fatal;       // a worker that could not start
  bool cut_short = false;  // a unit stopped part-way on a signal
};

std::vector<model::Finding> evaluateUnit(LuaSandbox& sandbox, const Selection& selection,
                                         const std::vector<std::size_t>& rule_indexes,
                                         const model::Snapshot& snapshot, const Unit& unit,
                                         std::int64_t now, std::uint64_t& evaluations,
                                         std::vector<model::Finding> out,
                                         const std::atomic<bool>* cancel, bool& cut_short) {
  out.clear();
  out.reserve((unit.end - unit.begin) * rule_indexes.size());
  const auto subjects = snapshot.subjects(unit.scope);
  // One clock read per evaluation: each one starts when the one before it ended.
  auto start = std::chrono::steady_clock::now();
  for (std::size_t s = unit.begin; s < unit.end; ++s) {
    // A signal stops the scan between subjects, not only between units: the findings so far
    // are kept, and the scan is recorded as interrupted.
    if (cancel != nullptr && cancel->load()) {
      cut_short = true;
      break;
    }
    const model::Subject& subject = subjects[s];
    for (const std::size_t r : rule_indexes) {
      const RuleMeta& rule = *selection.entries[r].rule;
      CheckOutcome outcome = sandbox.evaluate(r, snapshot, subject, now);
      ++evaluations;
      const auto end = std::chrono::steady_clock::now();
      const auto duration =
          std::chrono::duration_cast<std::chrono::microseconds>(end - start).count();
      start = end;
      if (!outcome.applies) continue;
      model::Finding f;
      f.rule_id = rule.id;
      f.subject = subject.id;
      f.scope = unit.scope;
      f.status = outcome.status;
      f.severity = rule.severity;
      f.message = std::move(outcome.message);
      f.message_zh = std::move(outcome.message_zh);
      f.evidence = std::move(outcome.evidence);
      f.duration_us = duration;
      out.push_back(std::move(f));
    }
    sandbox.collectIfLarge();
    start = std::chrono::steady_clock::now();  // a collection is no rule's time
  }
  return out;
}

void applyWaivers(std::vector<model::Finding>& findings, const std::vector<Waiver>& waivers,
                  std::int64_t now, std::vector<std::uint64_t>& matches) {
  for (auto& f : findings) {
    if (f.status != model::Status::kFail && f.status != model::Status::kWarn) continue;
    for (std::size_t i = 0; i < waivers.size(); ++i) {
      const Waiver& w = waivers[i];
      if (w.expires_at != 0 && w.expires_at < now) continue;
      if (!globMatch(w.rule, f.rule_id) || !globMatch(w.subject, f.subject)) continue;
      f.waiver =
          w.owner + ": " + w.reason + (w.expires.empty() ? "" : " (until " + w.expires + ")");
      if (!f.message.empty())
        f.waiver += " [was " + std::string(model::statusName(f.status)) + ": " + f.message + "]";
      f.status = model::Status::kWaived;
      ++matches[i];
      break;
    }
  }
}

}  // namespace

std::int64_t snapshotTime(const model::Snapshot& snapshot) {
  return parseRfc3339(snapshot.meta().created_at).value_or(0);
}

Result<EvalStats> evaluate(const RuleSet& rules, const Selection& selection,
                           const model::Snapshot& snapshot, const std::vector<Waiver>& waivers,
                           const EvalOptions& options,
                           const std::function<void(std::vector<model::Finding>&&)>& sink) {
  EvalStats stats;
  stats.waiver_matches.assign(waivers.size(), 0);
  const std::int64_t now = snapshotTime(snapshot);
  std::uint64_t seq = 0;

  // Rules that failed to load are findings too: nothing a user asked for disappears silently.
  {
    std::vector<model::Finding> load_errors;
    for (const auto& m : rules.messages) {
      if (!m.error || m.rule_id.empty()) continue;
      model::Finding f;
      f.rule_id = m.rule_id;
      f.subject = "cluster";
      f.scope = model::Scope::kCluster;
      f.status = model::Status::kError;
      f.severity = model::Severity::kHigh;
      f.message = "rule failed to load: " + m.format();
      load_errors.push_back(std::move(f));
    }
    for (auto& f : load_errors) f.seq = seq++;
    stats.findings += load_errors.size();
    if (!load_errors.empty()) sink(std::move(load_errors));
  }

  std::vector<Unit> units;
  std::vector<std::vector<std::size_t>> rules_by_scope(std::size(model::kAllScopes));
  for (std::size_t i = 0; i < selection.entries.size(); ++i) {
    rules_by_scope[static_cast<std::size_t>(selection.entries[i].rule->scope)].push_back(i);
  }
  const std::size_t per_unit = std::max<std::size_t>(1, options.subjects_per_unit);
  for (const auto scope : model::kAllScopes) {
    if (rules_by_scope[static_cast<std::size_t>(scope)].empty()) continue;
    const std::size_t n = snapshot.subjects(scope).size();
    for (std::size_t b = 0; b < n; b += per_unit)
      units.push_back(Unit{scope, b, std::min(n, b + per_unit)});
  }
  unsigned jobs =
      options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(jobs, units.size())));
  stats.jobs = jobs;

  Shared shared;
  shared.results.resize(units.size());
  std::atomic<std::uint64_t> evaluations{0};
  std::atomic<std::uint64_t> reused{0};
  auto worker = [&]() {
    auto sandbox = LuaSandbox::create(rules, options.limits);
    std::string failure;
    if (sandbox) {
      for (const auto& entry : selection.entries) {
        if (auto s = (*sandbox)->addRule(*entry.rule, entry.params); !s) {
          failure = s.error().message;
          break;
        }
      }
    } else {
      failure = sandbox.error().message;
    }
    std::uint64_t local_evals = 0;
    while (true) {
      std::size_t i = 0;
      std::vector<model::Finding> buffer;
      {
        std::lock_guard lock(shared.mu);
        if (!failure.empty()) {
          shared.fatal = failure;
          shared.cv.notify_all();
          return;
        }
        if (shared.next >= units.size() || (options.cancel != nullptr && options.cancel->load())) {
          break;
        }
        i = shared.next++;
        if (!shared.spare.empty()) {
          buffer = std::move(shared.spare.back());
          shared.spare.pop_back();
        }
      }
      bool cut_short = false;
      auto findings = evaluateUnit(
          **sandbox, selection, rules_by_scope[static_cast<std::size_t>(units[i].scope)], snapshot,
          units[i], now, local_evals, std::move(buffer), options.cancel, cut_short);
      std::lock_guard lock(shared.mu);
      shared.cut_short = shared.cut_short || cut_short;
      shared.results[i] = std::move(findings);
      shared.cv.notify_all();
    }
    evaluations += local_evals;
    reused += (*sandbox)->reusedCount();
    std::lock_guard lock(shared.mu);
    shared.cv.notify_all();
  };
  std::vector<std::thread> threads;
  threads.reserve(jobs);
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);

  // Release units in order as they complete, so output never depends on scheduling.
  std::size_t emitted = 0;
  while (emitted < units.size()) {
    std::vector<model::Finding> batch;
    {
      std::unique_lock lock(shared.mu);
      const auto never_started = [&] {
        return options.cancel != nullptr && options.cancel->load() && shared.next <= emitted;
      };
      // A signal sets the cancel flag without notifying: poll it.
      while (!shared.results[emitted] && shared.fatal.empty() && !never_started()) {
        shared.cv.wait_for(lock, std::chrono::milliseconds(100));
      }
      if (!shared.fatal.empty() || !shared.results[emitted]) break;
      batch = std::move(*shared.results[emitted]);
      shared.results[emitted].reset();
    }
    ++emitted;
    applyWaivers(batch, waivers, now, stats.waiver_matches);
    for (auto& f : batch) f.seq = seq++;
    stats.findings += batch.size();
    if (!batch.empty()) sink(std::move(batch));
    batch.clear();               // whatever the sink left of the batch
    if (batch.capacity() > 0) {  // the sink did not take the vector: reuse it
      std::lock_guard lock(shared.mu);
      if (shared.spare.size() < 2 * static_cast<std::size_t>(jobs) + 2) {
        shared.spare.push_back(std::move(batch));
      }
    }
    if (options.progress) options.progress(emitted, units.size());
  }
  for (auto& t : threads) t.join();
  stats.evaluations = evaluations.load();
  stats.reused = reused.load();
  if (!shared.fatal.empty()) {
    return makeError(Errc::kRuleError, "evaluator worker could not start: " + shared.fatal);
  }
  stats.cancelled = emitted < units.size() || shared.cut_short;
  return stats;
}

}  // namespace kpatrol::engine
