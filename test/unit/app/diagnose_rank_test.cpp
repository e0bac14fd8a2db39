// SPDX-License-Identifier: Apache-2.0
// The pure part of `kpatrol diagnose`: question parsing, relating subjects to the question,
// network path causes and the ranking order.
#include <doctest/doctest.h>

#include "diagnose_rank.h"

using namespace kpatrol;
using namespace kpatrol::app::diagnose;
using model::Json;

namespace {

model::SnapshotPtr demoLike() {
  Json doc = Json::parse(R"({
    "meta": {"created_at": "2026-11-30T02:00:00Z"},
    "objects": {
      "nodes": [
        {"metadata": {"name": "w1"}, "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.14"}]}},
        {"metadata": {"name": "w2"}, "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.15"}]}}
      ],
      "namespaces": [{"metadata": {"name": "shop"}}, {"metadata": {"name": "pay"}}],
      "replicasets": [{"metadata": {"name": "cart-abc", "namespace": "shop",
        "ownerReferences": [{"kind": "Deployment", "name": "cart", "controller": true}]}}],
      "pods": [
        {"metadata": {"name": "cart-abc-1", "namespace": "shop", "labels": {"app": "cart"},
          "ownerReferences": [{"kind": "ReplicaSet", "name": "cart-abc", "controller": true}]},
         "spec": {"nodeName": "w1", "containers": [{"name": "cart"}]},
         "status": {"phase": "Running", "podIP": "10.244.1.5",
                    "conditions": [{"type": "Ready", "status": "False"}]}},
        {"metadata": {"name": "kube-proxy-x", "namespace": "kube-system",
          "ownerReferences": [{"kind": "DaemonSet", "name": "kube-proxy", "controller": true}]},
         "spec": {"nodeName": "w1", "containers": [{"name": "kp"}]}, "status": {"phase": "Running"}},
        {"metadata": {"name": "coredns-1", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
         "spec": {"nodeName": "w2", "containers": [{"name": "coredns"}]}, "status": {"phase": "Running"}},
        {"metadata": {"name": "api-1", "namespace": "pay", "labels": {"app": "api"}},
         "spec": {"nodeName": "w2", "containers": [{"name": "api"}]},
         "status": {"phase": "Running", "podIP": "10.244.2.9",
                    "conditions": [{"type": "Ready", "status": "True"}]}}
      ],
      "services": [
        {"metadata": {"name": "api", "namespace": "pay"},
         "spec": {"clusterIP": "10.96.5.5", "selector": {"app": "api"}, "ports": [{"port": 8080}]}}
      ],
      "networkpolicies": [
        {"metadata": {"name": "api-from-ingress", "namespace": "pay"},
         "spec": {"podSelector": {"matchLabels": {"app": "api"}}, "policyTypes": ["Ingress"],
                  "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}}],
                               "ports": [{"port": 8080}]}]}}
      ]
    },
    "nodes": {}
  })");
  auto snap = model::Snapshot::fromJson(doc, "test");
  REQUIRE(snap.ok());
  return *snap;
}

model::Finding finding(std::string rule, std::string subject, model::Status status,
                       model::Severity sev = model::Severity::kHigh,
                       model::Scope scope = model::Scope::kPod) {
  model::Finding f;
  f.rule_id = std::move(rule);
  f.subject = std::move(subject);
  f.status = status;
  f.severity = sev;
  f.scope = scope;
  return f;
}

engine::RuleSet rulesWithTags() {
  engine::RuleSet rs;
  auto add = [&](std::string id, model::Scope scope, std::vector<std::string> tags) {
    engine::RuleMeta m;
    m.id = std::move(id);
    m.scope = scope;
    m.tags = std::move(tags);
    m.title_en = m.id;
    rs.rules.push_back(std::move(m));
  };
  add("health/conntrack-usage", model::Scope::kNode, {"node", "network", "conntrack"});
  add("health/coredns-replicas", model::Scope::kCluster, {"dns", "dns-coredns"});
  add("health/node-ready", model::Scope::kNode, {"node"});
  add("health/pod-crashloop", model::Scope::kPod, {"pod"});
  add("health/workload-available", model::Scope::kWorkload, {"workload"});
  add("workload/readiness-probe", model::Scope::kPod, {"probes"});
  std::sort(rs.rules.begin(), rs.rules.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  return rs;
}

}  // namespace

TEST_CASE("parseQuestion accepts the four questions and rejects the rest") {
  auto pod = parseQuestion({"pod", "shop/cart-1"});
  REQUIRE(pod.ok());
  CHECK(pod->kind == Kind::kPod);
  CHECK(pod->ns == "shop");
  CHECK(pod->name == "cart-1");
  auto net = parseQuestion({"network", "a/b", "svc/pay/api", "8080"});
  REQUIRE(net.ok());
  CHECK(net->port == 8080);
  CHECK(parseQuestion({"dns"}).ok());
  CHECK(parseQuestion({"node", "w1"})->node == "w1");
  CHECK_FALSE(parseQuestion({}).ok());
  CHECK_FALSE(parseQuestion({"pod", "noslash"}).ok());
  CHECK_FALSE(parseQuestion({"network", "a", "b", "70000"}).ok());
  CHECK_FALSE(parseQuestion({"network", "a", "b", "http"}).ok());
  CHECK_FALSE(parseQuestion({"dns", "extra"}).ok());
}

