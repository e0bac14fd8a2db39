// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "../../support/engine_support.h"
#include "kpatrol/engine/profile.h"

using namespace kpatrol;
using kpatrol::test::pack;
using kpatrol::test::ruleSource;

TEST_CASE("profile: glob matching") {
  CHECK(engine::globMatch("health/*", "health/pod-crashloop"));
  CHECK(engine::globMatch("*", ""));
  CHECK(engine::globMatch("pod/kube-system/*", "pod/kube-system/coredns-1"));
  CHECK_FALSE(engine::globMatch("pod/kube-system/*", "pod/shop/cart"));
  CHECK(engine::globMatch("cis-k8s/1.?.1", "cis-k8s/1.2.1"));
  CHECK_FALSE(engine::globMatch("cis-k8s/1.?.1", "cis-k8s/1.22.1"));
  CHECK(engine::globMatch("*crash*", "health/pod-crashloop"));
}

TEST_CASE("profile: groups select rules with weights and parameter overrides") {
  auto rules = engine::loadRules({pack(
      "t", {
               {"a.lua", ruleSource("t/a", "return ctx.pass()", "cluster",
                                    "  params = { days = { default = 30 }, mode = 'strict' },\n")},
               {"b.lua", ruleSource("t/b", "return ctx.pass()")},
               {"c.lua", ruleSource("t/c", "return ctx.pass()")},
           })});
  REQUIRE(rules.rules.size() == 3);
  auto profile = engine::parseProfile(R"(
profile: custom
title: { en: Custom, zh: 自定义 }
groups:
  - id: first
    include: ["t/*"]
    exclude: ["t/c"]
    weights: { "t/a": 3 }
  - id: second
    title: { en: Second, zh: 第二 }
    include: ["t/a", "nomatch/*"]
params:
  t/a: { days: 60 }
)",
                                      "custom.yaml");
  REQUIRE(profile.ok());
  CHECK(profile->title_zh == "自定义");
  auto sel = engine::selectRules(rules, *profile, {});
  REQUIRE(sel.entries.size() == 2);
  CHECK(sel.entries[0].rule->id == "t/a");
  CHECK(sel.entries[0].params["days"] == 60);
  CHECK(sel.entries[0].params["mode"] == "strict");
  REQUIRE(sel.entries[0].groups.size() == 2);
  CHECK(sel.entries[0].groups[0].weight == 3.0);
  CHECK(sel.entries[0].groups[1].group_title_zh == "第二");
  CHECK(sel.entries[1].rule->id == "t/b");
  REQUIRE(sel.messages.size() == 1);
  CHECK(sel.messages[0].message.find("'nomatch/*' matches no loaded rule") != std::string::npos);
}

TEST_CASE("profile: an unknown parameter is an error; extra packs are always evaluated") {
  auto rules =
      engine::loadRules({pack("t", {{"a.lua", ruleSource("t/a", "return ctx.pass()")}}),
                         pack("extra", {{"x.lua", ruleSource("extra/x", "return ctx.pass()")}})});
  auto profile = engine::parseProfile(
      "profile: p\ngroups:\n  - id: g\n    include: [t/a]\nparams:\n  t/a: { typo: 1 }\n",
      "p.yaml");
  REQUIRE(profile.ok());
  auto sel = engine::selectRules(rules, *profile, {"extra"});
  REQUIRE(sel.entries.size() == 2);  // sorted by id
  CHECK(sel.entries[0].rule->id == "extra/x");
  CHECK(sel.entries[0].groups[0].group_id == "extra");
  CHECK(sel.entries[1].rule->id == "t/a");
  REQUIRE_FALSE(sel.messages.empty());
  CHECK(sel.messages[0].error);
  CHECK(sel.messages[0].message == "params: rule 't/a' has no parameter 'typo'");
}

TEST_CASE("profile: malformed profiles and waivers name the file and line") {
  auto p = engine::parseProfile(
      "profile: x\ngroups:\n  - id: a\n    include: [t/a]\n  - id: a\n    include: [t/b]\n",
      "dup.yaml");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().message == "dup.yaml:5: duplicate group id 'a'");
  auto bad = engine::parseProfile("profile: x\ngroups: [\n", "bad.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.starts_with("bad.yaml:"));
  auto w = engine::parseWaivers("waivers:\n  - rule: t/a\n    owner: me\n", "w.yaml");
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().message == "w.yaml:2: waiver needs 'reason'");
  auto d = engine::parseWaivers("waivers:\n  - {rule: t/a, owner: me, reason: r, expires: soon}\n",
                                "w.yaml");
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().message.find("expires 'soon' is not a date") != std::string::npos);
}

TEST_CASE("profile: built-in profiles resolve; unknown names list the choices") {
  auto packs = engine::builtinPacks();
  REQUIRE(packs.ok());
  auto rules = engine::loadRules(std::move(*packs));
  for (const char* name : {"default", "cis", "health"}) {
    auto p = engine::resolveProfile(rules, name);
    REQUIRE_MESSAGE(p.ok(), name);
    auto sel = engine::selectRules(rules, *p, {});
    CHECK_MESSAGE(!sel.entries.empty(), name);
    for (const auto& m : sel.messages) CHECK_MESSAGE(!m.error, m.format());
  }
  auto missing = engine::resolveProfile(rules, "nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("cis, default, health") != std::string::npos);
}
