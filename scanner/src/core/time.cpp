// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/core/time.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace kpatrol {

std::string formatRfc3339(std::int64_t epoch_seconds) {
  const std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string nowRfc3339() {
  const auto now = std::chrono::system_clock::now();
  return formatRfc3339(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

namespace {
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's method).
std::int64_t daysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}
}  // namespace

std::optional<std::int64_t> parseRfc3339(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  std::int64_t result = daysFromCivil(y, mo, d) * 86400;
  if (s.size() == 10) return result;
  if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) || s.size() < 19 ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  result += h * 3600 + mi * 60 + sec;
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  if (pos == s.size()) return result;  // no zone: treat as UTC
  if (s[pos] == 'Z' || s[pos] == 'z')
    return pos + 1 == s.size() ? std::optional(result) : std::nullopt;
  if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || pos + 6 != s.size()) {
      return std::nullopt;
    }
    const int offset = oh * 3600 + om * 60;
    return s[pos] == '+' ? result - offset : result + offset;
  }
  return std::nullopt;
}

}  // namespace kpatrol
