// SPDX-License-Identifier: Apache-2.0
// Prometheus text exposition format 0.0.4 for node-exporter's textfile collector
// (docs/report-formats.md): scores, finding counts, scan duration and freshness.
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kpatrol/core/time.h"
#include "kpatrol/report/report.h"

namespace kpatrol::report {
namespace {

using model::Json;
using model::Status;

/// A label value: valid UTF-8 (malformed bytes become U+FFFD), with \, " and newline escaped
/// as the exposition format requires.
std::string labelValue(std::string_view raw) {
  const std::string quoted =
      Json(std::string(raw)).dump(-1, ' ', false, Json::error_handler_t::replace);
  const std::string value = Json::parse(quoted).get<std::string>();
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

using Labels = std::vector<std::pair<std::string, std::string>>;

class Exposition {
 public:
  void family(std::string_view name, std::string_view help) {
    out_ += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
    out_ += "# TYPE " + std::string(name) + " gauge\n";
  }
  void sample(std::string_view name, const Labels& labels, double value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) out_ += ',';
        out_ += labels[i].first + "=\"" + labelValue(labels[i].second) + "\"";
      }
      out_ += '}';
    }
    out_ += " " + number(value) + "\n";
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

Result<std::vector<RenderedFile>> renderPrometheus(const ScanData& data, const RenderOptions&) {
  const auto& scan = data.scan;
  const bool complete = scan.state == store::ScanState::kComplete;
  Exposition e;

  e.family("kpatrol_info", "Information about the kpatrol scan this file describes (always 1).");
  e.sample("kpatrol_info",
           {{"version", scan.tool_version},
            {"cluster", scan.cluster_name},
            {"cluster_uid", scan.cluster_uid},
            {"cluster_version", scan.cluster_version},
            {"flavour", scan.flavour},
            {"profile", scan.profile},
            {"scan_id", std::to_string(scan.id)},
            {"state", store::scanStateName(scan.state)}},
           1);

  e.family("kpatrol_scan_complete",
           "1 if the scan completed, 0 if it was interrupted or failed (never a clean result).");
  e.sample("kpatrol_scan_complete", {}, complete ? 1 : 0);

  const auto started = parseRfc3339(scan.started_at);
  const auto finished = parseRfc3339(scan.finished_at);
  if (started && finished && *finished >= *started) {
    e.family("kpatrol_scan_duration_seconds", "Wall-clock duration of the scan in seconds.");
    e.sample("kpatrol_scan_duration_seconds", {}, static_cast<double>(*finished - *started));
  }
  if (started) {
    e.family("kpatrol_scan_start_timestamp_seconds", "When the scan started, in Unix time.");
    e.sample("kpatrol_scan_start_timestamp_seconds", {}, static_cast<double>(*started));
  }
  if (complete && finished) {
    e.family("kpatrol_last_success_timestamp_seconds",
             "When the last complete scan finished, in Unix time.");
    e.sample("kpatrol_last_success_timestamp_seconds", {}, static_cast<double>(*finished));
  }

  e.family("kpatrol_score",
           "Score 0..100 of the profile (group=\"\") and of each of its groups; absent when "
           "nothing in the group could be scored.");
  for (const auto& s : data.scores) {
    if (s.score)
      e.sample("kpatrol_score", {{"profile", s.profile}, {"group", s.group_id}}, *s.score);
  }

  std::map<std::pair<Status, model::Severity>, std::int64_t> by_status_severity;
  std::vector<std::string> rule_order;
  std::map<std::string, std::map<Status, std::int64_t>> by_rule;
  for (const auto& r : data.rules) {
    rule_order.push_back(r.rule_id);
    by_rule[r.rule_id];
  }
  auto read = forEachFinding(data, [&](const model::Finding& f) {
    ++by_status_severity[{f.status, f.severity}];
    auto [it, inserted] = by_rule.try_emplace(f.rule_id);
    if (inserted) rule_order.push_back(f.rule_id);
    ++it->second[f.status];
    return okStatus();
  });
  if (!read) return std::move(read).error();
  for (const auto& c : data.counted) {  // pass and na findings counted, not stored
    by_status_severity[{c.status, c.severity}] += c.count;
    auto [it, inserted] = by_rule.try_emplace(c.rule_id);
    if (inserted) rule_order.push_back(c.rule_id);
    it->second[c.status] += c.count;
  }

  e.family("kpatrol_findings", "Number of findings of the scan by status and severity.");
  for (const auto status : model::kAllStatuses) {
    for (const auto severity : model::kAllSeverities) {
      const auto it = by_status_severity.find({status, severity});
      e.sample("kpatrol_findings",
               {{"status", model::statusName(status)}, {"severity", model::severityName(severity)}},
               static_cast<double>(it == by_status_severity.end() ? 0 : it->second));
    }
  }

  e.family("kpatrol_rule_findings", "Number of findings of each rule by status.");
  for (const auto& rule : rule_order) {
    const auto& counts = by_rule[rule];
    for (const auto status : model::kAllStatuses) {
      const auto it = counts.find(status);
      e.sample("kpatrol_rule_findings", {{"rule", rule}, {"status", model::statusName(status)}},
               static_cast<double>(it == counts.end() ? 0 : it->second));
    }
  }

  e.family("kpatrol_collection_errors", "Number of facts that could not be collected.");
  e.sample("kpatrol_collection_errors", {}, static_cast<double>(data.errors.size()));

  return std::vector<RenderedFile>{{".prom", e.take()}};
}

}  // namespace

KPATROL_REGISTER_RENDERER("prom", renderPrometheus);

}  // namespace kpatrol::report
