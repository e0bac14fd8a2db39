// SPDX-License-Identifier: Apache-2.0
// Node collection over SSH: targets (cluster nodes or an inventory), libssh2 sessions with strict
// known_hosts, agent/key/password auth, one bastion hop, timeouts, bounded concurrency.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "kpatrol/collect/node_probe.h"
#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect {

struct SshCollectOptions {
  std::string inventory;  // --ssh-inventory FILE
  unsigned concurrency = 32;
  ProbeOptions probe;
};

struct NodeCollection {
  model::Json nodes = model::Json::object();  // node name -> facts
  std::vector<model::CollectionError> errors;
};

/// Collects host facts of every target. `cluster_nodes` is the snapshot's Node list (may be
/// null): targets come from it (InternalIP) unless an inventory names them.
Result<NodeCollection> collectSsh(const SshCollectOptions& options,
                                  const model::Json* cluster_nodes);

}  // namespace kpatrol::collect
