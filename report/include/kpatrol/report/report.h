// SPDX-License-Identifier: Apache-2.0
// Renderers read a scan back from the store (any past scan can be re-rendered).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/store/store.h"

namespace kpatrol::report {

inline constexpr int kJsonSchemaVersion = 1;

/// One earlier scan of the same cluster, for trends.
struct HistoryPoint {
  std::int64_t scan_id = 0;
  std::string started_at;
  std::string snapshot_time;
  std::optional<double> score;  // the profile's overall score
  std::string grade;
  store::StatusCounts counts;
};

/// How a (rule, subject) pair moved between two scans. "Problem" means fail or warn.
enum class Change {
  kNew,       // a problem now that was not one before (or did not exist)
  kResolved,  // a problem before that is not one now (or is gone)
  kChanged,   // status changed otherwise (e.g. pass -> error, fail -> warn)
  kUnchanged,
};
const char* changeName(Change change) noexcept;

struct DiffEntry {
  std::string finding_id;
  std::string rule_id;
  std::string subject;
  Change change = Change::kUnchanged;
  std::optional<model::Status> before;  // nullopt: absent in the older scan
  std::optional<model::Status> after;   // nullopt: absent in the newer scan
  model::Severity severity = model::Severity::kMedium;
  std::string message;  // the newer message, else the older one
};

struct ScanDiff {
  std::int64_t from_scan = 0;
  std::int64_t to_scan = 0;
  std::vector<DiffEntry> entries;  // new, resolved, changed first (by severity), unchanged last
  std::size_t count(Change change) const;
};

/// The identity kpatrol uses to tell scans of the same cluster: the kube-system namespace uid,
/// else the cluster name.
std::string clusterKey(const store::ScanRecord& scan);
/// Up to `limit` complete scans of the same cluster up to and including `scan`, oldest first.
Result<std::vector<HistoryPoint>> scanHistory(const store::Store& db, const store::ScanRecord& scan,
                                              std::size_t limit = 20);
/// The latest complete scan of the same cluster before `scan`, if any.
Result<std::optional<std::int64_t>> previousScan(const store::Store& db,
                                                 const store::ScanRecord& scan);
/// Compares two scans finding by finding (matched on rule id and subject).
Result<ScanDiff> diffScans(const store::Store& db, std::int64_t older, std::int64_t newer);

struct ScanData {
  store::ScanRecord scan;
  /// Every stored finding, in evaluation order, when loaded (LoadOptions::findings); else
  /// empty, and forEachFinding reads them one at a time from `store`.
  std::vector<model::Finding> findings;
  bool findings_loaded = true;
  const store::Store* store = nullptr;
  /// Findings counted, not stored (scan.pass_detail "summary"): pass and na per rule.
  std::vector<store::RollupRecord> counted;
  std::vector<store::RuleRecord> rules;
  std::vector<store::ScoreRecord> scores;
  std::vector<store::WaiverRecord> waivers;
  std::vector<model::CollectionError> errors;
  std::vector<HistoryPoint> history;       // trend: same cluster, oldest first, this scan last
  std::optional<ScanDiff> since_previous;  // against previousScan(), when there is one
};

struct LoadOptions {
  /// Load every stored finding into ScanData::findings. Without, renderers that stream (json,
  /// prom, the console summary) read them one at a time and `db` must outlive the ScanData: a
  /// scan of 150,000 pods has about a million problem findings.
  bool findings = true;
};

/// Reads everything a renderer needs, history and the diff against the previous scan included.
Result<ScanData> loadScan(const store::Store& db, std::int64_t scan_id, LoadOptions options = {});

/// Calls `fn` with every stored finding of the scan in evaluation order: from data.findings
/// when loaded, else read one at a time from data.store.
Status forEachFinding(const ScanData& data, const std::function<Status(const model::Finding&)>& fn);
/// Whether `format` renders with forEachFinding only (needs no loaded findings).
bool formatStreamsFindings(const std::string& format);

/// A finding's id, stable across scans: the first 16 hex digits of sha256(rule_id "\n" subject).
std::string findingId(const model::Finding& finding);

/// The JSON report (docs/report-json.md): schema_version, scan, cluster, scores, rules, and a
/// top-level `findings` array in evaluation order.
Result<std::string> renderJson(const ScanData& data);

struct RenderOptions {
  std::string lang = "en";  // en | zh: the default language of human-readable formats
};

/// A rendered file: written as "kpatrol-scan-<id>" + suffix (".json", ".html", "-worker-1.csv").
struct RenderedFile {
  std::string suffix;
  std::string content;
};

using Renderer =
    std::function<Result<std::vector<RenderedFile>>(const ScanData&, const RenderOptions&)>;

/// Renderers register themselves by format name from their own file (KPATROL_REGISTER_RENDERER),
/// so adding a format touches no other file.
bool registerRenderer(const std::string& format, Renderer renderer);
/// Registered format names, sorted.
std::vector<std::string> renderFormats();
Result<std::vector<RenderedFile>> render(const ScanData& data, const std::string& format,
                                         const RenderOptions& options);

#define KPATROL_REGISTER_RENDERER(format, fn)          \
  static const bool kpatrol_renderer_registered_##fn = \
      ::kpatrol::report::registerRenderer(format, fn)

struct ConsoleOptions {
  std::string lang = "en";  // en | zh
  bool color = false;
  std::size_t max_items = 15;
};
/// The summary printed after a scan: scores per group, status counts, the worst findings.
std::string renderConsole(const ScanData& data, const ConsoleOptions& options);

}  // namespace kpatrol::report
