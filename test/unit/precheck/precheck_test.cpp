// SPDX-License-Identifier: Apache-2.0
// The pure parts of `kpatrol precheck`: versions, the path, the batch plan, the verdict, the
// JSON document and the console text.
#include <doctest/doctest.h>

#include "../../../scanner/app/precheck.h"

using namespace kpatrol;
using namespace kpatrol::app::precheck;

namespace {

model::Finding finding(const std::string& rule, const std::string& subject, model::Status status,
                       model::Severity severity = model::Severity::kHigh) {
  model::Finding f;
  f.rule_id = rule;
  f.subject = subject;
  f.status = status;
  f.severity = severity;
  f.message = rule + " on " + subject;
  return f;
}

std::string path(int from, int to, bool ack) {
  std::string out;
  for (const auto& s : versionPath(Version{1, from, 0}, Version{1, to, 0}, ack)) {
    out += (out.empty() ? "" : " ") + s;
  }
  return out;
}

}  // namespace

TEST_CASE("versions parse with and without v, patch and suffix") {
  auto v = parseVersion("v1.28.3");
  REQUIRE(v);
  CHECK(v->major == 1);
  CHECK(v->minor == 28);
  CHECK(v->patch == 3);
  CHECK(parseVersion("1.29")->patch == -1);
  CHECK(parseVersion("v1.20.4-aliyun.1")->minor == 20);
  CHECK(parseVersion("v1.27.5+k3s1")->minor == 27);
  CHECK_FALSE(parseVersion(""));
  CHECK_FALSE(parseVersion("1"));
  CHECK_FALSE(parseVersion("one.two"));
  CHECK_FALSE(parseVersion("1.29x"));
  CHECK(minorText(*parseVersion("v1.28.3")) == "1.28");
}

TEST_CASE("the control-plane path goes one minor at a time") {
  CHECK(path(26, 28, false) == "1.26 1.27 1.28");
  CHECK(path(28, 29, false) == "1.28 1.29");
  CHECK(path(29, 29, false) == "1.29");
  CHECK(path(29, 27, false) == "1.29");  // downgrade: nothing planned
}

TEST_CASE("ACK steps through the even minors") {
  CHECK(path(12, 18, true) == "1.12 1.14 1.16 1.18");
  CHECK(path(18, 20, true) == "1.18 1.20");
  CHECK(path(21, 24, true) == "1.21 1.22 1.24");
  CHECK(path(20, 23, true) == "1.20 1.22 1.23");  // odd target kept last; the rule flags it
}

TEST_CASE("batches: 1, powers of two, at most 10% of the nodes") {
  auto sizes = [](int n) {
    std::string out;
    for (int s : batchSizes(n)) out += (out.empty() ? "" : ",") + std::to_string(s);
    return out;
  };
  CHECK(sizes(0).empty());
  CHECK(sizes(1) == "1");
  CHECK(sizes(5) == "1,1,1,1,1");
  CHECK(sizes(20) == "1,2,2,2,2,2,2,2,2,2,1");
  CHECK(sizes(50) == "1,2,4,5,5,5,5,5,5,5,5,3");
  CHECK(sizes(100) == "1,2,4,8,10,10,10,10,10,10,10,10,5");
  for (int n : {1, 7, 10, 33, 50, 99, 100, 1000}) {
    int sum = 0;
    for (int s : batchSizes(n)) {
      CHECK(s <= maxBatch(n));
      sum += s;
    }
    CHECK(sum == n);
  }
}

TEST_CASE("plan: control plane one at a time, workers in sorted batches") {
  auto plan = planNodes({"master-2", "master-1"}, {"w3", "w1", "w2"});
  CHECK(plan.control_plane == std::vector<std::string>{"master-1", "master-2"});
  CHECK(plan.workers == 3);
  REQUIRE(plan.batches.size() == 3);
  CHECK(plan.batches[0] == std::vector<std::string>{"w1"});
  CHECK(plan.batches[2] == std::vector<std::string>{"w3"});
}

