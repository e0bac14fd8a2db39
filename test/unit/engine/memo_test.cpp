// SPDX-License-Identifier: Apache-2.0
// Result reuse (memo.h): a rule's outcome is reused only for a subject whose data the rule
// reads exactly as before. Every test compares a scan with reuse to the same scan without it:
// the findings must be identical, and the scan with reuse must actually have reused some.
#include <doctest/doctest.h>

#include "../../support/engine_support.h"
#include "kpatrol/engine/profile.h"

using namespace kpatrol;
using kpatrol::test::pack;
using kpatrol::test::ruleSource;
using kpatrol::test::runAll;
using kpatrol::test::snapshotOf;

namespace {

std::string dump(const std::vector<model::Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += f.rule_id + " " + f.subject + " " + model::statusName(f.status) + " " + f.message + " " +
           f.message_zh + " " + f.evidence.dump() + "\n";
  }
  return out;
}

struct Runs {
  std::string with_reuse;
  std::string without;
  std::uint64_t reused = 0;
  std::uint64_t evaluations = 0;
};

Runs compare(const engine::RuleSet& rules, const model::Snapshot& snap, unsigned jobs = 1) {
  Runs r;
  for (const bool reuse : {true, false}) {
    engine::EvalOptions o;
    o.jobs = jobs;
    o.limits.reuse_results = reuse;
    engine::EvalStats stats;
    const std::string text = dump(runAll(rules, snap, o, {}, &stats));
    if (reuse) {
      r.with_reuse = text;
      r.reused = stats.reused;
      r.evaluations = stats.evaluations;
    } else {
      r.without = text;
      CHECK(stats.reused == 0);
    }
  }
  return r;
}

// `n` pods in namespace ns, built by `pod(i)` (a JSON object text).
template <class F>
std::string clusterOf(int n, F pod) {
  std::string pods;
  for (int i = 0; i < n; ++i) pods += (i ? "," : "") + pod(i);
  return R"({"meta": {"created_at": "2026-11-30T02:00:00Z", "cluster": {"name": "t"}},
            "objects": {"pods": [)" +
         pods + "]}}";
}

std::string podJson(int i, const std::string& image, int containers, const std::string& labels,
                    int restarts, bool privileged) {
  std::string cs;
  for (int c = 0; c < containers; ++c) {
    cs += std::string(c ? "," : "") + R"({"name": "c)" + std::to_string(c) + R"(", "image": ")" +
          image + R"(", "securityContext": {"privileged": )" + (privileged ? "true" : "false") +
          R"(, "runAsUser": 1000}})";
  }
  return R"({"metadata": {"name": "p)" + std::to_string(i) +
         R"(", "namespace": "ns", "labels": {)" + labels + R"(}}, "spec": {"containers": [)" + cs +
         R"(]}, "status": {"phase": "Running", "containerStatuses": [{"name": "c0", "restartCount": )" +
         std::to_string(restarts) + "}]}}";
}

engine::RuleSet load(std::map<std::string, std::string> files) {
  auto rules = engine::loadRules({pack("t", std::move(files))});
  std::string messages;
  for (const auto& m : rules.messages) messages += m.format() + "\n";
  INFO(messages);
  REQUIRE_FALSE(rules.hasErrors());
  return rules;
}

}  // namespace

TEST_CASE("reuse: the demo cluster's findings are identical with and without reuse") {
  auto packs = engine::builtinPacks();
  REQUIRE(packs.ok());
  auto rules = engine::loadRules(std::move(*packs));
  auto snap = model::Snapshot::loadDemo();
  REQUIRE(snap.ok());
  for (const unsigned jobs : {1u, 2u}) {
    const Runs r = compare(rules, **snap, jobs);
    CHECK(r.with_reuse.size() > 10000);
    CHECK(r.with_reuse == r.without);
    CHECK(r.reused > 0);  // the demo's replicas read alike for many rules
  }
}

