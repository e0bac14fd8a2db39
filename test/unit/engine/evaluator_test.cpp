// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "../../support/engine_support.h"
#include "kpatrol/engine/profile.h"

using namespace kpatrol;
using kpatrol::test::findingFor;
using kpatrol::test::pack;
using kpatrol::test::ruleSource;
using kpatrol::test::runAll;
using kpatrol::test::snapshotOf;

namespace {

engine::RuleSet builtinRules() {
  auto packs = engine::builtinPacks();
  REQUIRE(packs.ok());
  return engine::loadRules(std::move(*packs));
}

// Everything a finding says except its timing, one line each.
std::string dumpFindings(const std::vector<model::Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += std::to_string(f.seq) + " " + f.rule_id + " " + f.subject + " " +
           model::statusName(f.status) + " " + f.message + " " + f.evidence.dump() + " " +
           f.waiver + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("evaluator: -j1 and -j4 give byte-identical findings on the demo cluster") {
  auto rules = builtinRules();
  auto snap = model::Snapshot::loadDemo();
  REQUIRE(snap.ok());
  auto profile = engine::resolveProfile(rules, "default");
  REQUIRE(profile.ok());
  auto sel = engine::selectRules(rules, *profile, {});
  auto run = [&](unsigned jobs) {
    engine::EvalOptions o;
    o.jobs = jobs;
    o.subjects_per_unit = 3;  // many small units, so threads interleave
    std::vector<model::Finding> out;
    auto stats = engine::evaluate(rules, sel, **snap, {}, o, [&](std::vector<model::Finding>&& b) {
      for (auto& f : b) out.push_back(std::move(f));
    });
    REQUIRE(stats.ok());
    CHECK(stats->jobs == jobs);
    return dumpFindings(out);
  };
  const std::string one = run(1);
  CHECK(one.size() > 10000);
  const std::string four = run(4);
  if (four != one) {
    // Show the first differing line rather than two 300 KB strings.
    std::size_t i = 0;
    while (i < one.size() && i < four.size() && one[i] == four[i]) ++i;
    const std::size_t from = one.rfind('\n', i) == std::string::npos ? 0 : one.rfind('\n', i) + 1;
    FAIL_CHECK("-j1: " << one.substr(from, 300) << "\n-j4: " << four.substr(from, 300));
  }
  CHECK(run(2) == one);
}

TEST_CASE("evaluator: a missing fact is an error with the collector's reason, never a pass") {
  auto rules = engine::loadRules({pack(
      "t", {
               {"k.lua", ruleSource("t/k", "return ctx.pass('looked at kubelet')", "node",
                                    "  requires = { \"kubelet\" },\n")},
               {"o.lua", ruleSource("t/o", "return ctx.pass()", "cluster",
                                    "  requires = { \"objects.roles\" },\n")},
               {"p.lua",
                ruleSource("t/p", "return ctx.pass(tostring(#ctx.objects('secrets')))", "cluster")},
           })});
  REQUIRE(rules.rules.size() == 3);
  auto snap = snapshotOf(R"({
    "meta": {"created_at": "2026-11-30T02:00:00Z"},
    "objects": {"nodes": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}, {"metadata": {"name": "c"}}]},
    "nodes": {"a": {"kubelet": {"args": {}}}, "b": {"os": {"id": "debian"}}},
    "errors": [{"subject": "node/b", "fact": "kubelet", "source": "ssh", "message": "sudo: a password is required"},
               {"subject": "cluster", "fact": "objects.roles", "source": "api", "message": "403 Forbidden"}]
  })");
  auto findings = runAll(rules, *snap);
  CHECK(findingFor(findings, "t/k", "node/a")->status == model::Status::kPass);
  const auto* b = findingFor(findings, "t/k", "node/b");
  CHECK(b->status == model::Status::kError);
  CHECK(b->message.find("sudo: a password is required") != std::string::npos);
  const auto* c = findingFor(findings, "t/k", "node/c");
  CHECK(c->status == model::Status::kError);
  CHECK(c->message.find("no host facts were collected for node/c") != std::string::npos);
  CHECK(findingFor(findings, "t/o")->status == model::Status::kError);
  CHECK(findingFor(findings, "t/o")->message.find("403 Forbidden") != std::string::npos);
  CHECK(findingFor(findings, "t/p")->status == model::Status::kError);
  CHECK(findingFor(findings, "t/p")->message.find("objects.secrets not collected") !=
        std::string::npos);
}

