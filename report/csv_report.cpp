// SPDX-License-Identifier: Apache-2.0
// CSV in the layout of ACK's CIS reports (docs/report-formats.md): one file per node, plus one
// for every subject that is not a node. RFC 4180, CRLF line ends, UTF-8 with a byte order mark
// so spreadsheet programs read the Chinese text correctly.
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/report/report.h"

namespace kpatrol::report {
namespace {

using model::Json;
using model::Status;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kHeader = "Section,Test ID,Scored,Result,Actual Value,Remediation";

const char* resultName(Status status) {
  switch (status) {
    case Status::kPass:
      return "PASS";
    case Status::kWarn:
      return "WARN";
    case Status::kFail:
      return "FAIL";
    case Status::kError:
      return "INFO";
    case Status::kNa:
      return "NA";
    case Status::kManual:
      return "MANUAL";
    case Status::kWaived:
      return "WAIVED";
  }
  return "INFO";
}

/// Replaces malformed UTF-8 with U+FFFD, so every file is valid UTF-8 whatever the cluster held.
std::string validUtf8(std::string_view s) {
  const std::string quoted =
      Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
  return Json::parse(quoted).get<std::string>();
}

/// One RFC 4180 field. A value a spreadsheet would run as a formula (=, +, -, @, tab, CR first)
/// is prefixed with an apostrophe (OWASP's advice against CSV injection).
std::string field(std::string_view raw) {
  std::string value = validUtf8(raw);
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos)
    value.insert(value.begin(), '\'');
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

struct RuleInfo {
  std::string section;
  std::string test_id;
  bool scored = false;
  std::string remediation;
};

RuleInfo ruleInfo(const store::RuleRecord* rule, const std::string& rule_id, bool zh) {
  RuleInfo info;
  info.test_id = rule_id;
  if (!rule) return info;
  info.section = rule->pack;
  info.remediation =
      zh && !rule->remediation_zh.empty() ? rule->remediation_zh : rule->remediation_en;
  if (rule->remediation_en.empty() && !zh) info.remediation = rule->remediation_zh;
  if (rule->baselines_json.empty()) return info;
  const Json baselines = Json::parse(rule->baselines_json, nullptr, false);
  if (baselines.is_discarded() || !baselines.is_object()) return info;
  const auto cis = baselines.find("cis");
  if (cis == baselines.end() || !cis->is_object()) return info;
  if (const auto control = cis->find("control"); control != cis->end() && control->is_string()) {
    const auto id = control->get<std::string>();
    if (!id.empty()) {
      info.test_id = id;
      const auto dot = id.rfind('.');
      info.section = dot == std::string::npos ? id : id.substr(0, dot);
    }
  }
  if (const auto scored = cis->find("scored"); scored != cis->end() && scored->is_boolean())
    info.scored = scored->get<bool>();
  return info;
}

/// A node name as a file-name fragment: letters, digits, '.', '_' and '-' are kept, anything
/// else becomes '_'; at most 100 bytes.
std::string sanitise(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    out += keep ? c : '_';
    if (out.size() >= 100) break;
  }
  if (out.empty() || out.find_first_not_of('.') == std::string::npos) out = "_" + out;
  return out;
}

Result<std::vector<RenderedFile>> renderCsv(const ScanData& data, const RenderOptions& options) {
  const bool zh = options.lang == "zh";
  std::map<std::string, const store::RuleRecord*> rules;
  for (const auto& r : data.rules) rules[r.rule_id] = &r;
  std::map<std::string, RuleInfo> infos;
  const auto info = [&](const std::string& rule_id) -> const RuleInfo& {
    auto it = infos.find(rule_id);
    if (it != infos.end()) return it->second;
    const auto r = rules.find(rule_id);
    return infos.emplace(rule_id, ruleInfo(r == rules.end() ? nullptr : r->second, rule_id, zh))
        .first->second;
  };
  const auto row = [&](const model::Finding& f) {
    const RuleInfo& i = info(f.rule_id);
    std::string actual = f.message;
    if (f.status == Status::kWaived && !f.waiver.empty()) actual += " [waived: " + f.waiver + "]";
    return field(i.section) + "," + field(i.test_id) + "," + (i.scored ? "true" : "false") + "," +
           resultName(f.status) + "," + field(actual) + "," + field(i.remediation) + "\r\n";
  };

  // Nodes in the order they first appear; each node's rows in evaluation order.
  std::vector<std::string> nodes;
  std::map<std::string, std::string> node_rows;
  std::string cluster_rows;
  for (const auto& f : data.findings) {
    if (f.scope == model::Scope::kNode) {
      const std::string node = f.subject.starts_with("node/") ? f.subject.substr(5) : f.subject;
      auto [it, inserted] = node_rows.try_emplace(node);
      if (inserted) nodes.push_back(node);
      it->second += row(f);
    } else {
      cluster_rows += field(f.subject) + "," + row(f);
    }
  }

  std::vector<RenderedFile> files;
  std::set<std::string> used = {"cluster"};
  for (const auto& node : nodes) {
    std::string name = sanitise(node);
    for (int n = 2; used.contains(name); ++n) name = sanitise(node) + "_" + std::to_string(n);
    used.insert(name);
    files.push_back(
        {"-" + name + ".csv", std::string(kBom) + std::string(kHeader) + "\r\n" + node_rows[node]});
  }
  files.push_back({"-cluster.csv",
                   std::string(kBom) + "Subject," + std::string(kHeader) + "\r\n" + cluster_rows});
  return files;
}

}  // namespace

KPATROL_REGISTER_RENDERER("csv", renderCsv);

}  // namespace kpatrol::report
