// SPDX-License-Identifier: Apache-2.0
// The SQLite result store: every scan is kept (history, diff, trend); reports read from it so
// any past scan can be re-rendered. One writer thread per scan drains findings in batched
// transactions; WAL lets readers run alongside.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/model/finding.h"

namespace kpatrol::store {

inline constexpr int kStoreSchemaVersion = 3;

/// Scan lifecycle. Anything but kComplete is an incomplete scan and is never shown as clean:
/// a scan killed with SIGKILL stays kRunning forever, SIGINT gives kInterrupted.
enum class ScanState { kRunning, kComplete, kInterrupted, kFailed };
const char* scanStateName(ScanState state) noexcept;

struct ScanRecord {
  std::int64_t id = 0;
  std::string started_at;   // RFC 3339 UTC (wall clock of the scanner)
  std::string finished_at;  // empty while running
  ScanState state = ScanState::kRunning;
  std::string snapshot_time;  // the snapshot's created_at
  std::string cluster_name;
  std::string cluster_uid;
  std::string cluster_version;
  std::string flavour;
  std::string profile;
  std::string tool_version;
  std::string rules_digest;  // sha256 over the loaded rules' sources and the profile
  std::string origin;        // where the snapshot came from ("demo", a path, ...)
  /// "all": every finding is a row of `findings`; "summary": pass and na findings were counted
  /// per rule (finding_rollups) instead of stored one by one (`scan --passes`).
  std::string pass_detail = "all";
};

/// How many findings of one rule, status and severity were counted instead of stored
/// (`scan --passes summary`).
struct RollupRecord {
  std::string rule_id;
  model::Status status = model::Status::kPass;
  model::Severity severity = model::Severity::kMedium;
  std::int64_t count = 0;
};

struct RuleRecord {
  std::string rule_id;
  std::string pack;
  std::string title_en;
  std::string title_zh;
  model::Severity severity = model::Severity::kMedium;
  model::Scope scope = model::Scope::kCluster;
  std::string baselines_json;  // {"cis":{"control":"4.2.1"},"mlps":{...}}
  std::string remediation_en;
  std::string remediation_zh;
  std::string source;  // file path or "builtin:<path>"
  std::string sha256;  // of the rule source
};

/// Membership of a rule in a profile group, with the profile's weight for it.
struct GroupMember {
  std::string profile;
  std::string group_id;
  std::string group_title_en;
  std::string group_title_zh;
  std::string rule_id;
  double weight = 1.0;
};

struct WaiverRecord {
  std::string rule;
  std::string subject_glob;
  std::string owner;
  std::string reason;
  std::string expires;  // YYYY-MM-DD or empty
  bool expired = false;
  std::int64_t matched = 0;
};

struct StatusCounts {
  std::int64_t pass = 0, warn = 0, fail = 0, error = 0, na = 0, manual = 0, waived = 0;
};

/// Score of one group (or of the whole profile when group_id is empty).
struct ScoreRecord {
  std::string profile;
  std::string group_id;
  std::string group_title_en;
  std::string group_title_zh;
  std::optional<double> score;  // 0..100; nullopt when nothing in the group was scorable
  std::string grade;            // A..F, or "-" without a score
  StatusCounts counts;
};

/// One value of a `Store::query` result, as SQLite returned it.
struct QueryValue {
  enum class Type { kNull, kInteger, kReal, kText, kBlob };
  Type type = Type::kNull;
  std::string text;  // SQLite's text form; lower-case hex for a blob; empty for NULL
  std::int64_t integer = 0;
  double real = 0.0;
};

/// The result of a read-only query: column names in select order and every row.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<QueryValue>> rows;
};

/// Letter grade for a 0..100 score: A >= 90, B >= 80, C >= 70, D >= 60, else F.
std::string gradeFor(std::optional<double> score);
/// Severity weight used by the scoring formula (README "Scoring").
double severityWeight(model::Severity severity) noexcept;

