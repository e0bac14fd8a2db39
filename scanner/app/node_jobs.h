// SPDX-License-Identifier: Apache-2.0
// Node collection through short-lived Jobs, for nodes without SSH: one Job per node (nodeName
// pinned, every taint tolerated, hostPID, the node's / read-only at /host, capabilities dropped
// but DAC_READ_SEARCH, a deadline) runs `kpatrol collect node --host-root /host --out -`; the
// scanner reads the facts from the pod log through the API and deletes the Job.
//
// node_jobs.cpp holds the pure parts (the Job manifest, names, the facts line, reading a Job's
// outcome), node_jobs_flow.cpp the flow against the API server.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"

namespace CLI {
class App;
}

namespace kpatrol::app {

/// Labels every node-collection Job carries; leftovers from an interrupted run are found by the
/// first two.
inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kNodeCollectorLabel = "kpatrol.io/node-collector";
inline constexpr const char* kRunLabel = "kpatrol.io/run";
inline constexpr const char* kNodeAnnotation = "kpatrol.io/node";
/// The label selector of every node-collection Job (leftover cleaning).
std::string nodeJobSelector();

/// The container image when --node-job-image is not given (deploy/base/cronjob.yaml's).
std::string defaultNodeJobImage();

struct NodeJobSpec {
  std::string node;      // the Node's name
  std::string job_name;  // nodeJobName()
  std::string namespace_;
  std::string image;
  std::string run_id;
  int deadline_seconds = 300;  // activeDeadlineSeconds
};

/// "kpatrol-node-<node, sanitised and cut>-<8 hex of node+run>": a valid, unique Job name
/// (at most 52 characters, so the Pod name the Job controller derives stays under 63).
std::string nodeJobName(const std::string& node, const std::string& run_id);

/// The batch/v1 Job (pure function of the spec).
model::Json nodeJobManifest(const NodeJobSpec& spec);

/// The one line `kpatrol collect node --out -` prints: {"kind":"KpatrolNodeFacts",
/// "apiVersion":"kpatrol.io/v1","nodes":{...},"errors":[...]}.
std::string nodeFactsLine(const model::Json& nodes, const model::Json& errors);

struct NodeFactsDoc {
  model::Json nodes;   // name -> facts
  model::Json errors;  // [{subject, fact, source, message}]
};
/// Finds the facts line in a pod log (stderr lines may be interleaved: they are ignored).
/// Error when there is none or it does not parse; the message quotes the log's last line.
Result<NodeFactsDoc> parseNodeFactsLog(const std::string& log);

/// What a Job (and its Pod, when known) says about how it ended.
struct NodeJobState {
  enum class Phase { kRunning, kSucceeded, kFailed } phase = Phase::kRunning;
  std::string reason;  // for kFailed, and why a running Job is not progressing
};
NodeJobState nodeJobState(const model::Json& job, const model::Json* pod);

// --- The flow (node_jobs_flow.cpp) ---

struct NodeJobOptions {
  bool enabled = false;       // --node-jobs
  std::string image;          // --node-job-image (default defaultNodeJobImage())
  std::string namespace_;     // --node-job-namespace (default kpatrol-nodes)
  unsigned concurrency = 10;  // --node-job-concurrency: Jobs in existence at once
  int timeout_seconds = 300;  // --node-job-timeout: per Job, from its creation
  int poll_ms = 1000;
};

/// Adds --node-jobs, --node-job-image, --node-job-namespace, --node-job-concurrency and
/// --node-job-timeout to a command.
void addNodeJobOptions(CLI::App* cmd, NodeJobOptions& options);

struct ApiAccess {
  std::string kubeconfig;
  std::string context;
  bool in_cluster = false;
  std::chrono::seconds request_timeout{30};
};

struct NodeJobResult {
  model::Json nodes = model::Json::object();   // name -> facts
  std::vector<model::CollectionError> errors;  // fact "*" for a node not collected
};

/// Node hosts through Jobs into a snapshot document (source_api.cpp: it has the API source's
/// access options), merged by mergeNodeResults.
struct ApiSourceOptions;
Status collectNodeJobsInto(model::Json& doc, const NodeJobOptions& options,
                           const ApiSourceOptions& api);
/// Adds host facts and collection errors to a snapshot document over what the API gave (the
/// kubelet's configz) (source_nodes.cpp): shared by the SSH and the node-Job paths.
void mergeNodeResults(model::Json& doc, model::Json&& nodes,
                      const std::vector<model::CollectionError>& errors);

/// Collects every Node of `cluster_nodes` (an array of Nodes or a List) through Jobs.
/// Virtual-kubelet and Windows nodes are recognised and not collected (facts.probe.skipped).
/// A failing or timed-out Job, or one the API refuses to create (403: every node then gets that
/// reason), is a collection error of its node; only a client that cannot be set up (no
/// kubeconfig, bad credentials file) is returned as an error.
Result<NodeJobResult> collectNodeJobs(const ApiAccess& access, const NodeJobOptions& options,
                                      const model::Json* cluster_nodes);

}  // namespace kpatrol::app
