// SPDX-License-Identifier: Apache-2.0
// Node hosts as a scan source (SSH), and `kpatrol collect node` (SSH or a host root).
#include "app.h"
#include "kpatrol/collect/ssh_collector.h"

namespace kpatrol::app {

struct NodeSourceOptions {
  collect::SshCollectOptions ssh;
};

std::shared_ptr<NodeSourceOptions> addNodeSourceOptions(CLI::App* cmd) {
  auto opt = std::make_shared<NodeSourceOptions>();
  cmd->add_option("--ssh-inventory", opt->ssh.inventory,
                  "YAML inventory of node hosts (nodes: name, host, port, user, key, ...)");
  return opt;
}

bool nodeSourceRequested(const NodeSourceOptions& options) {
  return !options.ssh.inventory.empty();
}

Status collectNodesInto(model::Json& doc, const NodeSourceOptions& options,
                        const GlobalOptions& /*global*/) {
  const model::Json* nodes = nullptr;
  if (auto o = doc.find("objects"); o != doc.end()) {
    if (auto n = o->find("nodes"); n != o->end()) nodes = &*n;
  }
  auto got = collect::collectSsh(options.ssh, nodes);
  if (!got) return std::move(got).error();
  for (auto& [name, facts] : got->nodes.items()) doc["nodes"][name] = std::move(facts);
  for (const auto& e : got->errors) {
    doc["errors"].push_back(
        {{"subject", e.subject}, {"fact", e.fact}, {"source", e.source}, {"message", e.message}});
  }
  return okStatus();
}

void addCollectNodeCommand(CLI::App& collect, GlobalOptions& /*global*/) {
  auto* cmd = collect.add_subcommand("node",
                                     "Collect node host facts over SSH or from a mounted "
                                     "host root into a snapshot bundle.");
  auto opt = addNodeSourceOptions(cmd);
  cmd->callback([opt] { exitCode() = fail("node collection is not built yet"); });
}

}  // namespace kpatrol::app
