// SPDX-License-Identifier: Apache-2.0
// Names of the model enums as they appear in rules, reports and the result store. The
// spellings are part of the on-disk and report formats: never rename one.
#include "kpatrol/model/finding.h"

#include "kpatrol/model/snapshot.h"

namespace kpatrol::model {

const char* statusName(Status status) noexcept {
  switch (status) {
    case Status::kPass:
      return "pass";
    case Status::kWarn:
      return "warn";
    case Status::kFail:
      return "fail";
    case Status::kError:
      return "error";
    case Status::kNa:
      return "na";
    case Status::kManual:
      return "manual";
    case Status::kWaived:
      return "waived";
  }
  return "error";
}

const char* statusNameZh(Status status) noexcept {
  switch (status) {
    case Status::kPass:
      return "正常";
    case Status::kWarn:
      return "警告";
    case Status::kFail:
      return "异常";
    case Status::kError:
      return "未知";
    case Status::kNa:
      return "不适用";
    case Status::kManual:
      return "需人工确认";
    case Status::kWaived:
      return "已豁免";
  }
  return "未知";
}

std::optional<Status> parseStatus(std::string_view name) noexcept {
  for (const Status status : kAllStatuses) {
    if (name == statusName(status)) return status;
  }
  return std::nullopt;
}

const char* severityName(Severity severity) noexcept {
  switch (severity) {
    case Severity::kCritical:
      return "critical";
    case Severity::kHigh:
      return "high";
    case Severity::kMedium:
      return "medium";
    case Severity::kLow:
      return "low";
    case Severity::kInfo:
      return "info";
  }
  return "medium";
}

std::optional<Severity> parseSeverity(std::string_view name) noexcept {
  for (const Severity severity : kAllSeverities) {
    if (name == severityName(severity)) return severity;
  }
  return std::nullopt;
}

const char* scopeName(Scope scope) noexcept {
  switch (scope) {
    case Scope::kCluster:
      return "cluster";
    case Scope::kNode:
      return "node";
    case Scope::kNamespace:
      return "namespace";
    case Scope::kWorkload:
      return "workload";
    case Scope::kPod:
      return "pod";
  }
  return "cluster";
}

std::optional<Scope> parseScope(std::string_view name) noexcept {
  for (const Scope scope : kAllScopes) {
    if (name == scopeName(scope)) return scope;
  }
  return std::nullopt;
}

const std::string& messageIn(const Finding& finding, std::string_view lang) noexcept {
  if (lang == "zh" && !finding.message_zh.empty()) return finding.message_zh;
  return finding.message;
}

}  // namespace kpatrol::model
