// SPDX-License-Identifier: Apache-2.0
// Node collection over SSH: targets (cluster nodes or an inventory), libssh2 sessions with strict
// known_hosts, agent/key/password auth, one bastion hop, timeouts, bounded concurrency.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/collect/node_probe.h"
#include "kpatrol/collect/ssh_targets.h"
#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect {

struct SshCollectOptions {
  std::string inventory;          // --ssh-inventory FILE
  TargetOverrides overrides;      // --ssh-user, --ssh-key, --ssh-port, --ssh-bastion, --ssh-sudo
  unsigned concurrency = 32;      // --ssh-concurrency: nodes in flight at once
  std::string known_hosts;        // --ssh-known-hosts; empty: ~/.ssh/known_hosts
  bool accept_new = false;        // --ssh-accept-new: trust an unknown host key on first use
  bool hash_known_hosts = false;  // record accepted keys hashed (|1|salt|hash), as HashKnownHosts
  double timeout_seconds = 10;    // --ssh-timeout: connect, handshake and authentication, each
  double command_timeout_seconds = 120;  // the probe's run time on the node
  int keepalive_seconds = 15;
  std::string password_env;   // --ssh-password-env VAR: the password is read from $VAR
  std::string password_file;  // --ssh-password-file F: the first line of F
  std::size_t max_output_bytes = std::size_t{16} << 20;  // the probe's stdout cap per node
  bool progress = false;  // "ssh: done/total nodes" on stderr (the CLI sets it on a terminal)
  ProbeOptions probe;     // probe.root: --ssh-root (fixture node roots in tests)
  /// Called on a worker thread with a node's whole probe output after the built-in parsers
  /// (plugin probe parsers: scanner/app/plugin_probes.h); must be thread-safe.
  std::function<void(std::string_view output, const std::string& subject, ProbeResult& result)>
      after_parse;
};

struct NodeCollection {
  model::Json nodes = model::Json::object();  // node name -> facts
  std::vector<model::CollectionError> errors;
};

/// Collects host facts of every target. `cluster_nodes` is the snapshot's Node list (an array of
/// Node objects or a `kind: List`; may be null): targets come from it (InternalIP, else
/// Hostname) with per-node overrides from the inventory by name; without it, from the
/// inventory. A node that cannot be reached is an error for its subject ("node/<name>", fact
/// "*"), never a failed call: the call fails only on bad input (inventory, options).
Result<NodeCollection> collectSsh(const SshCollectOptions& options,
                                  const model::Json* cluster_nodes);

}  // namespace kpatrol::collect