TEST_CASE("relate: a pod brings its controllers, node, node agents and CoreDNS") {
  auto snap = demoLike();
  auto rel = relate(*parseQuestion({"pod", "shop/cart-abc-1"}), *snap);
  REQUIRE(rel.ok());
  CHECK(rel->subjects.at("pod/shop/cart-abc-1") == Relation::kTarget);
  CHECK(rel->subjects.at("replicaset/shop/cart-abc") == Relation::kWorkload);
  CHECK(rel->subjects.at("deployment/shop/cart") == Relation::kWorkload);
  CHECK(rel->subjects.at("node/w1") == Relation::kNode);
  CHECK(rel->subjects.at("pod/kube-system/kube-proxy-x") == Relation::kSystemPod);
  CHECK(rel->subjects.at("pod/kube-system/coredns-1") == Relation::kDnsPod);
  CHECK(rel->subjects.count("pod/pay/api-1") == 0);
  CHECK(rel->dns);

  auto missing = relate(*parseQuestion({"pod", "shop/nope"}), *snap);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::kNotFound);
}

TEST_CASE("rank: fail before warn, then the flow's stages, unrelated subjects dropped") {
  auto snap = demoLike();
  const auto q = *parseQuestion({"pod", "shop/cart-abc-1"});
  auto rel = relate(q, *snap);
  REQUIRE(rel.ok());
  const auto rules = rulesWithTags();
  std::vector<model::Finding> findings = {
      finding("health/coredns-replicas", "cluster", model::Status::kFail, model::Severity::kHigh,
              model::Scope::kCluster),
      finding("health/conntrack-usage", "node/w1", model::Status::kFail, model::Severity::kHigh,
              model::Scope::kNode),
      finding("health/node-ready", "node/w1", model::Status::kWarn, model::Severity::kCritical,
              model::Scope::kNode),
      finding("workload/readiness-probe", "pod/shop/cart-abc-1", model::Status::kWarn,
              model::Severity::kLow),
      finding("health/pod-crashloop", "pod/shop/cart-abc-1", model::Status::kFail),
      finding("health/pod-crashloop", "pod/pay/api-1", model::Status::kFail),
      finding("health/workload-available", "deployment/shop/cart", model::Status::kPass,
              model::Severity::kHigh, model::Scope::kWorkload),
  };
  auto causes = rank(q, *rel, findings, rules);
  REQUIRE(causes.size() == 5);
  CHECK(causes[0].rule_id == "health/pod-crashloop");
  CHECK(causes[0].stage == "pod");
  CHECK(causes[0].stage_en == "Pod");
  CHECK(causes[1].rule_id == "health/conntrack-usage");
  CHECK(causes[1].stage == "network");
  CHECK(causes[2].rule_id == "health/coredns-replicas");
  CHECK(causes[2].stage == "cluster-component");
  CHECK(causes[3].rule_id == "workload/readiness-probe");
  CHECK(causes[4].rule_id == "health/node-ready");
  CHECK(causes[4].stage == "node");
}

TEST_CASE("network: service port, endpoints and NetworkPolicy on the path") {
  auto snap = demoLike();
  SUBCASE("a port the Service does not expose and a policy that isolates the backend") {
    const auto q = *parseQuestion({"network", "shop/cart-abc-1", "svc/pay/api", "9090"});
    auto rel = relate(q, *snap);
    REQUIRE(rel.ok());
    std::vector<std::string> ids;
    for (const auto& p : rel->path) ids.push_back(p.id);
    CHECK(ids == std::vector<std::string>{"path/service-port", "path/networkpolicy-ingress"});
    CHECK(rel->subjects.at("pod/shop/cart-abc-1") == Relation::kSource);
    CHECK(rel->subjects.at("pod/pay/api-1") == Relation::kDestination);
    auto causes = rank(q, *rel, {}, rulesWithTags());
    REQUIRE(causes.size() == 2);
    CHECK(causes[0].stage == "path");
  }
  SUBCASE("the ClusterIP resolves to the Service; the policy admits the ingress namespace") {
    const auto q = *parseQuestion({"network", "10.0.0.14", "10.96.5.5", "8080"});
    auto rel = relate(q, *snap);
    REQUIRE(rel.ok());
    // from a node address: no namespace selector matches it, so the isolating policy denies
    REQUIRE(rel->path.size() == 1);
    CHECK(rel->path[0].id == "path/networkpolicy-ingress");
    CHECK(rel->subjects.at("node/w1") == Relation::kSource);
  }
  SUBCASE("an unknown endpoint is an error") {
    auto rel = relate(*parseQuestion({"network", "shop/nope", "svc/pay/api", "80"}), *snap);
    CHECK_FALSE(rel.ok());
  }
}

