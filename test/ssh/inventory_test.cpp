// SPDX-License-Identifier: Apache-2.0
// The SSH inventory: strict parsing with file:line errors.
#include <doctest/doctest.h>

#include "kpatrol/collect/ssh_targets.h"

using namespace kpatrol;
using namespace kpatrol::collect;

TEST_CASE("inventory: defaults and nodes with every field") {
  const std::string text = R"(defaults:
  user: ops
  key: ~/.ssh/id_ed25519
  sudo: true
  port: 2200
nodes:
  - name: master-1
    host: 10.0.0.10
  - name: worker-1
    host: 10.0.0.11
    port: 22
    user: root
    sudo: false
    bastion: jump@203.0.113.10:2222
    labels: {zone: a, type: worker}
)";
  auto inv = parseInventory(text, "nodes.yaml");
  REQUIRE(inv.ok());
  CHECK(inv->defaults.user == "ops");
  CHECK(inv->defaults.key == "~/.ssh/id_ed25519");
  CHECK(inv->defaults.sudo == true);
  CHECK(inv->defaults.port == 2200);
  REQUIRE(inv->nodes.size() == 2);
  CHECK(inv->nodes[0].name == "master-1");
  CHECK(inv->nodes[0].host == "10.0.0.10");
  CHECK_FALSE(inv->nodes[0].port.has_value());
  CHECK(inv->nodes[1].port == 22);
  CHECK(inv->nodes[1].sudo == false);
  CHECK(inv->nodes[1].bastion == "jump@203.0.113.10:2222");
  CHECK(inv->nodes[1].labels.at("zone") == "a");
  CHECK(inv->nodes[1].line == 9);
}

TEST_CASE("inventory: unknown keys and bad types name file and line") {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"nodes:\n  - name: a\n    hots: 1.2.3.4\n", "nodes.yaml:3: unknown key 'hots'"},
      {"nodes:\n  - name: a\n    port: twenty\n", "nodes.yaml:3: 'port' must be an integer"},
      {"nodes:\n  - name: a\n    port: 70000\n", "nodes.yaml:3: 'port' must be an integer"},
      {"nodes:\n  - name: a\n    sudo: maybe\n", "nodes.yaml:3: 'sudo' must be true or false"},
      {"nodes:\n  - name: a\n    labels: [x]\n", "nodes.yaml:3: 'labels' must be a mapping"},
      {"nodes:\n  - name: a\n    user: [x]\n", "nodes.yaml:3: 'user' must be a non-empty string"},
      {"nodes:\n  - name: a\n    bastion: 'u@h:0'\n", "nodes.yaml:3: bastion: bad port"},
      {"nodes:\n  - host: a\n", "nodes.yaml:2: a node needs 'name'"},
      {"nodes:\n  - name: a\n  - name: a\n", "nodes.yaml:3: node 'a' is listed twice"},
      {"defaults:\n  host: x\nnodes: []\n", "nodes.yaml:2: unknown key 'host'"},
      {"node:\n  - name: a\n", "nodes.yaml:1: unknown key 'node'"},
      {"defaults: {}\n", "missing 'nodes:'"},
      {"nodes: {a: 1}\n", "nodes.yaml:1: 'nodes' must be a list"},
      {"nodes:\n  - name: [a\n", "nodes.yaml:"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto inv = parseInventory(c.text, "nodes.yaml");
    REQUIRE_FALSE(inv.ok());
    CHECK(inv.error().message.find(c.expect) != std::string::npos);
  }
}

TEST_CASE("endpoints: user@host:port forms") {
  auto e = parseEndpoint("jump@10.0.0.1:2222");
  REQUIRE(e.ok());
  CHECK(e->user == "jump");
  CHECK(e->host == "10.0.0.1");
  CHECK(e->port == 2222);
  e = parseEndpoint("bastion.example.com");
  REQUIRE(e.ok());
  CHECK(e->user.empty());
  CHECK(e->port == 22);
  e = parseEndpoint("[::1]:2200");
  REQUIRE(e.ok());
  CHECK(e->host == "::1");
  CHECK(e->port == 2200);
  e = parseEndpoint("fe80::1");
  REQUIRE(e.ok());
  CHECK(e->host == "fe80::1");
  CHECK_FALSE(parseEndpoint("@h").ok());
  CHECK_FALSE(parseEndpoint("u@").ok());
  CHECK_FALSE(parseEndpoint("h:").ok());
  CHECK_FALSE(parseEndpoint("h:99999").ok());
  CHECK_FALSE(parseEndpoint("[::1").ok());
}
