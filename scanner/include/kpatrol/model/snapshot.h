// SPDX-License-Identifier: Apache-2.0
// The snapshot: everything collected about one cluster at one time. Immutable once built and
// shared read-only (std::shared_ptr<const Snapshot>) by the evaluator's workers. The on-disk
// layout is documented in docs/snapshot.md.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <functional>

#include "kpatrol/core/result.h"
#include "kpatrol/model/compact_json.h"

namespace kpatrol::model {

// API objects and node facts are held in a compact, read-only JsonStore (compact_json.h) and
// reached through JsonView: objects keep their key order (evidence reads like the source), and
// a pod costs ~0.6x its JSON text instead of ~4.5x as nlohmann::ordered_json
// (test/bench/README.md). model::Json (nlohmann) remains for everything else.

inline constexpr int kSnapshotSchemaVersion = 1;

enum class Scope { kCluster, kNode, kNamespace, kWorkload, kPod };
inline constexpr Scope kAllScopes[] = {Scope::kCluster, Scope::kNode, Scope::kNamespace,
                                       Scope::kWorkload, Scope::kPod};
const char* scopeName(Scope scope) noexcept;
std::optional<Scope> parseScope(std::string_view name) noexcept;

/// A fact that could not be collected. Rules that require it report `error` with this message.
struct CollectionError {
  std::string subject;  // "cluster" or "node/<name>"
  std::string fact;     // dotted fact path, e.g. "objects.secrets", "kubelet.config", or "*"
  std::string source;   // "api", "ssh", "host-root", "manifests", ...
  std::string message;
};

struct SnapshotMeta {
  int schema_version = kSnapshotSchemaVersion;
  std::string created_at;  // RFC 3339, UTC: the scan time rules see through ctx.now()
  std::string cluster_name;
  std::string cluster_uid;       // kube-system namespace uid: stable identity across scans
  std::string cluster_version;   // gitVersion, e.g. "v1.28.3"
  std::string flavour;           // kubeadm | ack-managed | ack-dedicated | k3s | unknown
  std::string tool_version;      // kpatrol version that collected it
  Json sources = Json::array();  // [{ "type": "demo"|"api"|"ssh"|"manifests"|..., ... }]
};

/// One thing a rule is evaluated against. Pointers point into the owning Snapshot.
struct Subject {
  Scope scope = Scope::kCluster;
  std::string id;    // "cluster", "node/<n>", "namespace/<n>", "pod/<ns>/<n>", "<kind>/<ns>/<n>"
  std::string kind;  // API kind ("Pod", "Deployment", ...), "Cluster" for the cluster
  std::string name;
  std::string namespace_;
  JsonView object;  // the API object, if any (absent: !object)
  JsonView facts;   // node facts (nodes only), if collected
};

/// A snapshot collected but not yet indexed: API objects already in the compact store (list
/// pages are parsed straight into it, kind by kind), and a small nlohmann document for the rest
/// ({meta, nodes, errors}, and `objects` for sources that produce documents, e.g. manifests).
/// Collectors fill it; Snapshot::fromDraft takes it over without copying the objects.
struct SnapshotDraft {
  std::unique_ptr<JsonStore> store = std::make_unique<JsonStore>();
  std::map<std::string, JsonView, std::less<>> objects;  // plural -> array of items, in store
  Json doc = Json::object();                             // meta, nodes, errors (objects)

  SnapshotDraft() = default;
  /// A draft of a whole document (Snapshot::fromJson form): no objects in the store.
  explicit SnapshotDraft(Json document) : doc(std::move(document)) {}

  /// The items of a kind as a nlohmann array (a copy, for the few consumers that need one: the
  /// node list for node collection); empty if not collected.
  Json objectsJson(std::string_view plural) const;
  std::size_t objectCount() const;
  std::size_t kindCount() const;
};

class Snapshot {
 public:
  /// Takes over a draft: its store and object views become the snapshot's (no copy); the
  /// document's meta, nodes and errors (and objects, if any) are read as by fromJson.
  static Result<std::shared_ptr<const Snapshot>> fromDraft(SnapshotDraft&& draft,
                                                           const std::string& origin);
  /// Loads a snapshot directory (snapshot.json, objects/*.json, nodes/*.json, errors.json).
  static Result<std::shared_ptr<const Snapshot>> loadDirectory(const std::filesystem::path& dir);
  /// Loads from in-memory files keyed by relative path (the same layout as a directory).
  static Result<std::shared_ptr<const Snapshot>> fromFiles(
      const std::map<std::string, std::string>& files, const std::string& origin);
  /// The demo cluster compiled into the binary.
  static Result<std::shared_ptr<const Snapshot>> loadDemo();
  /// Builds from one JSON document {meta:{...}, objects:{<plural>:[...]}, nodes:{<name>:{...}},
  /// errors:[...]}: the form rule test cases use.
  static Result<std::shared_ptr<const Snapshot>> fromJson(const Json& doc,
                                                          const std::string& origin);
  /// Same, consuming the document: no copy of its objects is made (large generated snapshots).
  static Result<std::shared_ptr<const Snapshot>> fromJson(Json&& doc, const std::string& origin);

