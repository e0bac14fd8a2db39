// SPDX-License-Identifier: Apache-2.0
// Profiles (--profile FILE): YAML from the user, selected against the built-in rules.
#include "kpatrol/engine/profile.h"
#include "../fuzz_target.h"
#include "kpatrol/engine/rule.h"

KPATROL_FUZZ_TARGET(profile) {
  static const kpatrol::engine::RuleSet rules = [] {
    auto packs = kpatrol::engine::builtinPacks();
    return kpatrol::engine::loadRules(packs ? *packs : std::vector<kpatrol::engine::PackSource>{});
  }();
  const std::string text(kpatrol::fuzz::asText(data, size));
  auto profile = kpatrol::engine::parseProfile(text, "fuzz/profile.yaml");
  if (profile) (void)kpatrol::engine::selectRules(rules, *profile, {});
  return 0;
}
