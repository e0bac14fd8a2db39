// SPDX-License-Identifier: Apache-2.0
// List pages as the API serves them, reduced to what the snapshot keeps.
#include <doctest/doctest.h>

#include "discovery.h"
#include "flavour.h"
#include "list_page.h"

using namespace kpatrol;
using namespace kpatrol::collect::api;

TEST_CASE("a pod page: items kept with kind and apiVersion, managedFields without fieldsV1") {
  const std::string body = R"({"kind":"PodList","apiVersion":"v1",
    "metadata":{"resourceVersion":"12","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":3},
    "items":[
      {"metadata":{"name":"a","namespace":"ns","managedFields":[{"manager":"kubectl","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{}}}]},"spec":{"nodeName":"n1"}},
      {"metadata":{"name":"b","namespace":"ns"},"spec":{}}
    ]})";
  model::Json items = model::Json::array();
  auto page = parseListPage(body, "https://x/api/v1/pods?limit=500", "pods", items);
  REQUIRE(page);
  CHECK(page->items == 2);
  CHECK(page->continue_token == "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ");
  REQUIRE(items.size() == 2);
  CHECK(items[0]["kind"] == "Pod");
  CHECK(items[0]["apiVersion"] == "v1");
  CHECK(items[0].begin().key() == "apiVersion");
  CHECK(items[0]["metadata"]["managedFields"] ==
        model::Json::parse(R"([{"manager":"kubectl","apiVersion":"v1"}])"));
  CHECK(items[0]["spec"]["nodeName"] == "n1");
}

TEST_CASE("the last page has no continue token; null items are an empty page") {
  model::Json items = model::Json::array();
  auto page = parseListPage(R"({"kind":"RoleList","apiVersion":"rbac.authorization.k8s.io/v1",
                                "metadata":{},"items":null})",
                            "u", "roles", items);
  REQUIRE(page);
  CHECK(page->continue_token.empty());
  CHECK(items.empty());
}

