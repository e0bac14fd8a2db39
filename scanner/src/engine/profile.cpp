// SPDX-License-Identifier: Apache-2.0
// Profiles (rules/profiles/*.yaml, or a file): groups of rules by glob, weights, parameters.
#include "kpatrol/engine/profile.h"

#include <algorithm>
#include <set>

#include <yaml-cpp/yaml.h>

#include "kpatrol/core/fs.h"
#include "kpatrol/core/yaml_json.h"

namespace kpatrol::engine {

bool globMatch(std::string_view pattern, std::string_view text) noexcept {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

std::string at(const YAML::Node& node, const std::string& origin) {
  return origin + ":" + std::to_string(node.Mark().line + 1);
}

void bilingual(const YAML::Node& node, std::string& en, std::string& zh) {
  if (!node) return;
  if (node.IsScalar()) {
    en = zh = node.as<std::string>();
  } else if (node.IsMap()) {
    if (node["en"]) en = node["en"].as<std::string>();
    if (node["zh"]) zh = node["zh"].as<std::string>();
    if (zh.empty()) zh = en;
    if (en.empty()) en = zh;
  }
}

Result<std::vector<std::string>> stringList(const YAML::Node& node, const std::string& origin,
                                            const char* what) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node.IsScalar()) return std::vector<std::string>{node.as<std::string>()};
  if (!node.IsSequence()) {
    return makeError(Errc::kParse,
                     at(node, origin) + ": '" + what + "' must be a list of patterns");
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      return makeError(Errc::kParse, at(item, origin) + ": '" + what + "' entries must be strings");
    }
    out.push_back(item.as<std::string>());
  }
  return out;
}

}  // namespace

