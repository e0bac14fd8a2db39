// SPDX-License-Identifier: Apache-2.0
// Renderers read a scan back from the store (any past scan can be re-rendered).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/store/store.h"

namespace kpatrol::report {

inline constexpr int kJsonSchemaVersion = 1;

struct ScanData {
  store::ScanRecord scan;
  std::vector<model::Finding> findings;
  std::vector<store::RuleRecord> rules;
  std::vector<store::ScoreRecord> scores;
  std::vector<store::WaiverRecord> waivers;
  std::vector<model::CollectionError> errors;
};

Result<ScanData> loadScan(const store::Store& db, std::int64_t scan_id);

/// A finding's id, stable across scans: the first 16 hex digits of sha256(rule_id "\n" subject).
std::string findingId(const model::Finding& finding);

/// The JSON report (docs/report-json.md): schema_version, scan, cluster, scores, rules, and a
/// top-level `findings` array in evaluation order.
std::string renderJson(const ScanData& data);

struct ConsoleOptions {
  std::string lang = "en";  // en | zh
  bool color = false;
  std::size_t max_items = 15;
};
/// The summary printed after a scan: scores per group, status counts, the worst findings.
std::string renderConsole(const ScanData& data, const ConsoleOptions& options);

}  // namespace kpatrol::report
