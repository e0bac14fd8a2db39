// SPDX-License-Identifier: Apache-2.0
// Targets: which host, port, user, key and bastion each node is probed with, and which nodes are
// recognised as having no Linux host to log in to.
#include <algorithm>
#include <cstdlib>
#include <set>

#include "kpatrol/collect/ssh_targets.h"
#include "kpatrol/model/json_get.h"

namespace kpatrol::collect {
namespace {

const model::Json* member(const model::Json& obj, const char* key) {
  return model::memberAt(obj, {key});
}

using model::stringAt;

std::string expandHome(const std::string& path) {
  if (path.rfind("~/", 0) == 0) {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
      return std::string(home) + path.substr(1);
    }
  }
  return path;
}

void apply(const InventoryEntry& e, SshTarget& t) {
  if (e.host) t.host = *e.host;
  if (e.port) t.port = *e.port;
  if (e.user) t.user = *e.user;
  if (e.key) t.key = *e.key;
  if (e.sudo) t.sudo = *e.sudo;
  if (e.bastion) t.bastion = parseEndpoint(*e.bastion).value();  // validated by the parser
  for (const auto& [k, v] : e.labels) t.labels[k] = v;
}

void applyOverrides(const TargetOverrides& o, SshTarget& t) {
  if (!o.user.empty()) t.user = o.user;
  if (!o.key.empty()) t.key = o.key;
  if (o.port != 0) t.port = o.port;
  if (o.sudo) t.sudo = true;
  if (!o.bastion.empty()) t.bastion = parseEndpoint(o.bastion).value();  // checked by caller
}

std::vector<const model::Json*> nodeItems(const model::Json* cluster_nodes) {
  std::vector<const model::Json*> out;
  if (cluster_nodes == nullptr) return out;
  const model::Json* items = cluster_nodes;
  if (cluster_nodes->is_object()) items = member(*cluster_nodes, "items");
  if (items == nullptr || !items->is_array()) return out;
  for (const auto& n : *items) {
    if (!stringAt(n, {"metadata", "name"}).empty()) out.push_back(&n);
  }
  return out;
}

}  // namespace

std::string nodeSkipReason(const model::Json* node,
                           const std::map<std::string, std::string>& labels) {
  std::map<std::string, std::string> all = labels;
  std::string provider_id;
  bool vk_taint = false;
  std::string os;
  if (node != nullptr) {
    if (const auto* md = member(*node, "metadata")) {
      if (const auto* l = member(*md, "labels"); l != nullptr && l->is_object()) {
        for (const auto& [k, v] : l->items()) {
          if (v.is_string()) all.emplace(k, v.get<std::string>());
        }
      }
    }
    provider_id = stringAt(*node, {"spec", "providerID"});
    if (const auto* spec = member(*node, "spec")) {
      if (const auto* taints = member(*spec, "taints"); taints != nullptr && taints->is_array()) {
        for (const auto& t : *taints) {
          const std::string key = stringAt(t, {"key"});
          if (key.rfind("virtual-kubelet.io/", 0) == 0) vk_taint = true;
        }
      }
    }
    os = stringAt(*node, {"status", "nodeInfo", "operatingSystem"});
  }
  auto label = [&](const char* k) {
    auto it = all.find(k);
    return it == all.end() ? std::string() : it->second;
  };
  const bool vk_provider = provider_id.rfind("vk://", 0) == 0 ||
                           provider_id.find("virtual-kubelet") != std::string::npos;
  if (label("type") == "virtual-kubelet" || vk_taint || vk_provider ||
      label("alibabacloud.com/virtual-node") == "true" ||
      (label("kubernetes.io/role") == "agent" && (vk_taint || vk_provider))) {
    return "virtual-kubelet node (ECI): no host to log in to";
  }
  if (label("kubernetes.io/os") == "windows" || label("beta.kubernetes.io/os") == "windows" ||
      os == "windows") {
    return "Windows node: the Linux node probes do not apply";
  }
  return {};
}

std::string nodeAddress(const model::Json& node) {
  const model::Json* status = member(node, "status");
  const model::Json* addrs = status == nullptr ? nullptr : member(*status, "addresses");
  if (addrs == nullptr || !addrs->is_array()) return {};
  for (const char* type : {"InternalIP", "Hostname", "ExternalIP"}) {
    for (const auto& a : *addrs) {
      if (stringAt(a, {"type"}) == type) {
        std::string addr = stringAt(a, {"address"});
        if (!addr.empty()) return addr;
      }
    }
  }
  return {};
}

Result<std::vector<SshTarget>> deriveTargets(const model::Json* cluster_nodes,
                                             const Inventory* inventory,
                                             const TargetOverrides& overrides) {
  if (!overrides.bastion.empty()) {
    if (auto e = parseEndpoint(overrides.bastion); !e) {
      return makeError(Errc::kInvalidArgument, "--ssh-bastion: " + e.error().message);
    }
  }
  auto base = [&](const std::string& name) {
    SshTarget t;
    t.name = name;
    t.host = name;
    if (inventory != nullptr) apply(inventory->defaults, t);
    applyOverrides(overrides, t);
    return t;
  };
  auto entryFor = [&](const std::string& name) -> const InventoryEntry* {
    if (inventory == nullptr) return nullptr;
    for (const auto& e : inventory->nodes) {
      if (e.name == name) return &e;
    }
    return nullptr;
  };
  std::vector<SshTarget> out;
  std::set<std::string> seen;
  for (const model::Json* node : nodeItems(cluster_nodes)) {
    SshTarget t = base(stringAt(*node, {"metadata", "name"}));
    if (std::string addr = nodeAddress(*node); !addr.empty()) t.host = addr;
    if (const auto* e = entryFor(t.name)) apply(*e, t);
    t.skip_reason = nodeSkipReason(node, t.labels);
    seen.insert(t.name);
    out.push_back(std::move(t));
  }
  if (inventory != nullptr) {
    for (const auto& e : inventory->nodes) {
      if (seen.count(e.name) != 0) continue;
      SshTarget t = base(e.name);
      apply(e, t);
      t.skip_reason = nodeSkipReason(nullptr, t.labels);
      out.push_back(std::move(t));
    }
  }
  if (out.empty()) {
    return makeError(Errc::kInvalidArgument,
                     "no node to collect from: the cluster has no Node objects and no inventory "
                     "(--ssh-inventory FILE) lists nodes");
  }
  for (auto& t : out) {
    t.key = expandHome(t.key);
    if (t.bastion && t.bastion->user.empty()) t.bastion->user = t.user;
  }
  std::sort(out.begin(), out.end(),
            [](const SshTarget& a, const SshTarget& b) { return a.name < b.name; });
  return out;
}

}  // namespace kpatrol::collect
