// SPDX-License-Identifier: Apache-2.0
// Targets from Node objects and the inventory; virtual-kubelet (ECI) and Windows nodes.
#include <doctest/doctest.h>

#include <cstdlib>

#include "kpatrol/collect/ssh_targets.h"

using namespace kpatrol;
using namespace kpatrol::collect;
using model::Json;

namespace {

Json node(const std::string& name, Json addresses, Json labels = Json::object(),
          Json spec = Json::object()) {
  return Json{{"metadata", {{"name", name}, {"labels", labels}}},
              {"spec", spec},
              {"status", {{"addresses", addresses}}}};
}

Json addr(const char* type, const char* address) {
  return Json{{"type", type}, {"address", address}};
}

}  // namespace

TEST_CASE("targets: addresses from Node objects, InternalIP first") {
  Json list = {{"kind", "List"},
               {"items",
                {node("w2", Json::array({addr("Hostname", "w2.local")})),
                 node("w1", {addr("Hostname", "w1.local"), addr("InternalIP", "10.0.0.11")}),
                 node("w3", Json::array())}}};
  auto t = deriveTargets(&list, nullptr, {});
  REQUIRE(t.ok());
  REQUIRE(t->size() == 3);
  CHECK((*t)[0].name == "w1");  // sorted by name
  CHECK((*t)[0].host == "10.0.0.11");
  CHECK((*t)[0].port == 22);
  CHECK((*t)[0].user == "root");
  CHECK((*t)[1].host == "w2.local");
  CHECK((*t)[2].host == "w3");  // no address: the name
  // A plain array of Nodes works too.
  Json arr = list["items"];
  auto t2 = deriveTargets(&arr, nullptr, {});
  REQUIRE(t2.ok());
  CHECK(t2->size() == 3);
}

TEST_CASE("targets: precedence built-in < inventory defaults < command line < node entry") {
  auto inv = parseInventory(R"(defaults: {user: ops, port: 2200, sudo: true, key: ~/k}
nodes:
  - {name: w1, host: 192.168.1.1, user: admin}
  - {name: extra, host: 192.168.1.9, bastion: 'jump@1.2.3.4:2222'}
)",
                            "inv.yaml");
  REQUIRE(inv.ok());
  Json nodes = Json::array({node("w1", Json::array({addr("InternalIP", "10.0.0.11")})),
                            node("w2", Json::array({addr("InternalIP", "10.0.0.12")}))});
  TargetOverrides cli;
  cli.port = 2022;
  ::setenv("HOME", "/home/tester", 1);
  auto t = deriveTargets(&nodes, &*inv, cli);
  REQUIRE(t.ok());
  REQUIRE(t->size() == 3);
  const auto& extra = (*t)[0];  // an inventory node that is not in the cluster is kept
  CHECK(extra.name == "extra");
  REQUIRE(extra.bastion.has_value());
  CHECK(extra.bastion->user == "jump");
  CHECK(extra.bastion->port == 2222);
  const auto& w1 = (*t)[1];
  CHECK(w1.host == "192.168.1.1");  // the node's entry overrides InternalIP
  CHECK(w1.user == "admin");
  CHECK(w1.port == 2022);  // the command line replaces the defaults
  CHECK(w1.sudo);
  CHECK(w1.key == "/home/tester/k");
  const auto& w2 = (*t)[2];
  CHECK(w2.host == "10.0.0.12");
  CHECK(w2.user == "ops");
  CHECK_FALSE(w2.bastion.has_value());
}

TEST_CASE("targets: without Node objects the inventory lists them; nothing at all is an error") {
  auto inv = parseInventory("nodes:\n  - {name: a}\n  - {name: b, host: 10.1.1.1}\n", "i.yaml");
  REQUIRE(inv.ok());
  auto t = deriveTargets(nullptr, &*inv, {});
  REQUIRE(t.ok());
  REQUIRE(t->size() == 2);
  CHECK((*t)[0].host == "a");
  CHECK((*t)[1].host == "10.1.1.1");
  Json empty = {{"items", Json::array()}};
  auto none = deriveTargets(&empty, nullptr, {});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message.find("no node to collect from") != std::string::npos);
  TargetOverrides bad;
  bad.bastion = "u@h:notaport";
  auto b = deriveTargets(nullptr, &*inv, bad);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().message.find("--ssh-bastion") != std::string::npos);
}

TEST_CASE("targets: virtual-kubelet (ECI) and Windows nodes are recognised and not probed") {
  Json nodes = Json::array({
      node("eci-label", Json::array(), {{"type", "virtual-kubelet"}}),
      node("eci-taint", Json::array(), {{"kubernetes.io/role", "agent"}},
           {{"taints",
             {{{"key", "virtual-kubelet.io/provider"},
               {"value", "alibabacloud"},
               {"effect", "NoSchedule"}}}}}),
      node("vk-provider", Json::array(), Json::object(), {{"providerID", "vk://eci"}}),
      node("win", Json::array(), {{"kubernetes.io/os", "windows"}}),
      node("linux", Json::array({addr("InternalIP", "10.0.0.1")}), {{"kubernetes.io/os", "linux"}}),
  });
  Json win2 = node("win2", Json::array());
  win2["status"]["nodeInfo"]["operatingSystem"] = "windows";
  nodes.push_back(win2);
  auto t = deriveTargets(&nodes, nullptr, {});
  REQUIRE(t.ok());
  std::map<std::string, std::string> reasons;
  for (const auto& x : *t) reasons[x.name] = x.skip_reason;
  CHECK(reasons["eci-label"] == "virtual-kubelet node (ECI): no host to log in to");
  CHECK(reasons["eci-taint"] == "virtual-kubelet node (ECI): no host to log in to");
  CHECK(reasons["vk-provider"] == "virtual-kubelet node (ECI): no host to log in to");
  CHECK(reasons["win"].find("Windows node") == 0);
  CHECK(reasons["win2"].find("Windows node") == 0);
  CHECK(reasons["linux"].empty());
  // role=agent alone is not enough: some Linux clusters label workers "agent".
  CHECK(nodeSkipReason(nullptr, {{"kubernetes.io/role", "agent"}}).empty());
  // Inventory labels count for hosts without a Node object.
  CHECK_FALSE(nodeSkipReason(nullptr, {{"type", "virtual-kubelet"}}).empty());
}