TEST_CASE("evaluator: waivers apply to matching failures until they expire") {
  auto rules = engine::loadRules(
      {pack("t", {
                     {"f.lua", ruleSource("t/f", "return ctx.fail('bad ' .. s.name)", "pod")},
                 })});
  auto snap = snapshotOf(R"({"meta": {"created_at": "2026-11-30T02:00:00Z"},
    "objects": {"pods": [{"metadata": {"name": "a", "namespace": "kube-system"}},
                         {"metadata": {"name": "b", "namespace": "shop"}},
                         {"metadata": {"name": "c", "namespace": "shop"}}]}})");
  auto waivers = engine::parseWaivers(R"(
waivers:
  - rule: "t/*"
    subject: "pod/kube-system/*"
    owner: platform-team
    reason: system pods are reviewed separately
    expires: 2027-01-31
  - rule: t/f
    subject: pod/shop/b
    owner: shop-team
    reason: migration in progress
    expires: 2026-11-29
)",
                                      "waivers.yaml");
  REQUIRE(waivers.ok());
  engine::EvalStats stats;
  auto findings = runAll(rules, *snap, {}, *waivers, &stats);
  const auto* a = findingFor(findings, "t/f", "pod/kube-system/a");
  CHECK(a->status == model::Status::kWaived);
  CHECK(a->waiver.find("platform-team: system pods are reviewed separately (until 2027-01-31)") ==
        0);
  CHECK(findingFor(findings, "t/f", "pod/shop/b")->status == model::Status::kFail);  // expired
  CHECK(findingFor(findings, "t/f", "pod/shop/c")->status == model::Status::kFail);
  CHECK(stats.waiver_matches == std::vector<std::uint64_t>{1, 0});
}

TEST_CASE("evaluator: a cancelled evaluation stops between subjects and says so") {
  // Each check burns a little CPU so that units are still running when the flag is set (and
  // runs every time: its pods read alike, so it is evaluated without result reuse).
  auto rules = engine::loadRules({pack(
      "t", {{"p.lua",
             ruleSource("t/p", "local n = 0 for i = 1, 300000 do n = n + i end return ctx.pass()",
                        "pod")}})});
  std::string pods;
  for (int i = 0; i < 200; ++i) {
    pods += std::string(i ? "," : "") + R"({"metadata": {"name": "p)" + std::to_string(i) +
            R"(", "namespace": "n"}})";
  }
  auto snap = snapshotOf(R"({"objects": {"pods": [)" + pods + "]}}");
  std::atomic<bool> cancel{false};
  engine::EvalOptions o;
  o.jobs = 2;
  o.subjects_per_unit = 10;
  o.limits.reuse_results = false;
  o.cancel = &cancel;
  std::size_t units_seen = 0;
  o.progress = [&](std::size_t done, std::size_t) {
    units_seen = done;
    if (done == 3) cancel = true;
  };
  engine::EvalStats stats;
  auto findings = runAll(rules, *snap, o, {}, &stats);
  CHECK(stats.cancelled);
  CHECK(findings.size() < 200);
  // The three units before the flag are whole; the units running when it was set (one per
  // worker) stop after their current subject, and are emitted as far as they got.
  CHECK(findings.size() >= 30);
  CHECK(findings.size() <= units_seen * 10);
  for (std::size_t i = 0; i < findings.size(); ++i) CHECK(findings[i].seq == i);
}

