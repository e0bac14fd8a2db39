// SPDX-License-Identifier: Apache-2.0
// What `scan` and `precheck` store about a run before its findings: the scan record, and the
// selected rules and their profile groups.
#include <algorithm>

#include "kpatrol/core/time.h"
#include "sources.h"

namespace kpatrol::app {
namespace {

std::vector<store::RuleRecord> ruleRecords(const engine::Selection& sel) {
  std::vector<store::RuleRecord> out;
  for (const auto& e : sel.entries) {
    const auto& r = *e.rule;
    out.push_back(store::RuleRecord{r.id, r.pack, r.title_en, r.title_zh, r.severity, r.scope,
                                    r.baselines.dump(), r.remediation_en, r.remediation_zh,
                                    r.display, r.sha256});
  }
  return out;
}

std::vector<store::GroupMember> groupMembers(const engine::Profile& profile,
                                             const engine::Selection& sel) {
  std::vector<store::GroupMember> out;
  // Profile group order first, then extra pack groups, so reports list groups as the profile does.
  std::vector<std::string> order;
  for (const auto& g : profile.groups) order.push_back(g.id);
  for (const auto& e : sel.entries) {
    for (const auto& m : e.groups) {
      if (std::find(order.begin(), order.end(), m.group_id) == order.end())
        order.push_back(m.group_id);
    }
  }
  for (const auto& gid : order) {
    for (const auto& e : sel.entries) {
      for (const auto& m : e.groups) {
        if (m.group_id != gid) continue;
        out.push_back(store::GroupMember{profile.name, m.group_id, m.group_title_en,
                                         m.group_title_zh, e.rule->id, m.weight});
      }
    }
  }
  return out;
}

}  // namespace

store::ScanRecord scanRecord(const model::Snapshot& snapshot, const std::string& profile,
                             const std::string& rules_digest, const std::string& origin) {
  const auto& meta = snapshot.meta();
  store::ScanRecord record;
  record.started_at = nowRfc3339();
  record.snapshot_time = meta.created_at;
  record.cluster_name = meta.cluster_name;
  record.cluster_uid = meta.cluster_uid;
  record.cluster_version = meta.cluster_version;
  record.flavour = meta.flavour;
  record.profile = profile;
  record.tool_version = toolVersion();
  record.rules_digest = rules_digest;
  record.origin = origin;
  return record;
}

Status recordSelection(store::Store& db, std::int64_t scan_id, const engine::Profile& profile,
                       const engine::Selection& selection) {
  if (auto s = db.addRules(scan_id, ruleRecords(selection)); !s) return s;
  return db.addGroups(scan_id, groupMembers(profile, selection));
}

}  // namespace kpatrol::app
