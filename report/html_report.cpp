// SPDX-License-Identifier: Apache-2.0
// The HTML report: one self-contained file people read (docs/report-formats.md).
//
// The page is the template report/assets/report.html with the styles and scripts of
// report/assets/ inlined, and the scan embedded as JSON in
// <script type="application/json" id="kpatrol-data">. Nothing from the scan is ever written into
// the markup itself: the JSON is escaped so that no '<', '>', '&' or line separator survives
// literally, and the page's script builds the DOM with createElement/textContent only.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "json_parts.h"
#include "kpatrol/core/embedded.h"
#include "kpatrol/report/report.h"

namespace kpatrol::report {
namespace {

using model::Json;

Result<std::string_view> asset(std::string_view path) {
  for (const auto& file : reportAssetFiles()) {
    if (file.path == path) return file.data;
  }
  return makeError(Errc::kNotFound,
                   "HTML report asset '" + std::string(path) + "' is not compiled in");
}

int statusIndex(model::Status status) {
  int i = 0;
  for (auto s : model::kAllStatuses) {
    if (s == status) return i;
    ++i;
  }
  return 3;  // error
}

int severityIndex(model::Severity severity) {
  int i = 0;
  for (auto s : model::kAllSeverities) {
    if (s == severity) return i;
    ++i;
  }
  return 2;  // medium
}

using json_parts::bilingual;
Json countsJson(const store::StatusCounts& c) { return json_parts::counts(c); }

Json pageData(const ScanData& data, const RenderOptions& options) {
  Json doc = Json::object();
  doc["lang"] = options.lang == "zh" ? "zh" : "en";
  doc["tool"] = {{"name", "kpatrol"}, {"version", data.scan.tool_version}};
  doc["scan"] = json_parts::scanInfo(data);
  doc["cluster"] = json_parts::cluster(data);
  Json scores = Json::array();
  for (const auto& s : data.scores) {
    scores.push_back({{"group", s.group_id},
                      {"title", bilingual(s.group_title_en, s.group_title_zh)},
                      {"score", s.score ? Json(*s.score) : Json(nullptr)},
                      {"grade", s.grade},
                      {"counts", countsJson(s.counts)}});
  }
  doc["scores"] = std::move(scores);

  Json rules = Json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const auto& r : data.rules) {
    Json baselines = Json::object();
    if (!r.baselines_json.empty()) baselines = Json::parse(r.baselines_json, nullptr, false);
    if (baselines.is_discarded() || !baselines.is_object()) baselines = Json::object();
    rule_index.emplace(r.rule_id, rules.size());
    rules.push_back({{"id", r.rule_id},
                     {"pack", r.pack},
                     {"title", bilingual(r.title_en, r.title_zh)},
                     {"severity", severityIndex(r.severity)},
                     {"scope", model::scopeName(r.scope)},
                     {"baselines", std::move(baselines)},
                     {"remediation", bilingual(r.remediation_en, r.remediation_zh)}});
  }
  Json findings = Json::array();
  for (const auto& f : data.findings) {
    auto it = rule_index.find(f.rule_id);
    if (it == rule_index.end()) {
      // A finding of a rule the scan did not record (should not happen): keep it readable.
      it = rule_index.emplace(f.rule_id, rules.size()).first;
      rules.push_back({{"id", f.rule_id},
                       {"pack", ""},
                       {"title", bilingual(f.rule_id, f.rule_id)},
                       {"severity", severityIndex(f.severity)},
                       {"scope", model::scopeName(f.scope)},
                       {"baselines", Json::object()},
                       {"remediation", bilingual("", "")}});
    }
    findings.push_back(
        Json::array({it->second, f.subject, statusIndex(f.status), severityIndex(f.severity),
                     f.message, f.evidence.is_null() ? Json(0) : f.evidence, f.waiver,
                     model::scopeName(f.scope), findingId(f), f.message_zh}));
  }
  doc["rules"] = std::move(rules);
  doc["findings"] = std::move(findings);
  doc["counted"] = json_parts::counted(data);