Result<Profile> parseProfile(const std::string& yaml_text, const std::string& origin) {
  Profile profile;
  profile.origin = origin;
  try {
    const YAML::Node doc = YAML::Load(yaml_text);
    if (!doc.IsMap()) return makeError(Errc::kParse, origin + ": a profile must be a mapping");
    if (!doc["profile"] || !doc["profile"].IsScalar()) {
      return makeError(Errc::kParse, origin + ": 'profile' (the profile's name) is required");
    }
    profile.name = doc["profile"].as<std::string>();
    bilingual(doc["title"], profile.title_en, profile.title_zh);
    if (profile.title_en.empty()) profile.title_en = profile.title_zh = profile.name;
    const YAML::Node groups = doc["groups"];
    if (!groups || !groups.IsSequence() || groups.size() == 0) {
      return makeError(Errc::kParse, origin + ": 'groups' must be a non-empty list");
    }
    std::set<std::string> ids;
    for (const auto& g : groups) {
      if (!g.IsMap() || !g["id"]) {
        return makeError(Errc::kParse, at(g, origin) + ": each group needs an 'id'");
      }
      ProfileGroup group;
      group.id = g["id"].as<std::string>();
      if (!ids.insert(group.id).second) {
        return makeError(Errc::kParse, at(g, origin) + ": duplicate group id '" + group.id + "'");
      }
      bilingual(g["title"], group.title_en, group.title_zh);
      if (group.title_en.empty()) group.title_en = group.title_zh = group.id;
      auto include = stringList(g["include"], origin, "include");
      if (!include) return std::move(include).error();
      if (include->empty()) {
        return makeError(Errc::kParse,
                         at(g, origin) + ": group '" + group.id + "' needs 'include' patterns");
      }
      group.include = std::move(*include);
      auto exclude = stringList(g["exclude"], origin, "exclude");
      if (!exclude) return std::move(exclude).error();
      group.exclude = std::move(*exclude);
      if (const YAML::Node w = g["weights"]) {
        if (!w.IsMap())
          return makeError(Errc::kParse, at(w, origin) + ": 'weights' must be a mapping");
        for (const auto& kv : w) {
          const double weight = kv.second.as<double>();
          if (weight < 0 || weight > 1000) {
            return makeError(Errc::kParse, at(kv.second, origin) + ": weight must be 0..1000");
          }
          group.weights[kv.first.as<std::string>()] = weight;
        }
      }
      profile.groups.push_back(std::move(group));
    }
    if (const YAML::Node params = doc["params"]) {
      if (!params.IsMap()) {
        return makeError(Errc::kParse,
                         at(params, origin) + ": 'params' must map rule ids to values");
      }
      for (const auto& kv : params) {
        if (!kv.second.IsMap()) {
          return makeError(Errc::kParse, at(kv.second, origin) + ": params of '" +
                                             kv.first.as<std::string>() + "' must be a mapping");
        }
        profile.params[kv.first.as<std::string>()] = yamlToJson(kv.second);
      }
    }
  } catch (const YAML::Exception& e) {
    return makeError(Errc::kParse, origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return profile;
}

Result<Profile> resolveProfile(const RuleSet& rules, const std::string& name_or_path) {
  if (auto it = rules.profiles.find(name_or_path); it != rules.profiles.end()) {
    return parseProfile(it->second, "builtin:rules/profiles/" + name_or_path + ".yaml");
  }
  std::error_code ec;
  if (std::filesystem::exists(name_or_path, ec)) {
    auto text = readFile(name_or_path, 4 << 20);
    if (!text) return std::move(text).error();
    return parseProfile(*text, name_or_path);
  }
  std::string known;
  for (const auto& [name, text] : rules.profiles) known += (known.empty() ? "" : ", ") + name;
  return makeError(Errc::kNotFound, "profile '" + name_or_path +
                                        "' is neither a built-in profile (" + known +
                                        ") nor a readable file");
}

Selection selectRules(const RuleSet& rules, const Profile& profile,
                      const std::vector<std::string>& always_packs) {
  Selection sel;
  std::map<std::string, Selection::Entry> entries;
  for (const auto& group : profile.groups) {
    for (const auto& pattern : group.include) {
      const bool any = std::any_of(rules.rules.begin(), rules.rules.end(),
                                   [&](const RuleMeta& r) { return globMatch(pattern, r.id); });
      if (!any) {
        sel.messages.push_back(LoadMessage{
            profile.origin, 0,
            "group '" + group.id + "': pattern '" + pattern + "' matches no loaded rule", false,
            ""});
      }
    }
    for (const auto& rule : rules.rules) {
      const auto matches = [&](const std::vector<std::string>& pats) {
        return std::any_of(pats.begin(), pats.end(),
                           [&](const std::string& p) { return globMatch(p, rule.id); });
      };
      if (!matches(group.include) || matches(group.exclude)) continue;
      auto& e = entries[rule.id];
      e.rule = &rule;
      auto w = group.weights.find(rule.id);
      e.groups.push_back(Selection::Member{group.id, group.title_en, group.title_zh,
                                           w == group.weights.end() ? 1.0 : w->second});
    }
  }
  for (const auto& pack : always_packs) {
    for (const auto& rule : rules.rules) {
      if (rule.pack != pack || entries.contains(rule.id)) continue;
      auto& e = entries[rule.id];
      e.rule = &rule;
      e.groups.push_back(Selection::Member{pack, pack, pack, 1.0});
    }
  }
  for (auto& [id, e] : entries) {
    e.params = model::Json::object();
    for (const auto& [name, spec] : e.rule->params.items()) e.params[name] = spec["default"];
    if (auto it = profile.params.find(id); it != profile.params.end()) {
      for (const auto& [name, value] : it->second.items()) {
        if (!e.params.contains(name)) {
          sel.messages.push_back(
              LoadMessage{profile.origin, 0,
                          "params: rule '" + id + "' has no parameter '" + name + "'", true, id});
          continue;
        }
        e.params[name] = value;
      }
    }
    sel.entries.push_back(std::move(e));
  }
  for (const auto& [id, values] : profile.params) {
    if (!entries.contains(id) && rules.find(id) == nullptr) {
      sel.messages.push_back(
          LoadMessage{profile.origin, 0, "params: no loaded rule '" + id + "'", false, id});
    }
  }
  return sel;
}

}  // namespace kpatrol::engine
