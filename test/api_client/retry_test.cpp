// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "retry.h"

using namespace std::chrono_literals;
using namespace kpatrol::collect::api;

TEST_CASE("retryable statuses: 429 and 5xx but not 501/505, never 4xx") {
  CHECK(retryableStatus(429));
  CHECK(retryableStatus(500));
  CHECK(retryableStatus(503));
  CHECK_FALSE(retryableStatus(501));
  CHECK_FALSE(retryableStatus(403));
  CHECK_FALSE(retryableStatus(410));
  CHECK_FALSE(retryableStatus(200));
}

TEST_CASE("backoff grows exponentially with jitter in [0.5, 1), capped, bounded in count") {
  RetryPolicy p;
  p.max_attempts = 4;
  p.base = 100ms;
  p.cap = 350ms;
  CHECK(retryDelay(p, 1, std::nullopt, 0.0) == 50ms);
  CHECK(retryDelay(p, 1, std::nullopt, 0.999) == 99ms);
  CHECK(retryDelay(p, 2, std::nullopt, 0.0) == 100ms);
  CHECK(retryDelay(p, 3, std::nullopt, 0.999) == 349ms);  // 400 capped to 350
  CHECK_FALSE(retryDelay(p, 4, std::nullopt, 0.5).has_value());
}

TEST_CASE("Retry-After wins over backoff, capped") {
  RetryPolicy p;
  CHECK(retryDelay(p, 1, 2000ms, 0.3) == 2000ms);
  CHECK(retryDelay(p, 1, 3600000ms, 0.3) == p.retry_after_cap);
}

TEST_CASE("Retry-After parsing: seconds and HTTP dates") {
  CHECK(parseRetryAfter("1", 0) == 1000ms);
  CHECK(parseRetryAfter(" 30 \r\n", 0) == 30000ms);
  CHECK_FALSE(parseRetryAfter("", 0).has_value());
  CHECK_FALSE(parseRetryAfter("-3", 0).has_value());
  CHECK_FALSE(parseRetryAfter("soon", 0).has_value());
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
  CHECK(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111770) == 7000ms);
  CHECK(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111800) == 0ms);
}
