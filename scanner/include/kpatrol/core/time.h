// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kpatrol {

/// Seconds since the epoch as RFC 3339 UTC ("2026-12-01T19:33:55Z").
std::string formatRfc3339(std::int64_t epoch_seconds);
/// Parses RFC 3339 / ISO 8601 ("2026-12-01T19:33:55Z", "+08:00" offsets, fractional seconds,
/// or a bare "2026-12-01" date at midnight UTC). nullopt if malformed.
std::optional<std::int64_t> parseRfc3339(std::string_view text);
/// The wall clock, RFC 3339 UTC.
std::string nowRfc3339();

}  // namespace kpatrol