TEST_CASE("evaluator: ctx helpers") {
  const std::string body = R"(
    local argv = { "/usr/bin/kubelet", "--anonymous-auth=false", "--v", "2", "--rotate-certificates" }
    local out = {
      ctx.flag(argv, "anonymous-auth"), ctx.flag(argv, "v"), ctx.flag(argv, "rotate-certificates"),
      tostring(ctx.flag(argv, "missing")),
      tostring(ctx.parse_quantity("512Mi")), tostring(ctx.parse_quantity("250m")),
      tostring(ctx.parse_duration("1h30m")), tostring(ctx.semver_compare("v1.28.3", "1.29")),
      tostring(ctx.mode_at_most("0644", "0600")), tostring(ctx.mode_at_most("0600", "0644")),
      tostring(ctx.parse_time("2026-11-30T02:00:00Z") == ctx.now()),
      tostring(ctx.get(ctx.objects("pods")[1], "spec.containers.1.image")),
      tostring(ctx.get(ctx.objects("pods")[1], { "metadata", "labels", "app.kubernetes.io/name" })),
      tostring(ctx.get(ctx.objects("pods")[1], "spec.nothing.here", "dflt")),
      tostring(#ctx.containers(ctx.objects("pods")[1])),
    }
    return ctx.pass(table.concat(out, "|"))
  )";
  auto rules = engine::loadRules({pack("t", {{"h.lua", ruleSource("t/h", body)}})});
  auto snap = snapshotOf(R"({"meta": {"created_at": "2026-11-30T02:00:00Z"},
    "objects": {"pods": [{"metadata": {"name": "p", "namespace": "n", "labels": {"app.kubernetes.io/name": "web"}},
                          "spec": {"initContainers": [{"name": "i", "image": "busybox"}],
                                   "containers": [{"name": "c", "image": "nginx:1.25"}]}}]}})");
  auto findings = runAll(rules, *snap);
  CHECK(findingFor(findings, "t/h")->message ==
        "false|2|true|nil|536870912.0|0.25|5400.0|-1|false|true|true|nginx:1.25|web|dflt|2");
}

TEST_CASE("evaluator: ctx.effective prefers the flag, then the config file, then the default") {
  const std::string body = R"(
    local v, src = ctx.effective(s, "kubelet", "authentication.anonymous.enabled", "anonymous-auth", true)
    return ctx.pass(tostring(v) .. "/" .. tostring(src))
  )";
  auto rules = engine::loadRules({pack("t", {{"e.lua", ruleSource("t/e", body, "node")}})});
  auto snap = snapshotOf(
      R"({"objects": {"nodes": [{"metadata": {"name": "flag"}}, {"metadata": {"name": "cfg"}},
                                                   {"metadata": {"name": "none"}}]},
    "nodes": {"flag": {"kubelet": {"args": {"anonymous-auth": "false"},
                                   "config": {"authentication": {"anonymous": {"enabled": true}}}}},
              "cfg": {"kubelet": {"args": {}, "config": {"authentication": {"anonymous": {"enabled": false}}}}},
              "none": {"kubelet": {"args": {}, "config": {}}}}})");
  auto findings = runAll(rules, *snap);
  CHECK(findingFor(findings, "t/e", "node/flag")->message == "false/flag");
  CHECK(findingFor(findings, "t/e", "node/cfg")->message == "false/config");
  CHECK(findingFor(findings, "t/e", "node/none")->message == "true/default");
}

TEST_CASE("evaluator: every subject sees its cluster (name, version, flavour), read-only") {
  const std::string body = R"(
    local c = s.cluster
    local ok = pcall(function() c.flavour = "kubeadm" end)
    return ctx.pass(c.name .. "|" .. c.version .. "|" .. c.flavour .. "|" .. tostring(ok))
  )";
  auto rules = engine::loadRules({pack("t", {{"n.lua", ruleSource("t/n", body, "node")}})});
  auto snap = snapshotOf(R"({"meta": {"created_at": "2026-11-30T02:00:00Z",
      "cluster": {"name": "prod", "version": "v1.30.7-aliyun.1", "flavour": "ack-managed"}},
    "objects": {"nodes": [{"metadata": {"name": "cn-hangzhou.10.0.1.12"}}]}})");
  auto findings = runAll(rules, *snap);
  const auto* f = findingFor(findings, "t/n", "node/cn-hangzhou.10.0.1.12");
  REQUIRE(f != nullptr);
  CHECK(f->message == "prod|v1.30.7-aliyun.1|ack-managed|false");
}
