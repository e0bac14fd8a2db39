// SPDX-License-Identifier: Apache-2.0
// Where to log in to each node: the inventory file, targets derived from Node objects, and the
// nodes that are recognised but never probed (virtual-kubelet / ECI, Windows).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect {

/// user@host:port (user and port optional; IPv6 as [addr]:port).
struct SshEndpoint {
  std::string user;
  std::string host;
  int port = 22;
};

/// Parses "user@host:port", "host:port", "user@host", "host", "[::1]:22".
Result<SshEndpoint> parseEndpoint(std::string_view text);

/// One entry of the inventory (or its `defaults:`); unset fields inherit.
struct InventoryEntry {
  std::string name;
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> user;
  std::optional<std::string> key;
  std::optional<bool> sudo;
  std::optional<std::string> bastion;  // user@host:port
  std::map<std::string, std::string> labels;
  int line = 0;
};

struct Inventory {
  std::string origin;
  InventoryEntry defaults;
  std::vector<InventoryEntry> nodes;
};

/// Parses an inventory:
///   defaults: {user: ops, key: ~/.ssh/id_ed25519, sudo: true, port: 22, bastion: jump@1.2.3.4}
///   nodes:
///     - {name: worker-1, host: 10.0.0.11, port: 22, user: ..., labels: {zone: a}}
/// Unknown keys, wrong types, duplicate names and missing names are errors naming origin:line.
Result<Inventory> parseInventory(const std::string& text, const std::string& origin);

/// Command-line values (--ssh-user, --ssh-key, --ssh-port, --ssh-bastion, --ssh-sudo). They
/// replace the inventory's defaults; a node's own inventory entry is more specific and wins.
struct TargetOverrides {
  std::string user;
  std::string key;
  int port = 0;  // 0: not given
  std::string bastion;
  bool sudo = false;  // --ssh-sudo (only turns sudo on)
};

struct SshTarget {
  std::string name;
  std::string host;
  int port = 22;
  std::string user = "root";
  std::string key;  // private key file; empty: agent, then ~/.ssh/id_{ed25519,ecdsa,rsa}
  bool sudo = false;
  std::optional<SshEndpoint> bastion;
  std::map<std::string, std::string> labels;
  /// Non-empty: recognised and not probed (virtual-kubelet/ECI, Windows), with the reason.
  std::string skip_reason;
};

/// Why a node is not probed over SSH, or "" when it is an ordinary Linux host. Reads the labels
/// (type=virtual-kubelet, kubernetes.io/os=windows, kubernetes.io/role=agent), taints
/// (virtual-kubelet.io/provider) and spec.providerID of a Node object; `labels` are the
/// inventory's labels for hosts that have no Node object.
std::string nodeSkipReason(const model::Json* node,
                           const std::map<std::string, std::string>& labels);

/// The address to log in to from a Node object: InternalIP, else Hostname, else ExternalIP;
/// empty when there is none.
std::string nodeAddress(const model::Json& node);

/// Targets sorted by name. From `cluster_nodes` (array of Nodes or a List) when it has items,
/// with per-node inventory entries applied by name (inventory nodes that are not in the cluster
/// are added too); else from the inventory. Error when there is no target at all.
Result<std::vector<SshTarget>> deriveTargets(const model::Json* cluster_nodes,
                                             const Inventory* inventory,
                                             const TargetOverrides& overrides);

}  // namespace kpatrol::collect
