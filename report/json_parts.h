// SPDX-License-Identifier: Apache-2.0
// JSON pieces shared by the renderers that embed scan data (JSON report, HTML page data).
#pragma once

#include "kpatrol/report/report.h"

namespace kpatrol::report::json_parts {

using Json = model::Json;

Json counts(const store::StatusCounts& c);
Json bilingual(const std::string& en, const std::string& zh);
Json scanInfo(const ScanData& data);
Json cluster(const ScanData& data);
Json collectionErrors(const ScanData& data);
/// Findings counted instead of stored: [{rule_id, status, severity, count}].
Json counted(const ScanData& data);
Json waivers(const ScanData& data);
Json history(const ScanData& data);

}  // namespace kpatrol::report::json_parts