  /// Writes the directory layout (files 0600) so that loadDirectory() reads it back equal, one
  /// file at a time (never the text of the whole snapshot at once).
  Status writeDirectory(const std::filesystem::path& dir) const;
  /// Calls `fn` with each file of the directory layout (relative path, content) in path order;
  /// the content is only valid during the call. Stops at the first error.
  Status forEachFile(
      const std::function<Status(const std::string& rel, std::string_view text)>& fn) const;
  /// The directory layout as relative path -> content (small snapshots and tests; large ones
  /// go through forEachFile).
  std::map<std::string, std::string> toFiles() const;

  const SnapshotMeta& meta() const noexcept { return meta_; }
  /// Collected API objects of a kind (lower-case plural, "pods"): an array view, absent if not
  /// collected.
  JsonView objects(std::string_view plural) const;
  std::vector<std::string> kinds() const;
  /// objects(plural) as a nlohmann array (empty if not collected), converted on first use and
  /// kept with the snapshot: for the few consumers that walk nlohmann values (diagnose's
  /// relation walk), never the rule engine.
  const Json& objectsJson(std::string_view plural) const;
  /// Host facts of a node, absent if none.
  JsonView nodeFacts(std::string_view node) const;
  /// Bytes held by the compact objects and facts.
  std::size_t storeBytes() const noexcept { return store_->bytes(); }
  std::span<const Subject> subjects(Scope scope) const;
  const std::vector<CollectionError>& errors() const noexcept { return errors_; }
  /// The collection error that explains why `fact` of `subject_id` is missing: an error on the
  /// same subject (or "cluster"/"*" wildcard) whose fact equals the path, is a prefix of it, or is
  /// "*".
  const CollectionError* errorFor(std::string_view subject_id, std::string_view fact) const;
  std::size_t objectCount() const noexcept;

 private:
  Snapshot() : store_(std::make_unique<JsonStore>()) {}
  void index();  // builds subjects_ from objects_ and node_facts_
  // One file of the directory layout (not snapshot.json); `where` names it in errors.
  Status addFile(const std::string& rel, std::string_view text, const std::string& where,
                 JsonBuilder& builder);
  Status addObjects(const std::string& plural, JsonView doc, const std::string& where);
  // fromJson for a const (copied from) or a mutable (consumed kind by kind) document.
  template <class J>
  static Result<std::shared_ptr<const Snapshot>> buildFromJson(J& doc, const std::string& origin);
  // The body of buildFromJson, into a snapshot whose store may already hold objects.
  template <class J>
  static Status readDocument(Snapshot& snap, J& doc, const std::string& origin);

  SnapshotMeta meta_;
  std::unique_ptr<JsonStore> store_;                         // owns every view below
  std::map<std::string, JsonView, std::less<>> objects_;     // plural -> array of items
  std::map<std::string, JsonView, std::less<>> node_facts_;  // node name -> facts object
  std::vector<CollectionError> errors_;
  // errors_ positions by subject ("*" included), so errorFor costs the subject's own errors,
  // not all of them: with thousands of unreachable nodes it runs for every rule and node.
  std::map<std::string, std::vector<std::size_t>, std::less<>> errors_by_subject_;
  std::vector<Subject> subjects_[std::size(kAllScopes)];
  mutable std::mutex json_mutex_;
  mutable std::map<std::string, Json, std::less<>> json_cache_;  // objectsJson()
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

/// Kinds that become workload subjects, as (plural, Kind).
struct WorkloadKind {
  std::string_view plural;
  std::string_view kind;
};
inline constexpr WorkloadKind kWorkloadKinds[] = {{"deployments", "Deployment"},
                                                  {"daemonsets", "DaemonSet"},
                                                  {"statefulsets", "StatefulSet"},
                                                  {"replicasets", "ReplicaSet"},
                                                  {"jobs", "Job"},
                                                  {"cronjobs", "CronJob"}};

}  // namespace kpatrol::model
