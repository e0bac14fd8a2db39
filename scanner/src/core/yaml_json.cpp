// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/core/yaml_json.h"

#include <charconv>
#include <cmath>

namespace kpatrol {

namespace {
nlohmann::ordered_json plainScalar(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  std::int64_t i = 0;
  if (auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
      ec == std::errc() && end == s.data() + s.size()) {
    return i;
  }
  if (s.find_first_of("0123456789") != std::string::npos &&
      s.find_first_not_of("0123456789+-.eE") == std::string::npos) {
    double d = 0;
    if (auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
        ec == std::errc() && end == s.data() + s.size() && std::isfinite(d)) {
      return d;
    }
  }
  return s;
}
}  // namespace

nlohmann::ordered_json yamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "?") return plainScalar(node.Scalar());
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::ordered_json::array();
      for (const auto& item : node) out.push_back(yamlToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      auto out = nlohmann::ordered_json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = yamlToJson(kv.second);
      return out;
    }
  }
  return nullptr;
}

Result<nlohmann::ordered_json> parseYamlToJson(const std::string& text, const std::string& origin) {
  try {
    return yamlToJson(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return makeError(Errc::kParse, origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace kpatrol
