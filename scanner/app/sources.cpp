// SPDX-License-Identifier: Apache-2.0
#include "sources.h"

#include "kpatrol/bundle/bundle.h"
#include "kpatrol/collect/manifests.h"

namespace kpatrol::app {
namespace fs = std::filesystem;

namespace {

bool liveSource(const SourceOptions& opt) {
  return !opt.demo && opt.snapshot_dir.empty() && opt.bundle.empty();
}

// Node collection (SSH, node Jobs) reads the node list from doc.objects.nodes: the draft's
// list is lent to it as a nlohmann copy (nodes only, a few thousand at most) for the call.
template <class Fn>
Status withNodeList(model::SnapshotDraft& draft, Fn&& fn) {
  const bool lent = draft.objects.contains("nodes");
  if (lent) draft.doc["objects"]["nodes"] = draft.objectsJson("nodes");
  Status s = fn(draft.doc);
  if (lent) {
    draft.doc["objects"].erase("nodes");
    if (draft.doc["objects"].empty()) draft.doc.erase("objects");
  }
  return s;
}

// The cluster side comes from the API (the default: the kubeconfig's current context, or the
// service account in a pod) or from manifests; node hosts, when asked for, are added to it.
Result<model::SnapshotPtr> collectLive(const SourceOptions& opt, const GlobalOptions& global) {
  Result<model::SnapshotDraft> draft = makeError(Errc::kInternal, "not collected");
  if (opt.manifests.empty()) {
    draft = collectApiDocument(*opt.api, global);
  } else {
    auto doc = collect::loadManifests({opt.manifests.begin(), opt.manifests.end()});
    if (doc) {
      draft = model::SnapshotDraft(std::move(*doc));
    } else {
      draft = std::move(doc).error();
    }
  }
  if (!draft && opt.manifests.empty() && !apiSourceRequested(*opt.api)) {
    // No source was named: the API was only the default, so say what else there is.
    return makeError(draft.error().code,
                     draft.error().message +
                         "\n(no source was named, so the Kubernetes API was tried; other sources: "
                         "--demo, --snapshot DIR, --bundle FILE, --manifests PATH)");
  }
  if (!draft) return std::move(draft).error();
  if (nodeSourceRequested(*opt.nodes)) {
    auto s = withNodeList(
        *draft, [&](model::Json& doc) { return collectNodesInto(doc, *opt.nodes, global); });
    if (!s) return std::move(s).error();
  }
  if (opt.node_jobs->enabled) {
    auto s = withNodeList(*draft, [&](model::Json& doc) {
      return collectNodeJobsInto(doc, *opt.node_jobs, *opt.api);
    });
    if (!s) return std::move(s).error();
  }
  const std::string type = opt.manifests.empty() ? "api" : "manifests";
  stampSnapshotMeta(draft->doc, type);
  return model::Snapshot::fromDraft(std::move(*draft), type);
}

}  // namespace

void addSourceOptions(CLI::App* cmd, SourceOptions& opt) {
  cmd->add_flag("--demo", opt.demo,
                "scan the embedded demo cluster (8 nodes, ~150 pods, planted faults)");
  cmd->add_option("--snapshot", opt.snapshot_dir, "a snapshot directory (docs/snapshot.md)");
  cmd->add_option("--bundle", opt.bundle,
                  "an evidence bundle (.tar.gz) made by `kpatrol bundle create`");
  cmd->add_option("--manifests", opt.manifests,
                  "manifest files or directories (YAML, JSON, kind: List, kubectl get -o "
                  "output) as the cluster source (repeatable)");
  opt.api = addApiSourceOptions(cmd);
  opt.nodes = addNodeSourceOptions(cmd);
  addNodeJobOptions(cmd, *opt.node_jobs);
}

Status checkSources(const SourceOptions& opt, const std::string& command) {
  const int sources = (opt.demo ? 1 : 0) + (opt.snapshot_dir.empty() ? 0 : 1) +
                      (opt.bundle.empty() ? 0 : 1) + (opt.manifests.empty() ? 0 : 1) +
                      (apiSourceRequested(*opt.api) ? 1 : 0);
  if (sources > 1) {
    return makeError(Errc::kInvalidArgument,
                     command +
                         " takes one cluster source: --demo, --snapshot DIR, --bundle FILE, "
                         "--manifests PATH or the API (--kubeconfig/--context/--in-cluster)");
  }
  if (!liveSource(opt) && nodeSourceRequested(*opt.nodes)) {
    return makeError(Errc::kInvalidArgument,
                     "--ssh-* options collect from live nodes: use them with the API or "
                     "--manifests as the cluster source, not with --demo, --snapshot or --bundle");
  }
  if (opt.node_jobs->enabled) {
    if (nodeSourceRequested(*opt.nodes)) {
      return makeError(Errc::kInvalidArgument,
                       "--node-jobs and --ssh-* are two ways to collect node hosts: use one");
    }
    if (!liveSource(opt) || !opt.manifests.empty()) {
      return makeError(Errc::kInvalidArgument,
                       "--node-jobs creates Jobs through the Kubernetes API: use it with the API "
                       "as the source (--kubeconfig, --context, --in-cluster or the default), "
                       "not with --demo, --snapshot, --bundle or --manifests");
    }
  }
  return okStatus();
}

Result<model::SnapshotPtr> loadSource(const SourceOptions& opt, const GlobalOptions& global) {
  if (opt.demo) return model::Snapshot::loadDemo();
  if (!opt.snapshot_dir.empty()) return model::Snapshot::loadDirectory(opt.snapshot_dir);
  if (!opt.bundle.empty()) {
    auto files = bundle::readBundle(opt.bundle);
    if (!files) return std::move(files).error();
    return model::Snapshot::fromFiles(*files, opt.bundle);
  }
  return collectLive(opt, global);
}

std::string originOf(const SourceOptions& opt, const model::Snapshot& snapshot) {
  if (opt.demo) return "demo";
  if (!opt.snapshot_dir.empty()) return fs::absolute(opt.snapshot_dir).string();
  if (!opt.bundle.empty()) return fs::absolute(opt.bundle).string();
  if (!opt.manifests.empty()) return "manifests:" + fs::absolute(opt.manifests.front()).string();
  return "api:" + snapshot.meta().cluster_name;
}

}  // namespace kpatrol::app
