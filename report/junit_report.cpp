// SPDX-License-Identifier: Apache-2.0
// JUnit XML (docs/report-formats.md): one <testsuite> per rule, one <testcase> per rule x subject,
// in the shape of the Jenkins/Ant JUnit schema so CI systems can show a scan as a test run.
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/report/report.h"

namespace kpatrol::report {
namespace {

using model::Json;
using model::Status;

/// Decodes one UTF-8 sequence at `i`; returns the code point (U+FFFD for a malformed sequence)
/// and advances `i` past it.
char32_t nextCodePoint(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += len;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  return cp;
}

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Characters XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
/// [#x10000-#x10FFFF]. Everything else (control characters, U+FFFE/U+FFFF) is dropped.
bool xmlChar(char32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/// Escapes text for element content (`attribute` false) or a double-quoted attribute value.
/// In attributes, tab, CR and LF become character references so attribute-value normalisation
/// does not turn them into spaces.
std::string xmlEscape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size() + 16);
  for (std::size_t i = 0; i < s.size();) {
    const char32_t cp = nextCodePoint(s, i);
    if (!xmlChar(cp)) continue;
    switch (cp) {
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
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        appendUtf8(out, cp);
    }
  }
  return out;
}

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xmlEscape(value, true) + "\"";
}

std::string seconds(std::int64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(micros) / 1e6);
  return buf;
}

/// The Jenkins/Ant schema's timestamp: ISO 8601 without a time zone (kpatrol's times are UTC).
std::string junitTimestamp(const std::string& rfc3339) {
  if (rfc3339.size() < 19) return {};
  return rfc3339.substr(0, 19);
}

struct Counts {
  std::int64_t tests = 0, failures = 0, errors = 0, skipped = 0, micros = 0;
  void add(Status status, std::int64_t duration_us) {
    ++tests;
    micros += duration_us;
    switch (status) {
      case Status::kFail:
      case Status::kWarn:
        ++failures;
        break;
      case Status::kError:
        ++errors;
        break;
      case Status::kNa:
      case Status::kManual:
      case Status::kWaived:
        ++skipped;
        break;
      case Status::kPass:
        break;
    }
  }
  std::string attrs() const {
    return attr("tests", std::to_string(tests)) + attr("failures", std::to_string(failures)) +
           attr("errors", std::to_string(errors)) + attr("skipped", std::to_string(skipped)) +
           attr("time", seconds(micros));
  }
};

std::string evidenceText(const model::Finding& f) {
  if (f.evidence.is_null()) return "{}";
  return f.evidence.dump(2, ' ', false, Json::error_handler_t::replace);
}

std::string testcase(const model::Finding& f, const store::RuleRecord* rule, bool zh) {
  std::string out = "    <testcase" + attr("classname", f.rule_id) + attr("name", f.subject) +
                    attr("time", seconds(f.duration_us));
  if (f.status == Status::kPass) return out + "/>\n";
  out += ">\n";
  std::string remediation;
  if (rule)
    remediation = zh && !rule->remediation_zh.empty() ? rule->remediation_zh : rule->remediation_en;
  const std::string body = f.message + "\n\nEvidence: " + evidenceText(f) +
                           (remediation.empty() ? "" : "\n\nRemediation: " + remediation) + "\n";
  const std::string status = model::statusName(f.status);
  switch (f.status) {
    case Status::kFail:
      out += "      <failure" + attr("message", f.message) +
             attr("type", model::severityName(f.severity)) + ">" + xmlEscape(body, false) +
             "</failure>\n";
      break;
    case Status::kWarn:
      out += "      <failure" + attr("message", f.message) + attr("type", "warn") + ">" +
             xmlEscape(body, false) + "</failure>\n";
      break;
    case Status::kError:
      out += "      <error" + attr("message", f.message) + attr("type", "error") + ">" +
             xmlEscape(body, false) + "</error>\n";
      break;
    case Status::kWaived:
      out += "      <skipped" + attr("message", status + ": " + f.waiver) + ">" +
             xmlEscape(f.message, false) + "</skipped>\n";
      break;
    default:
      out += "      <skipped" + attr("message", status + ": " + f.message) + "/>\n";
      break;
  }
  return out + "    </testcase>\n";
}

std::string property(std::string_view name, std::string_view value) {
  return "      <property" + attr("name", name) + attr("value", value) + "/>\n";
}

Result<std::vector<RenderedFile>> renderJunit(const ScanData& data, const RenderOptions& options) {
  const bool zh = options.lang == "zh";
  std::map<std::string, const store::RuleRecord*> rules;
  for (const auto& r : data.rules) rules[r.rule_id] = &r;

  // Suites in the order their rule was first evaluated; cases in evaluation order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const model::Finding*>> by_rule;
  for (const auto& f : data.findings) {
    auto& list = by_rule[f.rule_id];
    if (list.empty()) order.push_back(f.rule_id);
    list.push_back(&f);
  }

  Counts total;
  std::string suites;
  std::size_t index = 0;
  const std::string timestamp = junitTimestamp(data.scan.started_at);
  for (const auto& rule_id : order) {
    const auto& list = by_rule[rule_id];
    const auto it = rules.find(rule_id);
    const store::RuleRecord* rule = it == rules.end() ? nullptr : it->second;
    Counts counts;
    std::string cases;
    for (const auto* f : list) {
      counts.add(f->status, f->duration_us);
      total.add(f->status, f->duration_us);
      cases += testcase(*f, rule, zh);
    }
    suites += "  <testsuite" + attr("name", rule_id) + counts.attrs() +
              attr("id", std::to_string(index++)) + attr("package", rule ? rule->pack : "") +
              (timestamp.empty() ? "" : attr("timestamp", timestamp)) +
              attr("hostname", data.scan.cluster_name) + ">\n";
    suites += "    <properties>\n";
    suites += property("cluster", data.scan.cluster_name);
    suites += property("cluster_uid", data.scan.cluster_uid);
    suites += property("scan_id", std::to_string(data.scan.id));
    suites += property("scan_state", store::scanStateName(data.scan.state));
    suites += property("profile", data.scan.profile);
    suites += property("kpatrol_version", data.scan.tool_version);
    if (rule) {
      suites += property("title", zh && !rule->title_zh.empty() ? rule->title_zh : rule->title_en);
      suites += property("severity", model::severityName(rule->severity));
      suites += property("scope", model::scopeName(rule->scope));
      if (!rule->baselines_json.empty()) suites += property("baselines", rule->baselines_json);
    }
    suites += "    </properties>\n";
    suites += cases;
    suites += "  </testsuite>\n";
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites" + attr("name", "kpatrol scan " + std::to_string(data.scan.id) + " of " +
                                          data.scan.cluster_name);
  out += total.attrs() + ">\n" + suites + "</testsuites>\n";
  return std::vector<RenderedFile>{{".junit.xml", std::move(out)}};
}

}  // namespace

KPATROL_REGISTER_RENDERER("junit", renderJunit);

}  // namespace kpatrol::report