TEST_CASE("reuse: look-alike pods still get answers from their own data") {
  // 60 pods, mostly alike; every few differ in one value at a different depth.
  const std::string json = clusterOf(60, [](int i) {
    const std::string image = i % 7 == 0 ? "nginx:latest" : "nginx:1.25";
    const int containers = i % 11 == 0 ? 2 : 1;
    const std::string labels = i % 5 == 0 ? R"("app": "web", "tier": "x")" : R"("app": "web")";
    return podJson(i, image, containers, labels, i % 13 == 0 ? 4 : 0, i % 17 == 0);
  });
  auto snap = snapshotOf(json);
  auto rules = load({
      {"name.lua", ruleSource("t/name", "return ctx.fail('pod ' .. s.name)", "pod")},
      {"image.lua", ruleSource("t/image", R"(
        local img = s.object.spec.containers[1].image
        if img:match(':latest$') then return ctx.warn('latest: ' .. img) end
        return ctx.pass('pinned'))",
                               "pod")},
      {"labels.lua", ruleSource("t/labels", R"(
        local keys = {}
        for k, v in pairs(s.labels) do keys[#keys + 1] = k .. '=' .. v end
        table.sort(keys)
        return ctx.pass(table.concat(keys, ',')))",
                                "pod")},
      {"count.lua", ruleSource("t/count", R"(
        local n = 0
        for _, c in ipairs(s.object.spec.containers) do n = n + 1 end
        return ctx.pass(n .. ' of ' .. #s.object.spec.containers))",
                               "pod")},
      {"evidence.lua", ruleSource("t/evidence", R"(
        local bad = {}
        for _, c in ipairs(ctx.containers(s.object)) do
          if c.securityContext.privileged then bad[#bad + 1] = c.securityContext end
        end
        if #bad == 0 then return ctx.pass('none') end
        return ctx.fail('privileged', { contexts = bad, copy = ctx.copy(bad[1]) }))",
                                  "pod")},
      {"restarts.lua", ruleSource("t/restarts", R"(
        local st = ctx.get(s.object, 'status.containerStatuses.1.restartCount', 0)
        if st > 3 then return ctx.warn({ en = 'restarted ' .. st, zh = '重启 ' .. st }) end
        return ctx.pass('steady'))",
                                  "pod")},
      {"applies.lua", ruleSource("t/applies", "return ctx.pass('two containers')", "pod",
                                 "  applies = function(s) return "
                                 "#s.object.spec.containers > 1 end,\n")},
  });
  const Runs r = compare(rules, *snap);
  CHECK(r.with_reuse == r.without);
  CHECK(r.evaluations == 60 * 7);
  // t/name never repeats; most of the others do.
  CHECK(r.reused > 200);
  CHECK(r.reused < 60 * 6);
  CHECK(r.with_reuse.find("t/name pod/ns/p59 fail pod p59") != std::string::npos);
  CHECK(r.with_reuse.find("t/count pod/ns/p11 pass 2 of 2") != std::string::npos);
  CHECK(r.with_reuse.find("t/image pod/ns/p14 warn latest: nginx:latest") != std::string::npos);
}

TEST_CASE("reuse: a check with hidden state is noticed and then always run") {
  const std::string json =
      clusterOf(40, [](int i) { return podJson(i, "nginx:1.25", 1, R"("app": "web")", 0, false); });
  auto snap = snapshotOf(json);
  // Both keep state between calls in a file-level local, which makes their answers depend
  // on evaluation order (rules/README.md asks checks not to): reuse must not change them.
  auto rules = load({
      {"counter.lua", "local n = 0\n" + ruleSource("t/counter", R"(
        n = n + 1
        return ctx.pass(tostring(n)))",
                                                   "pod")},
      {"previous.lua", "local prev\n" + ruleSource("t/previous", R"(
        local msg = prev and prev.metadata.name or 'first'
        prev = s.object
        return ctx.pass(msg))",
                                                   "pod")},
  });
  const Runs r = compare(rules, *snap);
  CHECK(r.with_reuse == r.without);
  CHECK(r.with_reuse.find(" pass 40 ") != std::string::npos);  // the 40th call said 40
  CHECK(r.with_reuse.find("t/previous pod/ns/p39 pass p38") != std::string::npos);
}

TEST_CASE("reuse: errors are not reused, and the rule's next subject is evaluated again") {
  const std::string json =
      clusterOf(20, [](int i) { return podJson(i, "nginx:1.25", 1, R"("app": "web")", 0, false); });
  auto snap = snapshotOf(json);
  auto rules = load({
      {"boom.lua", ruleSource("t/boom", R"(
        if s.object.spec.containers[1].image == 'nginx:1.25' then error('boom') end
        return ctx.pass('ok'))",
                              "pod")},
  });
  const Runs r = compare(rules, *snap);
  CHECK(r.with_reuse == r.without);
  CHECK(r.reused == 0);
  CHECK(r.with_reuse.find("t/boom pod/ns/p19 error") != std::string::npos);
}