  doc["errors"] = json_parts::collectionErrors(data);
  doc["waivers"] = json_parts::waivers(data);
  doc["history"] = json_parts::history(data);
  if (data.since_previous) {
    const auto& d = *data.since_previous;
    Json entries = Json::array();
    for (const auto& e : d.entries) {
      if (e.change == Change::kUnchanged) continue;
      entries.push_back({{"rule_id", e.rule_id},
                         {"subject", e.subject},
                         {"change", changeName(e.change)},
                         {"before", e.before ? Json(statusIndex(*e.before)) : Json(nullptr)},
                         {"after", e.after ? Json(statusIndex(*e.after)) : Json(nullptr)},
                         {"severity", severityIndex(e.severity)},
                         {"message", e.message}});
    }
    doc["since_previous"] = {{"scan_id", d.from_scan},
                             {"new", d.count(Change::kNew)},
                             {"resolved", d.count(Change::kResolved)},
                             {"changed", d.count(Change::kChanged)},
                             {"unchanged", d.count(Change::kUnchanged)},
                             {"entries", std::move(entries)}};
  } else {
    doc["since_previous"] = nullptr;
  }
  return doc;
}

/// JSON that is safe inside a <script> element: '<', '>' and '&' only occur inside JSON strings,
/// where \u escapes mean the same thing, so "</script>" and "<!--" cannot appear; U+2028/2029
/// are escaped for older JavaScript parsers.
std::string scriptSafeJson(const Json& doc) {
  const std::string raw = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size() + raw.size() / 16);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < raw.size() && raw[i + 1] == '\x80' &&
               (raw[i + 2] == '\xA8' || raw[i + 2] == '\xA9')) {
      out += raw[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// Replaces every @@NAME@@ of the template in one pass; replacement text is never rescanned.
Result<std::string> fillTemplate(std::string_view tpl,
                                 const std::map<std::string, std::string_view>& values) {
  std::string out;
  std::size_t size = tpl.size();
  for (const auto& [name, value] : values) size += value.size();
  out.reserve(size);
  std::size_t pos = 0;
  while (pos < tpl.size()) {
    const std::size_t start = tpl.find("@@", pos);
    if (start == std::string_view::npos) break;
    const std::size_t end = tpl.find("@@", start + 2);
    if (end == std::string_view::npos) break;
    const std::string name(tpl.substr(start + 2, end - start - 2));
    auto it = values.find(name);
    if (it == values.end()) {
      return makeError(Errc::kInvalidArgument,
                       "HTML report template: unknown placeholder @@" + name + "@@");
    }
    out.append(tpl.substr(pos, start - pos));
    out.append(it->second);
    pos = end + 2;
  }
  out.append(tpl.substr(pos));
  return out;
}

Result<std::vector<RenderedFile>> renderHtml(const ScanData& data, const RenderOptions& options) {
  auto tpl = asset("report.html");
  if (!tpl) return std::move(tpl).error();
  auto css = asset("report.css");
  if (!css) return std::move(css).error();
  auto i18n = asset("i18n.js");
  if (!i18n) return std::move(i18n).error();
  auto js = asset("report.js");
  if (!js) return std::move(js).error();
  auto selftest = asset("selftest.js");
  if (!selftest) return std::move(selftest).error();

  const std::string json = scriptSafeJson(pageData(data, options));
  const std::string lang = options.lang == "zh" ? "zh-CN" : "en";
  const std::string cluster = data.scan.cluster_name.empty() ? "-" : data.scan.cluster_name;
  const std::string title =
      htmlEscape("kpatrol — " + cluster + " — #" + std::to_string(data.scan.id));
  auto page = fillTemplate(*tpl, {{"LANG", lang},
                                  {"TITLE", title},
                                  {"CSS", *css},
                                  {"I18N_JS", *i18n},
                                  {"REPORT_JS", *js},
                                  {"SELFTEST_JS", *selftest},
                                  {"DATA", json}});
  if (!page) return std::move(page).error();
  return std::vector<RenderedFile>{{".html", std::move(*page)}};
}

}  // namespace

KPATROL_REGISTER_RENDERER("html", renderHtml);

}  // namespace kpatrol::report
