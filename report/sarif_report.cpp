// SPDX-License-Identifier: Apache-2.0
// SARIF 2.1.0 (docs/report-formats.md): the rules as reportingDescriptors, fail/warn/error and
// waived findings as results located logically on the Kubernetes object they are about.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "kpatrol/report/report.h"

namespace kpatrol::report {
namespace {

using model::Json;
using model::Severity;
using model::Status;

constexpr const char* kSarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr const char* kFingerprintKey = "kpatrolFindingId/v1";

/// SARIF level of a finding that SARIF calls a failure (kind "fail").
const char* levelFor(Status status, Severity severity) {
  const bool serious = severity == Severity::kCritical || severity == Severity::kHigh;
  if (status == Status::kWarn) return serious ? "warning" : "note";
  if (serious) return "error";
  if (severity == Severity::kMedium) return "warning";
  return "note";
}

Json baselinesOf(const store::RuleRecord& r) {
  if (r.baselines_json.empty()) return Json::object();
  Json j = Json::parse(r.baselines_json, nullptr, false);
  return j.is_discarded() || !j.is_object() ? Json::object() : j;
}

/// Tags for filtering in SARIF viewers: the pack, the scope, and one tag per baseline control.
Json tagsOf(const store::RuleRecord& r, const Json& baselines) {
  Json tags = Json::array();
  if (!r.pack.empty()) tags.push_back(r.pack);
  tags.push_back(model::scopeName(r.scope));
  for (const auto& [name, value] : baselines.items()) {
    if (value.is_object() && value.contains("control") && value["control"].is_string())
      tags.push_back(name + ":" + value["control"].get<std::string>());
    else
      tags.push_back(name);
  }
  return tags;
}

std::string firstNonEmpty(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

Json ruleDescriptor(const store::RuleRecord& r, bool zh) {
  const Json baselines = baselinesOf(r);
  const std::string title_first = zh ? firstNonEmpty(r.title_zh, r.title_en) : r.title_en;
  const std::string title_other = zh ? r.title_en : r.title_zh;
  std::string full = firstNonEmpty(title_first, r.rule_id);
  if (!title_other.empty() && title_other != title_first) full += " / " + title_other;
  const std::string& rem_first = zh ? firstNonEmpty(r.remediation_zh, r.remediation_en)
                                    : firstNonEmpty(r.remediation_en, r.remediation_zh);
  const std::string& rem_other = zh ? r.remediation_en : r.remediation_zh;
  std::string help_text = rem_first;
  std::string help_md = rem_first;
  if (!rem_other.empty() && rem_other != rem_first) {
    help_text += "\n\n" + rem_other;
    help_md += "\n\n---\n\n" + rem_other;
  }
  if (help_text.empty()) help_text = help_md = "No remediation is recorded for this rule.";
  Json d = {{"id", r.rule_id},
            {"name", r.rule_id},
            {"shortDescription", {{"text", firstNonEmpty(r.title_en, r.rule_id)}}},
            {"fullDescription", {{"text", full}}},
            {"help", {{"text", help_text}, {"markdown", help_md}}},
            {"defaultConfiguration", {{"level", levelFor(Status::kFail, r.severity)}}},
            {"properties",
             {{"severity", model::severityName(r.severity)},
              {"scope", model::scopeName(r.scope)},
              {"pack", r.pack},
              {"baselines", baselines},
              {"tags", tagsOf(r, baselines)},
              {"title", {{"en", r.title_en}, {"zh", r.title_zh}}},
              {"remediation", {{"en", r.remediation_en}, {"zh", r.remediation_zh}}},
              {"source_sha256", r.sha256}}}};
  return d;
}

std::string lastSegment(const std::string& subject) {
  const auto pos = subject.rfind('/');
  return pos == std::string::npos ? subject : subject.substr(pos + 1);
}

Json result(const model::Finding& f, const std::map<std::string, std::size_t>& rule_index) {
  Json r = Json::object();
  r["ruleId"] = f.rule_id;
  if (auto it = rule_index.find(f.rule_id); it != rule_index.end()) r["ruleIndex"] = it->second;
  std::string text = f.message;
  if (text.empty()) text = f.rule_id + ": " + model::statusName(f.status) + " on " + f.subject;
  if (f.status == Status::kError) {
    // The check could not be evaluated: SARIF's "open" (no verdict), whose level must be none.
    r["kind"] = "open";
    r["level"] = "none";
    text = "could not be evaluated: " + text;
  } else {
    r["kind"] = "fail";
    r["level"] = levelFor(f.status, f.severity);
  }
  r["message"] = {{"text", text}};
  Json logical = {{"name", lastSegment(f.subject)},
                  {"fullyQualifiedName", f.subject},
                  {"kind", f.scope == model::Scope::kNode ? "node" : "resource"}};
  r["locations"] = Json::array({{{"logicalLocations", Json::array({logical})}}});
  r["partialFingerprints"] = {{kFingerprintKey, findingId(f)}};
  if (f.status == Status::kWaived) {
    r["suppressions"] =
        Json::array({{{"kind", "external"}, {"status", "accepted"}, {"justification", f.waiver}}});
  }
  r["properties"] = {{"findingId", findingId(f)},
                     {"subject", f.subject},
                     {"scope", model::scopeName(f.scope)},
                     {"status", model::statusName(f.status)},
                     {"severity", model::severityName(f.severity)},
                     {"evidence", f.evidence.is_null() ? Json::object() : f.evidence}};
  return r;
}

Result<std::vector<RenderedFile>> renderSarif(const ScanData& data, const RenderOptions& options) {
  const bool zh = options.lang == "zh";
  Json rules = Json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const auto& r : data.rules) {
    rule_index[r.rule_id] = rules.size();
    rules.push_back(ruleDescriptor(r, zh));
  }

  Json results = Json::array();
  for (const auto& f : data.findings) {
    if (f.status == Status::kFail || f.status == Status::kWarn || f.status == Status::kError ||
        f.status == Status::kWaived)
      results.push_back(result(f, rule_index));
  }

  const bool complete = data.scan.state == store::ScanState::kComplete;
  Json invocation = {{"executionSuccessful", complete}};
  if (!data.scan.started_at.empty()) invocation["startTimeUtc"] = data.scan.started_at;
  if (!data.scan.finished_at.empty()) invocation["endTimeUtc"] = data.scan.finished_at;
  Json notifications = Json::array();
  for (const auto& e : data.errors) {
    Json n = {{"level", "warning"},
              {"message",
               {{"text", "collecting " + e.fact + " of " + e.subject + " (" + e.source +
                             ") failed: " + e.message}}}};
    n["locations"] = Json::array(
        {{{"logicalLocations",
           Json::array({{{"fullyQualifiedName", e.subject},
                         {"kind", e.subject.starts_with("node/") ? "node" : "resource"}}})}}});
    notifications.push_back(std::move(n));
  }
  if (!complete) {
    notifications.push_back(
        {{"level", "error"},
         {"message",
          {{"text",
            std::string("the scan is ") + store::scanStateName(data.scan.state) +
                ": these results are incomplete and must not be read as a clean result"}}}});
  }
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);