class Store {
 public:
  /// Opens or creates the database (file mode 0600, parent directories created), applies
  /// migrations, enables WAL and a busy timeout. A file that is not a kpatrol database, or is
  /// corrupt, is an error naming the path; it is never overwritten.
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& path);
  /// Opens an existing kpatrol database for reading only (SQLITE_OPEN_READONLY and
  /// `PRAGMA query_only`): nothing is created, migrated or changed. A missing file is kNotFound;
  /// a file that is not a kpatrol database, or is from an older or newer schema, is an error.
  static Result<std::unique_ptr<Store>> openReadOnly(const std::filesystem::path& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& path() const noexcept;
  bool readOnly() const noexcept;

  Result<std::int64_t> beginScan(const ScanRecord& scan);
  Status addRules(std::int64_t scan_id, const std::vector<RuleRecord>& rules);
  Status addGroups(std::int64_t scan_id, const std::vector<GroupMember>& members);
  Status addWaivers(std::int64_t scan_id, const std::vector<WaiverRecord>& waivers);
  Status addCollectionErrors(std::int64_t scan_id,
                             const std::vector<model::CollectionError>& errors);
  Status finishScan(std::int64_t scan_id, ScanState state, const std::string& finished_at);

  Result<ScanRecord> scan(std::int64_t scan_id) const;
  Result<std::vector<ScanRecord>> scans() const;                             // newest first
  Result<std::vector<model::Finding>> findings(std::int64_t scan_id) const;  // by seq
  /// Calls `fn` with each stored finding of a scan in seq order, one at a time (large scans
  /// are never held whole); kNoEvidence leaves `evidence` null and skips parsing it. Stops at
  /// the first error `fn` returns.
  enum class FindingColumns { kAll, kNoEvidence };
  Status forEachFinding(std::int64_t scan_id, FindingColumns columns,
                        const std::function<Status(model::Finding&&)>& fn) const;
  /// Counted (not stored) findings of a scan, by rule id, status, severity.
  Result<std::vector<RollupRecord>> rollups(std::int64_t scan_id) const;
  Result<std::vector<RuleRecord>> rules(std::int64_t scan_id) const;  // by rule_id
  Result<std::vector<WaiverRecord>> waivers(std::int64_t scan_id) const;
  Result<std::vector<model::CollectionError>> collectionErrors(std::int64_t scan_id) const;
  /// Scores computed in SQL by the published formula: first the whole profile (group_id
  /// empty), then each group in profile order.
  Result<std::vector<ScoreRecord>> scores(std::int64_t scan_id) const;

  /// Deletes the scans and everything recorded for them (rules, groups, findings, waivers,
  /// collection errors) in one transaction. Returns how many scans were deleted; ids that do not
  /// exist are ignored.
  Result<std::size_t> deleteScans(const std::vector<std::int64_t>& scan_ids);
  /// Rebuilds the file to return the space of deleted scans to the filesystem, then truncates
  /// the write-ahead log.
  Status vacuum();

  /// Runs one read-only SQL statement (SELECT, WITH ... SELECT, EXPLAIN, or a PRAGMA that only
  /// reads) and returns its columns and rows. Anything that could change the database or the
  /// connection (INSERT, UPDATE, DELETE, DDL, ATTACH, DETACH, VACUUM, transactions, a PRAGMA
  /// with a value) is refused with kInvalidArgument before it runs, whatever the open mode; so
  /// is more than one statement.
  Result<QueryResult> query(std::string_view sql) const;

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct FindingWriterOptions {
  std::size_t batch_size = 2000;
  /// Count pass and na findings per (rule, status, severity) in finding_rollups instead of
  /// writing a row for each (the scan's pass_detail "summary"). The counts are committed in the
  /// same transactions as the findings, so an interrupted scan's counts match its rows.
  bool summarize_passes = false;
};

/// Drains findings into the database on its own thread and connection, in batched
/// transactions. submit() may be called from any thread; it blocks when the queue is full.
class FindingWriter {
 public:
  static Result<std::unique_ptr<FindingWriter>> start(const std::filesystem::path& db_path,
                                                      std::int64_t scan_id,
                                                      FindingWriterOptions options = {});
  ~FindingWriter();  // closes (drains) if close() was not called
  FindingWriter(const FindingWriter&) = delete;
  FindingWriter& operator=(const FindingWriter&) = delete;

  void submit(std::vector<model::Finding> findings);
  /// Drains the queue, commits, joins the thread. Returns the first write error, if any.
  Status close();
  std::uint64_t written() const noexcept;  // rows written (counted findings excluded)
  std::uint64_t counted() const noexcept;  // findings counted into finding_rollups

  struct Impl;

 private:
  explicit FindingWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kpatrol::store
