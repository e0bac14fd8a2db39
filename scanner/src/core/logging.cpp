// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace kpatrol {

Status setupLogging(const std::string& level, const std::string& format) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return makeError(
        Errc::kInvalidArgument,
        "--log-level '" + level + "': expected trace, debug, info, warn, error or off");
  }
  auto logger = spdlog::stderr_color_mt("kpatrol");
  if (format == "json") {
    // Messages are key=value text; the pattern escapes nothing, so keep messages quote-free.
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else if (format == "text") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  } else {
    return makeError(Errc::kInvalidArgument,
                     "--log-format '" + format + "': expected text or json");
  }
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
  return okStatus();
}

}  // namespace kpatrol
