// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kpatrol/model/snapshot.h"

namespace kpatrol::model {

/// What a check concluded. `error` means it could not be evaluated: never counted as pass or fail.
enum class Status { kPass, kWarn, kFail, kError, kNa, kManual, kWaived };
inline constexpr Status kAllStatuses[] = {Status::kPass,  Status::kWarn, Status::kFail,
                                          Status::kError, Status::kNa,   Status::kManual,
                                          Status::kWaived};
const char* statusName(Status status) noexcept;
/// The seeds' vocabulary: 正常 / 警告 / 异常 / 未知 ...
const char* statusNameZh(Status status) noexcept;
std::optional<Status> parseStatus(std::string_view name) noexcept;

enum class Severity { kCritical, kHigh, kMedium, kLow, kInfo };
inline constexpr Severity kAllSeverities[] = {Severity::kCritical, Severity::kHigh,
                                              Severity::kMedium, Severity::kLow, Severity::kInfo};
const char* severityName(Severity severity) noexcept;
std::optional<Severity> parseSeverity(std::string_view name) noexcept;

/// One rule's verdict on one subject.
struct Finding {
  std::uint64_t seq = 0;  // deterministic position in the scan's output order
  std::string rule_id;
  std::string subject;  // Subject::id
  Scope scope = Scope::kCluster;
  Status status = Status::kError;
  Severity severity = Severity::kMedium;
  std::string message;     // English (or the only text the rule gave)
  std::string message_zh;  // Chinese; empty when the rule gave none (then `message` is shown)
  Json evidence;           // small JSON value (size-capped by the engine)
  std::string waiver;      // for waived findings: "owner: reason (expires ...)"
  std::int64_t duration_us = 0;
};

/// The message in `lang` ("zh" or anything else = English); Chinese falls back to English.
const std::string& messageIn(const Finding& finding, std::string_view lang) noexcept;

}  // namespace kpatrol::model
