// SPDX-License-Identifier: Apache-2.0
// When and how long to wait before retrying an API request. Pure, so it is unit-tested.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kpatrol::collect::api {

struct RetryPolicy {
  int max_attempts = 5;  // including the first
  std::chrono::milliseconds base{250};
  std::chrono::milliseconds cap{8000};
  std::chrono::milliseconds retry_after_cap{60000};
};

/// Whether an HTTP status is worth retrying: 429 and 5xx except 501 (not implemented) and
/// 505.
bool retryableStatus(long status);

/// The wait before attempt `attempt + 1` after `attempt` attempts (1-based) failed, or nullopt
/// when no attempt is left. A server's Retry-After wins (capped); otherwise exponential backoff
/// with jitter: base * 2^(attempt-1) scaled by a factor in [0.5, 1) from `random01`, capped.
std::optional<std::chrono::milliseconds> retryDelay(
    const RetryPolicy& policy, int attempt, std::optional<std::chrono::milliseconds> retry_after,
    double random01);

/// Retry-After: delta-seconds or an HTTP date (RFC 9110); nullopt if absent or malformed.
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value,
                                                         std::int64_t now_epoch_seconds);

}  // namespace kpatrol::collect::api
