// SPDX-License-Identifier: Apache-2.0
// Where a command's cluster comes from: the embedded demo, a snapshot directory, an evidence
// bundle, manifests, or a live collection (the Kubernetes API, plus node hosts over SSH).
// Shared by `kpatrol scan` and `kpatrol precheck`, so both accept the same sources.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app.h"
#include "kpatrol/engine/profile.h"
#include "kpatrol/store/store.h"
#include "node_jobs.h"

namespace kpatrol::app {

struct SourceOptions {
  bool demo = false;
  std::string snapshot_dir;
  std::string bundle;
  std::vector<std::string> manifests;
  std::shared_ptr<ApiSourceOptions> api;
  std::shared_ptr<NodeSourceOptions> nodes;
  std::shared_ptr<NodeJobOptions> node_jobs = std::make_shared<NodeJobOptions>();
};

/// Whether the installed plugins' node probes run (on by default; scan --no-plugins).
void setPluginProbes(NodeSourceOptions& options, bool enabled);

/// Adds --demo, --snapshot, --bundle, --manifests, the API options and the SSH options.
void addSourceOptions(CLI::App* cmd, SourceOptions& opt);
/// One cluster source at most, and --ssh-* only with a live source. `command` names the command
/// in the message ("scan takes one cluster source: ...").
Status checkSources(const SourceOptions& opt, const std::string& command);
/// Loads or collects the snapshot.
Result<model::SnapshotPtr> loadSource(const SourceOptions& opt, const GlobalOptions& global);
/// What the store records as the scan's origin: "demo", a path, "manifests:<path>", "api:<name>".
std::string originOf(const SourceOptions& opt, const model::Snapshot& snapshot);

/// The store's record of a run (scan_record.cpp): snapshot metadata, profile, rules digest,
/// origin, started now.
store::ScanRecord scanRecord(const model::Snapshot& snapshot, const std::string& profile,
                             const std::string& rules_digest, const std::string& origin);
/// Stores the selected rules and their profile groups (profile order, then extra packs' groups).
Status recordSelection(store::Store& db, std::int64_t scan_id, const engine::Profile& profile,
                       const engine::Selection& selection);

}  // namespace kpatrol::app