TEST_CASE("verdict: fail blocks, warn and error warn, the rest is GO") {
  std::vector<model::Finding> go{finding("a", "cluster", model::Status::kPass),
                                 finding("b", "cluster", model::Status::kNa),
                                 finding("c", "cluster", model::Status::kWaived)};
  auto c = classify(go);
  CHECK(c.verdict == Verdict::kGo);
  CHECK(exitCodeFor(c.verdict) == 0);
  CHECK(c.waived == 1);

  std::vector<model::Finding> unverified{finding("a", "cluster", model::Status::kPass),
                                         finding("b", "cluster", model::Status::kError)};
  c = classify(unverified);
  CHECK(c.verdict == Verdict::kGoWithWarnings);  // "could not check" is never a GO
  CHECK(exitCodeFor(c.verdict) == 3);
  CHECK(c.unverified.size() == 1);

  std::vector<model::Finding> nogo{
      finding("w", "cluster", model::Status::kWarn),
      finding("low", "node/a", model::Status::kFail, model::Severity::kLow),
      finding("crit", "node/b", model::Status::kFail, model::Severity::kCritical)};
  c = classify(nogo);
  CHECK(c.verdict == Verdict::kNoGo);
  CHECK(exitCodeFor(c.verdict) == 1);
  REQUIRE(c.blockers.size() == 2);
  CHECK(c.blockers[0]->rule_id == "crit");  // most severe first
  CHECK(c.warnings.size() == 1);
  CHECK(std::string(verdictName(c.verdict)) == "NO-GO");
  CHECK(std::string(verdictNameZh(c.verdict)) == "不可升级");
}

TEST_CASE("JSON and console carry the verdict, the path, blockers and the plan") {
  std::vector<model::Finding> findings{
      finding("upgrade/pdb-drain", "cluster", model::Status::kFail),
      finding("upgrade/single-replica", "deployment/shop/web", model::Status::kWarn)};
  findings[0].evidence = {{"blocking", {"PDB data/db"}}};
  Report r;
  r.scan.id = 7;
  r.scan.cluster_name = "lab";
  r.scan.cluster_version = "v1.28.3";
  r.scan.flavour = "kubeadm";
  r.from = "1.28";
  r.to = "1.29";
  r.path = {"1.28", "1.29"};
  r.result = classify(findings);
  r.rules["upgrade/pdb-drain"].title_en = "No PodDisruptionBudget blocks draining a node";
  r.rules["upgrade/pdb-drain"].title_zh = "没有 PodDisruptionBudget 会阻塞节点排空";
  r.rules["upgrade/pdb-drain"].remediation_en = "relax the PDB";
  r.nodes = planNodes({"cp-1"}, {"w1", "w2"});

  auto j = toJson(r);
  CHECK(j["verdict"] == "NO-GO");
  CHECK(j["exit_code"] == 1);
  CHECK(j["path"] == model::Json::array({"1.28", "1.29"}));
  CHECK(j["hops"] == 1);
  CHECK(j["blockers"][0]["rule_id"] == "upgrade/pdb-drain");
  CHECK(j["blockers"][0]["remediation"] == "relax the PDB");
  CHECK(j["warnings"][0]["subject"] == "deployment/shop/web");
  CHECK(j["batch_plan"]["batches"].size() == 2);
  CHECK(j["counts"]["blockers"] == 1);

  const std::string en = renderConsole(r, "en", false);
  CHECK(en.find("Verdict: NO-GO") != std::string::npos);
  CHECK(en.find("1.28 → 1.29") != std::string::npos);
  CHECK(en.find("fix: relax the PDB") != std::string::npos);
  CHECK(en.find("control plane, one node at a time: cp-1") != std::string::npos);
  CHECK(en.find("\033[") == std::string::npos);
  const std::string zh = renderConsole(r, "zh", false);
  CHECK(zh.find("结论：不可升级（NO-GO）") != std::string::npos);
  CHECK(zh.find("阻断项（升级前必须修复）") != std::string::npos);

  // ACK managed: the path steps through ACK releases and the control plane is the provider's.
  r.scan.flavour = "ack-managed";
  r.path = {"1.28", "1.30"};
  r.managed_control_plane = true;
  r.nodes = planNodes({}, {"w1"});
  const std::string ack = renderConsole(r, "en", false);
  CHECK(ack.find("one ACK release at a time — the even minor versions): 1.28 → 1.30") !=
        std::string::npos);
  CHECK(ack.find("control plane: managed by the provider") != std::string::npos);
}
