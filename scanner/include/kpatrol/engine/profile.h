// SPDX-License-Identifier: Apache-2.0
// Profiles select rules into groups with weights and parameters; waivers record accepted
// exceptions. Both are YAML (yaml-cpp); errors name the file and line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/engine/rule.h"

namespace kpatrol::engine {

struct ProfileGroup {
  std::string id;
  std::string title_en, title_zh;
  std::vector<std::string> include;  // globs over rule ids
  std::vector<std::string> exclude;
  std::map<std::string, double> weights;  // rule id -> weight (default 1)
};

struct Profile {
  std::string name;
  std::string title_en, title_zh;
  std::string origin;  // file path or "builtin:<name>"
  std::vector<ProfileGroup> groups;
  std::map<std::string, model::Json> params;  // rule id -> {param: value}
};

Result<Profile> parseProfile(const std::string& yaml_text, const std::string& origin);
/// Resolves --profile: a built-in profile name (from the packs) or a YAML file path.
Result<Profile> resolveProfile(const RuleSet& rules, const std::string& name_or_path);

/// Shell-style glob with * and ? (no character classes): "health/*", "pod/kube-system/*".
bool globMatch(std::string_view pattern, std::string_view text) noexcept;

/// The rules a profile selects, with their group memberships and effective parameters.
struct Selection {
  struct Member {
    std::string group_id;
    std::string group_title_en, group_title_zh;
    double weight = 1.0;
  };
  struct Entry {
    const RuleMeta* rule = nullptr;
    model::Json params;  // defaults overlaid with the profile's values
    std::vector<Member> groups;
  };
  std::vector<Entry> entries;         // sorted by rule id
  std::vector<LoadMessage> messages;  // unknown params, patterns that matched nothing
};

/// Rules of extra packs (`--rules`) that the profile does not select are added in a group named
/// after their pack, so a pack given on the command line is always evaluated.
Selection selectRules(const RuleSet& rules, const Profile& profile,
                      const std::vector<std::string>& always_packs);

struct Waiver {
  std::string rule;     // glob over rule ids
  std::string subject;  // glob over subject ids
  std::string owner;
  std::string reason;
  std::string expires;          // YYYY-MM-DD, empty = never
  std::int64_t expires_at = 0;  // epoch seconds, end of that day (UTC); 0 = never
  int line = 0;
};

Result<std::vector<Waiver>> parseWaivers(const std::string& yaml_text, const std::string& origin);

}  // namespace kpatrol::engine