TEST_CASE("events keep Warnings only; CRDs lose their schemas") {
  model::Json items = model::Json::array();
  auto ev = parseListPage(R"({"kind":"EventList","apiVersion":"v1","metadata":{},"items":[
      {"metadata":{"name":"e1"},"type":"Normal"},{"metadata":{"name":"e2"},"type":"Warning"}]})",
                          "u", "events", items);
  REQUIRE(ev);
  REQUIRE(items.size() == 1);
  CHECK(items[0]["metadata"]["name"] == "e2");

  model::Json crds = model::Json::array();
  auto crd = parseListPage(
      R"({"kind":"CustomResourceDefinitionList","apiVersion":"apiextensions.k8s.io/v1","metadata":{},
      "items":[{"metadata":{"name":"x.example.com"},"spec":{"group":"example.com",
      "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}}]})",
      "u", "customresourcedefinitions", crds);
  REQUIRE(crd);
  CHECK(crds[0]["spec"]["versions"][0]["name"] == "v1");
  CHECK_FALSE(crds[0]["spec"]["versions"][0].contains("schema"));
}

TEST_CASE("a body that is not JSON, or not a list, is an error naming the URL") {
  model::Json items = model::Json::array();
  auto html = parseListPage("<html><body>502 Bad Gateway</body></html>",
                            "https://lb.example/api/v1/pods?limit=500", "pods", items);
  REQUIRE_FALSE(html);
  CHECK(html.error().code == Errc::kParse);
  CHECK(html.error().message ==
        "the response from https://lb.example/api/v1/pods?limit=500 is not JSON (it starts: "
        "\"<html><body>502 Bad Gateway</body></html>\")");
  auto truncated = parseListPage(R"({"kind":"PodList","items":[{"metadata":)", "u", "pods", items);
  CHECK_FALSE(truncated);
  auto status = parseListPage(R"({"kind":"Status","message":"x"})", "u", "pods", items);
  REQUIRE_FALSE(status);
  CHECK(status.error().message.find("no \"items\" list") != std::string::npos);
}

TEST_CASE("discovery: served groups, newest known version, absent groups skipped") {
  auto served = parseDiscovery(R"({"kind":"APIVersions","versions":["v1"]})",
                               R"({"kind":"APIGroupList","groups":[
        {"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}]},
        {"name":"batch","versions":[{"groupVersion":"batch/v1","version":"v1"},{"groupVersion":"batch/v1beta1","version":"v1beta1"}]},
        {"name":"policy","versions":[{"groupVersion":"policy/v1beta1","version":"v1beta1"}]},
        {"name":"rbac.authorization.k8s.io","versions":[{"groupVersion":"rbac.authorization.k8s.io/v1","version":"v1"}]}]})");
  REQUIRE(served);
  const auto targets = planTargets(*served, "");
  auto find = [&](const std::string& plural) -> const ListTarget* {
    for (const auto& t : targets) {
      if (t.plural == plural) return &t;
    }
    return nullptr;
  };
  REQUIRE(find("pods"));
  CHECK(find("pods")->path == "/api/v1/pods");
  REQUIRE(find("cronjobs"));
  CHECK(find("cronjobs")->path == "/apis/batch/v1/cronjobs");
  REQUIRE(find("poddisruptionbudgets"));
  CHECK(find("poddisruptionbudgets")->group_version == "policy/v1beta1");
  CHECK(find("volumesnapshotclasses") == nullptr);  // group not served: skipped, no error
  CHECK(find("ingresses") == nullptr);
  CHECK(find("secrets") == nullptr);  // never collected
  REQUIRE(find("configmaps"));
  CHECK(find("configmaps")->path == "/api/v1/namespaces/kube-system/configmaps");
  REQUIRE(find("events"));
  CHECK(find("events")->selector == "fieldSelector=type%3DWarning");

  const auto scoped = planTargets(*served, "shop");
  for (const auto& t : scoped) {
    if (t.plural == "pods") CHECK(t.path == "/api/v1/namespaces/shop/pods");
    if (t.plural == "nodes") CHECK(t.path == "/api/v1/nodes");
    if (t.plural == "clusterroles")
      CHECK(t.path == "/apis/rbac.authorization.k8s.io/v1/clusterroles");
    if (t.plural == "configmaps") CHECK(t.path == "/api/v1/namespaces/kube-system/configmaps");
  }
  CHECK_FALSE(parseDiscovery("<html>", "{}"));
}

TEST_CASE("flavour detection") {
  const auto node = [](const std::string& name, const std::string& label) {
    model::Json n = {{"metadata", {{"name", name}, {"labels", model::Json::object()}}}};
    if (!label.empty()) n["metadata"]["labels"][label] = "";
    return n;
  };
  const model::Json kubeadm_nodes = {node("master-1", "node-role.kubernetes.io/control-plane"),
                                     node("worker-1", "")};
  CHECK(detectFlavour("v1.28.3", &kubeadm_nodes, nullptr) == "kubeadm");
  CHECK(detectFlavour("v1.28.3+k3s1", &kubeadm_nodes, nullptr) == "k3s");
  const model::Json managed = {node("cn-hangzhou.10.0.1.12", ""),
                               node("virtual-kubelet-cn-hangzhou-k", "")};
  CHECK(detectFlavour("v1.28.3-aliyun.1", &managed, nullptr) == "ack-managed");
  CHECK(detectFlavour("v1.28.3", &managed, nullptr) == "ack-managed");
  const model::Json dedicated = {node("cn-beijing.192.168.0.1", "node-role.kubernetes.io/master"),
                                 node("cn-beijing.192.168.0.2", "")};
  CHECK(detectFlavour("v1.26.3-aliyun.1", &dedicated, nullptr) == "ack-dedicated");
  const model::Json labelled = model::Json::array({node("i-abc", "alibabacloud.com/nodepool-id")});
  CHECK(detectFlavour("v1.30.1", &labelled, nullptr) == "ack-managed");
  const model::Json plain = model::Json::array({node("ip-10-0-0-1.ec2.internal", "")});
  CHECK(detectFlavour("v1.29.0-eks-1", &plain, nullptr) == "unknown");
  const model::Json cms = {
      {{"metadata", {{"name", "kubeadm-config"}, {"namespace", "kube-system"}}}}};
  CHECK(detectFlavour("v1.29.0", &plain, &cms) == "kubeadm");
}

TEST_CASE("resource lists: plurals without subresources") {
  auto r = parseResourceList(R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
      {"name":"pods","namespaced":true,"kind":"Pod"},{"name":"pods/log","kind":"Pod"},
      {"name":"nodes","namespaced":false,"kind":"Node"}]})");
  REQUIRE(r);
  CHECK(*r == std::vector<std::string>{"pods", "nodes"});
  CHECK_FALSE(parseResourceList("[]"));
  CHECK(groupVersionPath("v1") == "/api/v1");
  CHECK(groupVersionPath("apps/v1") == "/apis/apps/v1");
}

TEST_CASE("virtual-kubelet nodes are recognised (no kubelet configz for them)") {
  CHECK(isVirtualNode({{"metadata", {{"labels", {{"type", "virtual-kubelet"}}}}}}));
  CHECK(isVirtualNode({{"metadata", {{"name", "vk"}}},
                       {"spec", {{"taints", {{{"key", "virtual-kubelet.io/provider"}}}}}}}));
  CHECK(isVirtualNode({{"metadata", {{"labels", {{"alibabacloud.com/virtual-node", "true"}}}}}}));
  CHECK_FALSE(isVirtualNode({{"metadata", {{"name", "cn-hangzhou.10.0.1.12"}}}}));
}
