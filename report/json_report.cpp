// SPDX-License-Identifier: Apache-2.0
#include <nlohmann/json.hpp>

#include "json_parts.h"
#include "kpatrol/core/fs.h"
#include "kpatrol/report/report.h"

namespace kpatrol::report {

using model::Json;

Result<ScanData> loadScan(const store::Store& db, std::int64_t scan_id, LoadOptions options) {
  ScanData data;
  auto scan = db.scan(scan_id);
  if (!scan) return std::move(scan).error();
  data.scan = std::move(*scan);
  data.store = &db;
  data.findings_loaded = options.findings;
  if (options.findings) {
    auto findings = db.findings(scan_id);
    if (!findings) return std::move(findings).error();
    data.findings = std::move(*findings);
  }
  auto counted = db.rollups(scan_id);
  if (!counted) return std::move(counted).error();
  data.counted = std::move(*counted);
  auto rules = db.rules(scan_id);
  if (!rules) return std::move(rules).error();
  data.rules = std::move(*rules);
  auto scores = db.scores(scan_id);
  if (!scores) return std::move(scores).error();
  data.scores = std::move(*scores);
  auto waivers = db.waivers(scan_id);
  if (!waivers) return std::move(waivers).error();
  data.waivers = std::move(*waivers);
  auto errors = db.collectionErrors(scan_id);
  if (!errors) return std::move(errors).error();
  data.errors = std::move(*errors);
  auto history = scanHistory(db, data.scan);
  if (!history) return std::move(history).error();
  data.history = std::move(*history);
  auto previous = previousScan(db, data.scan);
  if (!previous) return std::move(previous).error();
  if (*previous) {
    auto diff = diffScans(db, **previous, scan_id);
    if (!diff) return std::move(diff).error();
    data.since_previous = std::move(*diff);
  }
  return data;
}

std::string findingId(const model::Finding& finding) {
  return sha256Hex(finding.rule_id + "\n" + finding.subject).substr(0, 16);
}

namespace json_parts {

Json counts(const store::StatusCounts& c) {
  return Json{{"pass", c.pass}, {"warn", c.warn},     {"fail", c.fail},    {"error", c.error},
              {"na", c.na},     {"manual", c.manual}, {"waived", c.waived}};
}

Json bilingual(const std::string& en, const std::string& zh) {
  return Json{{"en", en}, {"zh", zh}};
}

Json scanInfo(const ScanData& data) {
  const auto& s = data.scan;
  return {{"id", s.id},
          {"state", store::scanStateName(s.state)},
          {"complete", s.state == store::ScanState::kComplete},
          {"started_at", s.started_at},
          {"finished_at", s.finished_at},
          {"snapshot_time", s.snapshot_time},
          {"origin", s.origin},
          {"profile", s.profile},
          {"rules_digest", s.rules_digest},
          {"pass_detail", s.pass_detail}};
}

Json cluster(const ScanData& data) {
  const auto& s = data.scan;
  return {{"name", s.cluster_name},
          {"uid", s.cluster_uid},
          {"version", s.cluster_version},
          {"flavour", s.flavour}};
}

Json collectionErrors(const ScanData& data) {
  Json errors = Json::array();
  for (const auto& e : data.errors) {
    errors.push_back(
        {{"subject", e.subject}, {"fact", e.fact}, {"source", e.source}, {"message", e.message}});
  }
  return errors;
}

Json counted(const ScanData& data) {
  Json out = Json::array();
  for (const auto& c : data.counted) {
    out.push_back({{"rule_id", c.rule_id},
                   {"status", model::statusName(c.status)},
                   {"severity", model::severityName(c.severity)},
                   {"count", c.count}});
  }
  return out;
}

Json waivers(const ScanData& data) {
  Json out = Json::array();
  for (const auto& w : data.waivers) {
    out.push_back({{"rule", w.rule},
                   {"subject", w.subject_glob},
                   {"owner", w.owner},
                   {"reason", w.reason},
                   {"expires", w.expires},
                   {"expired", w.expired},
                   {"matched", w.matched}});
  }
  return out;
}

Json history(const ScanData& data) {
  Json out = Json::array();
  for (const auto& h : data.history) {
    out.push_back({{"scan_id", h.scan_id},
                   {"started_at", h.started_at},
                   {"snapshot_time", h.snapshot_time},
                   {"score", h.score ? Json(*h.score) : Json(nullptr)},
                   {"grade", h.grade},
                   {"counts", counts(h.counts)}});
  }
  return out;
}

}  // namespace json_parts

using json_parts::bilingual;

namespace {

// The report is written as nlohmann's dump(2) would write the whole document, but one member
// (and one finding) at a time: a large scan's findings are never one JSON value in memory.
void appendIndented(std::string& out, const Json& value, std::size_t indent) {
  const std::string text = value.dump(2, ' ', false, Json::error_handler_t::replace);
  const std::string pad(indent, ' ');
  for (const char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
}

void appendMember(std::string& out, const char* key, const Json& value, bool first = false) {
  out += first ? "\n  " : ",\n  ";
  out += Json(key).dump();
  out += ": ";
  appendIndented(out, value, 2);
}

Json findingJson(const model::Finding& f) {
  Json j = {{"id", findingId(f)},
            {"rule_id", f.rule_id},
            {"subject", f.subject},
            {"scope", model::scopeName(f.scope)},
            {"status", model::statusName(f.status)},
            {"severity", model::severityName(f.severity)},
            {"message", f.message},
            {"message_zh", model::messageIn(f, "zh")},
            {"evidence", f.evidence.is_null() ? Json::object() : f.evidence}};
  if (!f.waiver.empty()) j["waiver"] = f.waiver;
  return j;
}

Json sincePrevious(const ScanData& data) {
  if (!data.since_previous) return nullptr;
  const auto& d = *data.since_previous;
  Json entries = Json::array();
  for (const auto& e : d.entries) {
    if (e.change == Change::kUnchanged) continue;
    entries.push_back({{"id", e.finding_id},
                       {"rule_id", e.rule_id},
                       {"subject", e.subject},
                       {"change", changeName(e.change)},
                       {"before", e.before ? Json(model::statusName(*e.before)) : Json(nullptr)},
                       {"after", e.after ? Json(model::statusName(*e.after)) : Json(nullptr)},
                       {"severity", model::severityName(e.severity)},
                       {"message", e.message}});
  }
  return {{"scan_id", d.from_scan},
          {"new", d.count(Change::kNew)},
          {"resolved", d.count(Change::kResolved)},
          {"changed", d.count(Change::kChanged)},
          {"unchanged", d.count(Change::kUnchanged)},
          {"entries", std::move(entries)}};
}

}  // namespace

Result<std::string> renderJson(const ScanData& data) {
  std::string out = "{";
  appendMember(out, "schema_version", kJsonSchemaVersion, true);
  appendMember(out, "tool", {{"name", "kpatrol"}, {"version", data.scan.tool_version}});
  appendMember(out, "scan", json_parts::scanInfo(data));
  appendMember(out, "cluster", json_parts::cluster(data));
  Json scores = Json::array();
  for (const auto& s : data.scores) {
    scores.push_back({{"profile", s.profile},
                      {"group", s.group_id},
                      {"title", bilingual(s.group_title_en, s.group_title_zh)},
                      {"score", s.score ? Json(*s.score) : Json(nullptr)},
                      {"grade", s.grade},
                      {"counts", json_parts::counts(s.counts)}});
  }
  appendMember(out, "scores", scores);
  Json rules = Json::array();
  for (const auto& r : data.rules) {
    Json baselines = Json::object();
    if (!r.baselines_json.empty()) baselines = Json::parse(r.baselines_json, nullptr, false);
    if (baselines.is_discarded()) baselines = Json::object();
    rules.push_back({{"id", r.rule_id},
                     {"pack", r.pack},
                     {"title", bilingual(r.title_en, r.title_zh)},
                     {"severity", model::severityName(r.severity)},
                     {"scope", model::scopeName(r.scope)},
                     {"baselines", std::move(baselines)},
                     {"remediation", bilingual(r.remediation_en, r.remediation_zh)},
                     {"source_sha256", r.sha256}});
  }
  appendMember(out, "rules", rules);
  out += ",\n  \"findings\": [";
  bool first = true;
  auto st = forEachFinding(data, [&](const model::Finding& f) {
    out += first ? "\n    " : ",\n    ";
    first = false;
    appendIndented(out, findingJson(f), 4);
    return okStatus();
  });
  if (!st) return std::move(st).error();
  out += first ? "]" : "\n  ]";
  appendMember(out, "counted_findings", json_parts::counted(data));
  appendMember(out, "collection_errors", json_parts::collectionErrors(data));
  appendMember(out, "waivers", json_parts::waivers(data));
  appendMember(out, "history", json_parts::history(data));
  appendMember(out, "since_previous", sincePrevious(data));
  out += "\n}\n";
  return out;
}

}  // namespace kpatrol::report
