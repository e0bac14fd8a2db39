// SPDX-License-Identifier: Apache-2.0
// `kpatrol precheck`: the verdict, the version path, the node batch plan and their rendering
// (console en/zh, JSON). Pure functions of the findings and the snapshot's nodes, unit-tested
// on their own (test/unit/precheck); cmd_precheck.cpp runs the rules and calls them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/model/finding.h"
#include "kpatrol/store/store.h"

namespace kpatrol::app::precheck {

struct Version {
  int major = 0;
  int minor = 0;
  int patch = -1;  // -1: not given ("1.29")
};
/// "v1.28.3", "1.29", "v1.20.4-aliyun.1", "1.22.0-eks-abc" -> {1, 28, 3}; nullopt otherwise.
std::optional<Version> parseVersion(std::string_view text);
/// "1.28"
std::string minorText(const Version& v);

/// The control-plane path from `from` to `to`, one minor at a time: {"1.26", "1.27", "1.28"}.
/// On ACK (`ack`), only the even minors are releases, so the steps are the even minors
/// ({"1.20", "1.22", "1.24"}); an odd target stays the last element (the rule flags it).
/// A target at or below `from` gives {from} (nothing to do, or a downgrade).
std::vector<std::string> versionPath(const Version& from, const Version& to, bool ack);

/// Worker batches per the ACK default policy: 1, then powers of two, each batch at most 10 %
/// of the nodes (at least 1): 50 nodes -> 1, 2, 4, 5, 5, ... The sizes sum to `nodes`.
std::vector<int> batchSizes(int nodes);
/// The largest batch allowed: max(1, nodes / 10).
int maxBatch(int nodes);

enum class Verdict { kGo, kGoWithWarnings, kNoGo };
const char* verdictName(Verdict v) noexcept;  // "GO", "GO WITH WARNINGS", "NO-GO"
const char* verdictNameZh(Verdict v) noexcept;  // "可以升级", "可以升级（有警告）", "不可升级"
/// Exit codes (docs/cli.md): 0 GO, 3 GO WITH WARNINGS, 1 NO-GO.
int exitCodeFor(Verdict v) noexcept;
inline constexpr int kExitNoGo = 1;
inline constexpr int kExitWarnings = 3;

/// Findings sorted into the verdict's lists. `fail` is a blocker; `warn` a warning; `error`
/// ("could not check") is never taken as a pass: it is listed as unverified and counts as a
/// warning. pass, na, manual and waived findings do not affect the verdict.
struct Classification {
  std::vector<const model::Finding*> blockers;
  std::vector<const model::Finding*> warnings;
  std::vector<const model::Finding*> unverified;
  std::size_t passed = 0;
  std::size_t waived = 0;
  Verdict verdict = Verdict::kGo;
};
/// Keeps the findings' order within each list, most severe first (stable).
Classification classify(const std::vector<model::Finding>& findings);

struct NodePlan {
  std::vector<std::string> control_plane;  // upgraded one at a time, first
  std::vector<std::vector<std::string>> batches;
  int workers = 0;
  int max_batch = 1;
};
/// Control-plane nodes one at a time, then the workers (sorted by name) in batchSizes().
NodePlan planNodes(std::vector<std::string> control_plane, std::vector<std::string> workers);

struct Report {
  store::ScanRecord scan;
  std::string from;  // "1.28", or "" when the snapshot has no cluster version (manifests)
  std::string to;    // "1.29"
  std::vector<std::string> path;
  Classification result;
  std::map<std::string, store::RuleRecord> rules;  // by id: titles and remediation
  NodePlan nodes;
  bool managed_control_plane = false;  // ACK managed: no control-plane nodes to upgrade
  int window_days = 30;
};

/// The precheck JSON document (docs/precheck.md).
model::Json toJson(const Report& report);
/// The console summary: verdict, blockers (evidence, fix), warnings, unverified, path, plan.
std::string renderConsole(const Report& report, const std::string& lang, bool color,
                          std::size_t max_items = 20);

}  // namespace kpatrol::app::precheck
