// SPDX-License-Identifier: Apache-2.0
// `kpatrol diagnose`: the pure part. Parses the question, finds the subjects related to it in a
// snapshot, picks the rules worth evaluating, and ranks the findings into causes in the order
// of the seeds' diagnosis flow (故障诊断: Pod -> Node -> Network -> NodeComponent ->
// ClusterComponent; the DNS troubleshooting flow for `dns`). No I/O: cmd_diagnose.cpp loads,
// evaluates and prints.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/engine/rule.h"
#include "kpatrol/model/finding.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::app::diagnose {

enum class Kind { kNode, kPod, kDns, kNetwork };
const char* kindName(Kind kind) noexcept;

struct Question {
  Kind kind = Kind::kPod;
  std::string node;      // node NAME
  std::string ns, name;  // pod NS/NAME
  std::string src, dst;  // network: an IP, a node name, NS/POD or svc/NS/NAME
  int port = 0;
};

/// `node NAME`, `pod NS/NAME`, `dns`, `network SRC DST PORT`.
Result<Question> parseQuestion(const std::vector<std::string>& args);

/// How a subject is related to the question; it decides the stage of the flow a finding of that
/// subject falls into.
enum class Relation {
  kTarget,       // the pod or node asked about
  kWorkload,     // a controller of the pod (ReplicaSet, Deployment, ...) or its namespace
  kNode,         // the node the pod (or an endpoint of the path) runs on
  kNodePod,      // a Pod on the diagnosed node
  kSystemPod,    // a node agent Pod (kube-system DaemonSet) on a related node
  kDnsPod,       // a CoreDNS Pod
  kSource,       // network: the source Pod / node
  kDestination,  // network: the destination Pod / node / workload
  kCluster,      // the cluster subject
};

/// Subjects related to the question (id -> relation), what they resolve to for the header,
/// and causes found by walking the network path (which no rule can see: they depend on the
/// question's addresses).
struct Relevance {
  std::map<std::string, Relation> subjects;
  std::vector<std::string> context;  // "node worker-2", "deployment shop/cart", ...
  bool dns = false;                  // include the DNS rules
  struct PathCause {
    std::string id;  // "path/service-endpoints", ...
    std::string subject;
    model::Status status = model::Status::kFail;
    model::Severity severity = model::Severity::kHigh;
    std::string title_en, title_zh, message, remediation_en, remediation_zh;
    model::Json evidence = model::Json::object();
  };
  std::vector<PathCause> path;
};

/// Resolves the question against the snapshot. Fails (kNotFound) when the pod, node or an
/// address of the path is not in it.
Result<Relevance> relate(const Question& q, const model::Snapshot& snapshot);

/// Whether a rule can say something about the question: its scope has related subjects, or
/// (cluster scope) its tags belong to the question's flow.
bool ruleRelevant(const Question& q, const Relevance& rel, const engine::RuleMeta& rule);

/// The rules that must see the whole snapshot: cluster scope (they read every object), and for
/// `dns` the node rules and the DNS rules of Pods (every node and Pod is a DNS client). The
/// others run on narrowDocument().
bool runsWide(const Question& q, const engine::RuleMeta& rule);

/// The snapshot in Snapshot::fromJson form with only the related Nodes (objects and host facts),
/// Pods and workloads, every other kind unchanged: Pod, workload, namespace and node rules then
/// evaluate only what the question is about (a 100-node cluster costs what one node does).
model::Json narrowDocument(const model::Snapshot& snapshot, const Relevance& rel);

/// A ranked cause: a fail, warn or error finding (or a path cause) with its stage of the flow.
struct Cause {
  std::string stage;  // stage id: "pod", "node", "network", ...
  std::string stage_en, stage_zh;
  std::string rule_id, subject;
  model::Status status = model::Status::kFail;
  model::Severity severity = model::Severity::kMedium;
  std::string title_en, title_zh, message, remediation_en, remediation_zh;
  model::Json evidence;
};

struct Stage {
  std::string id, title_en, title_zh;
};
/// The stages of the question's flow, in order.
std::vector<Stage> flow(Kind kind);

/// Ranks: fail before warn before error (could not check), then the flow's stage order, then
/// how close the subject is to the question, then severity, then rule and subject ids (stable).
/// Findings of unrelated subjects, pass/na/manual/waived findings are dropped.
std::vector<Cause> rank(const Question& q, const Relevance& rel,
                        const std::vector<model::Finding>& findings, const engine::RuleSet& rules);

}  // namespace kpatrol::app::diagnose
