// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "kpatrol/core/result.h"

namespace kpatrol {

/// Converts a YAML node to JSON. Plain (unquoted) scalars become booleans, integers, floats or
/// null following YAML 1.2's core schema; quoted scalars stay strings.
nlohmann::ordered_json yamlToJson(const YAML::Node& node);

/// Parses YAML text (first document) to JSON; errors carry origin:line.
Result<nlohmann::ordered_json> parseYamlToJson(const std::string& text, const std::string& origin);

}  // namespace kpatrol
