// SPDX-License-Identifier: Apache-2.0
// The cluster side of a snapshot from manifests: files or directories of multi-document YAML,
// JSON, `kind: List` and `kubectl get -o yaml|json` output.
#pragma once

#include <filesystem>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect {

/// Reads every manifest under `paths` into a snapshot document in Snapshot::fromJson form
/// ({meta, objects, nodes: {}, errors}). A malformed document is an error naming file and line.
/// Secrets in the input are dropped and never stored.
Result<model::Json> loadManifests(const std::vector<std::filesystem::path>& paths);

}  // namespace kpatrol::collect
