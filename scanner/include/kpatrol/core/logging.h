// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "kpatrol/core/result.h"

namespace kpatrol {

/// Logs go to stderr (stdout carries reports): `text` for people, `json` (one object per line)
/// for log pipelines. Levels: trace, debug, info, warn, error, off.
Status setupLogging(const std::string& level, const std::string& format);

}  // namespace kpatrol