  Json driver = {{"name", "kpatrol"}, {"rules", std::move(rules)}};
  if (!data.scan.tool_version.empty()) driver["version"] = data.scan.tool_version;

  Json scores = Json::array();
  for (const auto& s : data.scores) {
    scores.push_back({{"profile", s.profile},
                      {"group", s.group_id},
                      {"score", s.score ? Json(*s.score) : Json(nullptr)},
                      {"grade", s.grade}});
  }

  Json run = {{"tool", {{"driver", std::move(driver)}}},
              {"invocations", Json::array({std::move(invocation)})},
              {"automationDetails",
               {{"id", "kpatrol/" + data.scan.cluster_name + "/" + std::to_string(data.scan.id)}}},
              {"columnKind", "unicodeCodePoints"},
              {"results", std::move(results)},
              {"properties",
               {{"scanId", data.scan.id},
                {"scanState", store::scanStateName(data.scan.state)},
                {"complete", complete},
                {"profile", data.scan.profile},
                {"snapshotTime", data.scan.snapshot_time},
                {"origin", data.scan.origin},
                {"rulesDigest", data.scan.rules_digest},
                {"cluster",
                 {{"name", data.scan.cluster_name},
                  {"uid", data.scan.cluster_uid},
                  {"version", data.scan.cluster_version},
                  {"flavour", data.scan.flavour}}},
                {"scores", std::move(scores)}}}};

  Json doc = {{"$schema", kSarifSchema}, {"version", "2.1.0"}, {"runs", Json::array({run})}};
  return std::vector<RenderedFile>{
      {".sarif", doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"}};
}

}  // namespace

KPATROL_REGISTER_RENDERER("sarif", renderSarif);

}  // namespace kpatrol::report