TEST_CASE("narrowDocument keeps only the related nodes, Pods and workloads") {
  auto snap = demoLike();
  const auto q = *parseQuestion({"pod", "shop/cart-abc-1"});
  auto rel = relate(q, *snap);
  REQUIRE(rel.ok());
  auto narrowed = model::Snapshot::fromJson(narrowDocument(*snap, *rel), "narrow");
  REQUIRE(narrowed.ok());
  std::vector<std::string> pods;
  for (const auto& s : (*narrowed)->subjects(model::Scope::kPod)) pods.push_back(s.id);
  CHECK(pods == std::vector<std::string>{"pod/kube-system/coredns-1",
                                         "pod/kube-system/kube-proxy-x", "pod/shop/cart-abc-1"});
  std::vector<std::string> nodes;
  for (const auto& s : (*narrowed)->subjects(model::Scope::kNode)) nodes.push_back(s.id);
  CHECK(nodes == std::vector<std::string>{"node/w1"});
  // other kinds are kept whole: Services and NetworkPolicies
  CHECK((*narrowed)->objects("services").size() == 1);
  CHECK((*narrowed)->meta().created_at == "2026-11-30T02:00:00Z");

  engine::RuleMeta cluster_rule, node_rule, dns_pod_rule;
  cluster_rule.scope = model::Scope::kCluster;
  node_rule.scope = model::Scope::kNode;
  dns_pod_rule.scope = model::Scope::kPod;
  dns_pod_rule.tags = {"dns"};
  CHECK(runsWide(q, cluster_rule));
  CHECK_FALSE(runsWide(q, node_rule));
  CHECK_FALSE(runsWide(q, dns_pod_rule));
  const auto dns = *parseQuestion({"dns"});
  CHECK(runsWide(dns, node_rule));
  CHECK(runsWide(dns, dns_pod_rule));
}

TEST_CASE("network: a Service port is checked against the policies on its targetPort") {
  Json doc = Json::parse(R"({
    "meta": {"created_at": "2026-11-30T02:00:00Z"},
    "objects": {
      "namespaces": [{"metadata": {"name": "web"}}, {"metadata": {"name": "pay"}}],
      "pods": [
        {"metadata": {"name": "web-1", "namespace": "web"}, "spec": {"nodeName": "w1"},
         "status": {"phase": "Running", "podIP": "10.244.1.2"}},
        {"metadata": {"name": "api-1", "namespace": "pay", "labels": {"app": "api"}},
         "spec": {"nodeName": "w1", "containers": [{"name": "api", "ports": [{"name": "http", "containerPort": 8080}]}]},
         "status": {"phase": "Running", "podIP": "10.244.1.3", "conditions": [{"type": "Ready", "status": "True"}]}}
      ],
      "services": [{"metadata": {"name": "api", "namespace": "pay"},
                    "spec": {"clusterIP": "10.96.1.1", "selector": {"app": "api"},
                             "ports": [{"port": 80, "targetPort": "http"}]}}],
      "networkpolicies": [{"metadata": {"name": "from-web", "namespace": "pay"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"],
                 "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "web"}}}],
                              "ports": [{"port": 8080}]}]}}]
    }
  })");
  auto snap = model::Snapshot::fromJson(doc, "test");
  REQUIRE(snap.ok());
  auto ok = relate(*parseQuestion({"network", "web/web-1", "svc/pay/api", "80"}), **snap);
  REQUIRE(ok.ok());
  CHECK(ok->path.empty());
  auto denied = relate(*parseQuestion({"network", "10.0.0.9", "svc/pay/api", "80"}), **snap);
  REQUIRE(denied.ok());
  REQUIRE(denied->path.size() == 1);
  CHECK(denied->path[0].evidence["port"] == 8080);
}

TEST_CASE("ruleRelevant: node and network questions skip configuration items of Pods") {
  auto snap = demoLike();
  engine::RuleMeta config, state, host_net;
  config.scope = state.scope = host_net.scope = model::Scope::kPod;
  config.tags = {"security", "config-inspection"};
  state.tags = {"pod", "availability"};
  host_net.tags = {"network", "config-inspection"};
  const auto node = *parseQuestion({"node", "w1"});
  auto rel = relate(node, *snap);
  REQUIRE(rel.ok());
  CHECK_FALSE(ruleRelevant(node, *rel, config));
  CHECK(ruleRelevant(node, *rel, state));
  const auto net = *parseQuestion({"network", "shop/cart-abc-1", "svc/pay/api", "8080"});
  auto nrel = relate(net, *snap);
  REQUIRE(nrel.ok());
  CHECK_FALSE(ruleRelevant(net, *nrel, config));
  CHECK(ruleRelevant(net, *nrel, host_net));
  const auto pod = *parseQuestion({"pod", "shop/cart-abc-1"});
  auto prel = relate(pod, *snap);
  REQUIRE(prel.ok());
  CHECK(ruleRelevant(pod, *prel, config));
}
