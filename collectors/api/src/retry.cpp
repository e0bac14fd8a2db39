// SPDX-License-Identifier: Apache-2.0
#include "retry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include <curl/curl.h>

namespace kpatrol::collect::api {

bool retryableStatus(long status) {
  return status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
}

std::optional<std::chrono::milliseconds> retryDelay(
    const RetryPolicy& policy, int attempt, std::optional<std::chrono::milliseconds> retry_after,
    double random01) {
  if (attempt >= policy.max_attempts) return std::nullopt;
  if (retry_after) {
    return std::clamp(*retry_after, std::chrono::milliseconds(0), policy.retry_after_cap);
  }
  const double exp = std::ldexp(static_cast<double>(policy.base.count()), std::max(attempt - 1, 0));
  const double capped = std::min(exp, static_cast<double>(policy.cap.count()));
  const double jitter = 0.5 + 0.5 * std::clamp(random01, 0.0, 0.999999);
  return std::chrono::milliseconds(static_cast<long long>(capped * jitter));
}

std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value,
                                                         std::int64_t now_epoch_seconds) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r' || value.back() == '\n'))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  long long seconds = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && ptr == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(seconds * 1000);
  }
  const std::string date(value);
  const time_t when = curl_getdate(date.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  const long long delta = static_cast<long long>(when) - now_epoch_seconds;
  return std::chrono::milliseconds(std::max(0LL, delta) * 1000);
}

}  // namespace kpatrol::collect::api
