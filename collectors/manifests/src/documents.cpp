// SPDX-License-Identifier: Apache-2.0
#include "documents.h"

#include <algorithm>

#include <yaml-cpp/yaml.h>

#include "kpatrol/core/yaml_json.h"

namespace kpatrol::collect::manifests {
namespace {

bool looksLikeJson(const std::string& text, const std::string& origin) {
  const auto ends = [&](const std::string& suffix) {
    return origin.size() >= suffix.size() &&
           origin.compare(origin.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".json")) return true;
  auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && (text[first] == '{' || text[first] == '[');
}

int lineOfByte(const std::string& text, std::size_t byte) {
  byte = std::min(byte, text.size());
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(byte), '\n'));
}

Result<std::vector<Document>> parseJson(const std::string& text, const std::string& origin) {
  try {
    std::vector<Document> docs;
    docs.push_back(Document{model::Json::parse(text), 1});
    return docs;
  } catch (const model::Json::parse_error& e) {
    // e.byte is 1-based: the position of the offending character.
    const int line = lineOfByte(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    if (auto colon = what.find("syntax error"); colon != std::string::npos)
      what = what.substr(colon);
    return makeError(Errc::kParse, origin + ":" + std::to_string(line) + ": invalid JSON: " + what);
  } catch (const model::Json::exception& e) {  // out_of_range: a number like 8e581286
    return makeError(Errc::kParse, origin + ": invalid JSON: " + e.what());
  }
}

Result<std::vector<Document>> parseYaml(const std::string& text, const std::string& origin) {
  try {
    std::vector<Document> docs;
    for (const auto& node : YAML::LoadAll(text)) {
      const int line = node.Mark().is_null() ? 1 : node.Mark().line + 1;
      docs.push_back(Document{yamlToJson(node), line});
    }
    return docs;
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    return makeError(Errc::kParse,
                     origin + ":" + std::to_string(line) + ": invalid YAML: " + e.msg);
  }
}

}  // namespace

Result<std::vector<Document>> parseDocuments(const std::string& text, const std::string& origin) {
  return looksLikeJson(text, origin) ? parseJson(text, origin) : parseYaml(text, origin);
}

}  // namespace kpatrol::collect::manifests
