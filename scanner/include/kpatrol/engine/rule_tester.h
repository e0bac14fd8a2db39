// SPDX-License-Identifier: Apache-2.0
// Runs the test cases shipped with rule packs (tests/<stem>.yaml, rules/README.md "Tests").
#pragma once

#include <string>
#include <vector>

#include "kpatrol/engine/lua_sandbox.h"
#include "kpatrol/engine/rule.h"

namespace kpatrol::engine {

struct RuleTestResult {
  std::string rule_id;
  std::string file;  // the test file
  std::string case_name;
  bool passed = false;
  std::string detail;  // why it failed
};

struct RuleTestReport {
  std::vector<RuleTestResult> results;
  std::size_t passed = 0;
  std::size_t failed = 0;
};

/// Runs every test case of the packs named (all non-built-in-library packs when empty). A rule
/// without a test file, or without at least one passing and one failing case, fails.
RuleTestReport runRuleTests(const RuleSet& rules, const std::vector<std::string>& packs,
                            const SandboxLimits& limits = {});

}  // namespace kpatrol::engine
