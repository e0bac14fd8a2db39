// SPDX-License-Identifier: Apache-2.0
// Trend and diff between scans of the same cluster, shared by the HTML report and
// `kpatrol history` / `kpatrol diff`.
#include <algorithm>
#include <map>

#include "kpatrol/report/report.h"

namespace kpatrol::report {

const char* changeName(Change change) noexcept {
  switch (change) {
    case Change::kNew:
      return "new";
    case Change::kResolved:
      return "resolved";
    case Change::kChanged:
      return "changed";
    case Change::kUnchanged:
      return "unchanged";
  }
  return "unchanged";
}

std::size_t ScanDiff::count(Change change) const {
  return static_cast<std::size_t>(std::count_if(
      entries.begin(), entries.end(), [&](const DiffEntry& e) { return e.change == change; }));
}

std::string clusterKey(const store::ScanRecord& scan) {
  return scan.cluster_uid.empty() ? "name:" + scan.cluster_name : "uid:" + scan.cluster_uid;
}

namespace {

Result<std::vector<store::ScanRecord>> sameCluster(const store::Store& db,
                                                   const store::ScanRecord& scan) {
  auto all = db.scans();  // newest first
  if (!all) return std::move(all).error();
  std::vector<store::ScanRecord> out;
  const std::string key = clusterKey(scan);
  for (auto& s : *all) {
    if (clusterKey(s) == key && s.id <= scan.id &&
        (s.state == store::ScanState::kComplete || s.id == scan.id)) {
      out.push_back(std::move(s));
    }
  }
  return out;
}

bool isProblem(model::Status s) { return s == model::Status::kFail || s == model::Status::kWarn; }

}  // namespace

Result<std::vector<HistoryPoint>> scanHistory(const store::Store& db, const store::ScanRecord& scan,
                                              std::size_t limit) {
  auto scans = sameCluster(db, scan);
  if (!scans) return std::move(scans).error();
  if (scans->size() > limit) scans->resize(limit);
  std::vector<HistoryPoint> out;
  for (auto it = scans->rbegin(); it != scans->rend(); ++it) {
    HistoryPoint p;
    p.scan_id = it->id;
    p.started_at = it->started_at;
    p.snapshot_time = it->snapshot_time;
    auto scores = db.scores(it->id);
    if (!scores) return std::move(scores).error();
    for (const auto& sc : *scores) {
      if (sc.group_id.empty()) {
        p.score = sc.score;
        p.grade = sc.grade;
        p.counts = sc.counts;
        break;
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::optional<std::int64_t>> previousScan(const store::Store& db,
                                                 const store::ScanRecord& scan) {
  auto scans = sameCluster(db, scan);
  if (!scans) return std::move(scans).error();
  for (const auto& s : *scans) {
    if (s.id < scan.id && s.state == store::ScanState::kComplete) return std::optional(s.id);
  }
  return std::optional<std::int64_t>();
}

Result<ScanDiff> diffScans(const store::Store& db, std::int64_t older, std::int64_t newer) {
  // Evidence plays no part in a diff: not read (it is most of a finding's size).
  const auto load = [&db](std::int64_t scan) -> Result<std::vector<model::Finding>> {
    std::vector<model::Finding> out;
    auto st = db.forEachFinding(scan, store::Store::FindingColumns::kNoEvidence,
                                [&out](model::Finding&& f) {
                                  out.push_back(std::move(f));
                                  return okStatus();
                                });
    if (!st) return std::move(st).error();
    return out;
  };
  auto before = load(older);
  if (!before) return std::move(before).error();
  auto after = load(newer);
  if (!after) return std::move(after).error();
  auto newer_scan = db.scan(newer);
  if (!newer_scan) return std::move(newer_scan).error();
  // A newer scan that counted its pass and na findings (--passes summary) does not list them:
  // an older pass or na finding missing from it is most likely still counted there.
  const bool newer_counts_passes = newer_scan->pass_detail == "summary";
  ScanDiff diff;
  diff.from_scan = older;
  diff.to_scan = newer;
  std::map<std::pair<std::string, std::string>, const model::Finding*> old_by_key;
  for (const auto& f : *before) old_by_key[{f.rule_id, f.subject}] = &f;
  for (const auto& f : *after) {
    DiffEntry e;
    e.finding_id = findingId(f);
    e.rule_id = f.rule_id;
    e.subject = f.subject;
    e.after = f.status;
    e.severity = f.severity;
    e.message = f.message;
    auto it = old_by_key.find({f.rule_id, f.subject});
    if (it != old_by_key.end()) {
      e.before = it->second->status;
      old_by_key.erase(it);
    }
    const bool was = e.before && isProblem(*e.before);
    const bool is = isProblem(f.status);
    if (is && !was)
      e.change = Change::kNew;
    else if (was && !is)
      e.change = Change::kResolved;
    else if (e.before != e.after)
      e.change = Change::kChanged;
    else
      e.change = Change::kUnchanged;
    diff.entries.push_back(std::move(e));
  }
  for (const auto& [key, f] : old_by_key) {  // gone from the newer scan
    DiffEntry e;
    e.finding_id = findingId(*f);
    e.rule_id = f->rule_id;
    e.subject = f->subject;
    e.before = f->status;
    e.severity = f->severity;
    e.message = f->message;
    const bool counted = newer_counts_passes &&
                         (f->status == model::Status::kPass || f->status == model::Status::kNa);
    e.change = isProblem(f->status) ? Change::kResolved
               : counted            ? Change::kUnchanged
                                    : Change::kChanged;
    diff.entries.push_back(std::move(e));
  }
  std::stable_sort(diff.entries.begin(), diff.entries.end(),
                   [](const DiffEntry& a, const DiffEntry& b) {
                     if (a.change != b.change) return a.change < b.change;
                     if (a.severity != b.severity) return a.severity < b.severity;
                     return std::tie(a.rule_id, a.subject) < std::tie(b.rule_id, b.subject);
                   });
  return diff;
}

}  // namespace kpatrol::report
