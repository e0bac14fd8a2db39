// SPDX-License-Identifier: Apache-2.0
// Node collection through Jobs against the API server: clean leftovers, create Jobs (at most
// --node-job-concurrency in existence), poll them with one list per round, read the facts from
// each pod's log, delete every Job it created.
#include <unistd.h>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "app.h"
#include "kpatrol/collect/api_client.h"
#include "kpatrol/collect/ssh_targets.h"
#include "kpatrol/model/json_get.h"
#include "node_jobs.h"

namespace kpatrol::app {
namespace {

using Clock = std::chrono::steady_clock;
using collect::ApiClient;
using collect::queryEscape;

constexpr const char* kSource = "node-job";
constexpr const char* kDeleteBackground =
    R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"})";

std::string jobsPath(const std::string& ns) {
  return "/apis/batch/v1/namespaces/" + queryEscape(ns) + "/jobs";
}

std::string runId() {
  std::random_device rd;
  const auto now = std::chrono::system_clock::now().time_since_epoch().count();
  std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ static_cast<std::uint64_t>(now) ^
                    static_cast<std::uint64_t>(::getpid());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 10; ++i, v >>= 4) out.push_back(kHex[v & 15]);
  return out;
}

struct Target {
  std::string name;
  std::string skip_reason;
};

std::vector<Target> targetsOf(const model::Json* cluster_nodes) {
  std::vector<Target> out;
  if (cluster_nodes == nullptr) return out;
  const model::Json* items = cluster_nodes;
  if (cluster_nodes->is_object()) {
    auto it = cluster_nodes->find("items");
    if (it == cluster_nodes->end()) return out;
    items = &*it;
  }
  if (!items->is_array()) return out;
  for (const auto& node : *items) {
    Target t;
    if (auto md = node.find("metadata"); md != node.end() && md->is_object())
      t.name = md->value("name", std::string());
    if (t.name.empty()) continue;
    t.skip_reason = collect::nodeSkipReason(&node, {});
    out.push_back(std::move(t));
  }
  return out;
}

struct Active {
  std::string node;
  std::string job;
  Clock::time_point created;
};

class Flow {
 public:
  Flow(ApiClient& client, const NodeJobOptions& options, std::string ns)
      : client_(client), opt_(options), ns_(std::move(ns)), run_(runId()) {}

  NodeJobResult run(const std::vector<Target>& targets);

 private:
  Clock::time_point deadline() const {
    return Clock::now() + std::chrono::seconds(opt_.timeout_seconds) + std::chrono::seconds(30);
  }
  void cleanLeftovers();
  bool create(const Target& t);
  void finish(const Active& a, const model::Json& job);
  void fail(const std::string& node, const std::string& message) {
    spdlog::warn("node {}: {}", node, message);
    result_.errors.push_back({"node/" + node, "*", kSource, message});
  }
  void remove(const std::string& job);
  std::optional<model::Json> podOf(const std::string& job);
  Result<std::string> logOf(const model::Json& pod);

  ApiClient& client_;
  const NodeJobOptions& opt_;
  std::string ns_;
  std::string run_;
  std::vector<Active> active_;
  NodeJobResult result_;
};

void Flow::cleanLeftovers() {
  auto r =
      client_.get(jobsPath(ns_) + "?labelSelector=" + queryEscape(nodeJobSelector()), deadline());
  if (!r || r->status != 200) {
    spdlog::warn("listing leftover node-collection Jobs in namespace {}: {}", ns_,
                 r ? collect::replyError("GET", *r).message : r.error().message);
    return;
  }
  auto doc = model::Json::parse(r->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("items") || !doc["items"].is_array()) return;
  for (const auto& job : doc["items"]) {
    const std::string name = model::stringAt(job, {"metadata", "name"});
    if (name.empty()) continue;
    spdlog::info("removing leftover node-collection Job {}/{} (an earlier run did not finish)", ns_,
                 name);
    remove(name);
  }
}

void Flow::remove(const std::string& job) {
  auto r = client_.del(jobsPath(ns_) + "/" + queryEscape(job), kDeleteBackground, deadline());
  if (!r) {
    spdlog::warn("deleting Job {}/{}: {} (the next run removes it)", ns_, job, r.error().message);
  } else if (r->status != 200 && r->status != 202 && r->status != 404) {
    spdlog::warn("{} (the next run removes it)", collect::replyError("DELETE", *r).message);
  }
}

bool Flow::create(const Target& t) {
  NodeJobSpec spec;
  spec.node = t.name;
  spec.job_name = nodeJobName(t.name, run_);
  spec.namespace_ = ns_;
  spec.image = opt_.image;
  spec.run_id = run_;
  spec.deadline_seconds = opt_.timeout_seconds;
  const auto created = Clock::now();
  auto r = client_.post(jobsPath(ns_), nodeJobManifest(spec).dump(), deadline());
  if (!r) {
    fail(t.name, "creating its collection Job failed: " + r.error().message);
    return false;
  }
  // 409: our own earlier attempt (a retried POST) already created it.
  if (r->status != 201 && r->status != 200 && r->status != 202 && r->status != 409) {
    std::string msg =
        "creating its collection Job failed: " + collect::replyError("POST", *r).message;
    if (r->status == 403) {
      msg +=
          " (node collection through Jobs needs create/get/list/delete on jobs and get on "
          "pods/log in namespace " +
          ns_ + ": deploy/overlays/node-jobs)";
    }
    fail(t.name, msg);
    return r->status != 403;  // forbidden for one node is forbidden for all
  }
  active_.push_back({t.name, spec.job_name, created});
  return true;
}

std::optional<model::Json> Flow::podOf(const std::string& job) {
  auto r = client_.get("/api/v1/namespaces/" + queryEscape(ns_) +
                           "/pods?labelSelector=" + queryEscape("job-name=" + job),
                       deadline());
  if (!r || r->status != 200) return std::nullopt;
  auto doc = model::Json::parse(r->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("items") || !doc["items"].is_array() ||
      doc["items"].empty()) {
    return std::nullopt;
  }
  return doc["items"].back();
}

Result<std::string> Flow::logOf(const model::Json& pod) {
  const std::string name = model::stringAt(pod, {"metadata", "name"});
  auto r = client_.get("/api/v1/namespaces/" + queryEscape(ns_) + "/pods/" + queryEscape(name) +
                           "/log?container=collect",
                       deadline());
  if (!r) return std::move(r).error();
  if (r->status != 200) return collect::replyError("GET", *r);
  return std::move(r->body);
}

std::string lastLine(const std::string& text) {
  std::string last;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) last = text.substr(start, end - start);
    start = end + 1;
  }
  if (last.size() > 300) last = last.substr(0, 300) + "...";
  return last;
}

void Flow::finish(const Active& a, const model::Json& job) {
  const auto pod = podOf(a.job);
  NodeJobState st = nodeJobState(job, pod ? &*pod : nullptr);
  const std::string where = "collection Job " + ns_ + "/" + a.job;
  if (st.phase == NodeJobState::Phase::kFailed) {
    std::string msg = where + ": " + st.reason;
    if (pod) {
      if (auto log = logOf(*pod); log && !lastLine(*log).empty()) msg += "; log: " + lastLine(*log);
    }
    fail(a.node, msg);
    return;
  }
  if (!pod) {
    fail(a.node, where + " completed but its pod cannot be found (job-name=" + a.job + ")");
    return;
  }
  auto log = logOf(*pod);
  if (!log) {
    fail(a.node, where + ": reading the pod log failed: " + log.error().message);
    return;
  }
  auto facts = parseNodeFactsLog(*log);
  if (!facts) {
    fail(a.node, where + ": " + facts.error().message);
    return;
  }
  auto it = facts->nodes.find(a.node);
  if (it == facts->nodes.end()) {
    fail(a.node, where + ": the pod log has no facts for node " + a.node);
    return;
  }
  result_.nodes[a.node] = std::move(*it);
  for (const auto& e : facts->errors) {
    if (!e.is_object()) continue;
    result_.errors.push_back(
        {model::stringAt(e, {"subject"}, "node/" + a.node), model::stringAt(e, {"fact"}, "*"),
         model::stringAt(e, {"source"}, std::string(kSource)), model::stringAt(e, {"message"})});
  }
  spdlog::info("node {}: facts collected by Job {}/{}", a.node, ns_, a.job);
}

NodeJobResult Flow::run(const std::vector<Target>& targets) {
  std::deque<const Target*> pending;
  for (const auto& t : targets) {
    if (!t.skip_reason.empty()) {
      result_.nodes[t.name] = {{"probe", {{"skipped", true}, {"reason", t.skip_reason}}}};
      continue;
    }
    pending.push_back(&t);
  }
  if (pending.empty()) return std::move(result_);
  cleanLeftovers();
  spdlog::info("collecting {} nodes through Jobs in namespace {} (run {}, {} at once, image {})",
               pending.size(), ns_, run_, opt_.concurrency, opt_.image);
  const auto timeout = std::chrono::seconds(opt_.timeout_seconds);
  bool forbidden = false;
  while (!pending.empty() || !active_.empty()) {
    if (cancelFlag().load()) {
      for (const auto& a : active_) {
        fail(a.node, "interrupted before its collection Job finished");
        remove(a.job);
      }
      for (const auto* t : pending) fail(t->name, "interrupted before its collection Job ran");
      break;
    }
    while (active_.size() < opt_.concurrency && !pending.empty()) {
      const Target* t = pending.front();
      pending.pop_front();
      if (forbidden) {
        fail(t->name, result_.errors.back().message);
        continue;
      }
      if (!create(*t)) forbidden = true;
    }
    if (active_.empty()) continue;
    std::this_thread::sleep_for(std::chrono::milliseconds(opt_.poll_ms));
    auto r = client_.get(
        jobsPath(ns_) + "?labelSelector=" + queryEscape(std::string(kRunLabel) + "=" + run_),
        deadline());
    std::map<std::string, model::Json> jobs;
    bool listed = false;
    if (r && r->status == 200) {
      auto doc = model::Json::parse(r->body, nullptr, false);
      if (doc.is_object() && doc.contains("items") && doc["items"].is_array()) {
        listed = true;
        for (auto& j : doc["items"]) jobs[model::stringAt(j, {"metadata", "name"})] = j;
      }
    } else {
      spdlog::warn("listing the node-collection Jobs of run {}: {}", run_,
                   r ? collect::replyError("GET", *r).message : r.error().message);
    }
    std::vector<Active> still;
    for (const auto& a : active_) {
      const auto it = jobs.find(a.job);
      if (listed && it == jobs.end()) {
        fail(a.node, "collection Job " + ns_ + "/" + a.job + " disappeared before it finished");
        continue;
      }
      if (it != jobs.end() &&
          nodeJobState(it->second, nullptr).phase != NodeJobState::Phase::kRunning) {
        finish(a, it->second);
        remove(a.job);
        continue;
      }
      // The Job's activeDeadlineSeconds normally ends it first; this is the backstop when the
      // API server never reports an end (grace: 10 s).
      if (Clock::now() - a.created > timeout + std::chrono::seconds(10)) {
        const auto pod = podOf(a.job);
        const auto st = nodeJobState(it != jobs.end() ? it->second : model::Json::object(),
                                     pod ? &*pod : nullptr);
        fail(a.node, "collection Job " + ns_ + "/" + a.job + " timed out: not finished after " +
                         std::to_string(opt_.timeout_seconds) + "s (--node-job-timeout)" +
                         (st.reason.empty() ? "" : "; " + st.reason));
        remove(a.job);
        continue;
      }
      still.push_back(a);
    }
    active_ = std::move(still);
  }
  return std::move(result_);
}

}  // namespace

std::string defaultNodeJobImage() { return "kpatrol:" + toolVersion(); }

void addNodeJobOptions(CLI::App* cmd, NodeJobOptions& o) {
  const char* group = "Node hosts through Jobs (no SSH)";
  cmd->add_flag("--node-jobs", o.enabled,
                "collect node hosts through one short-lived Job per node (hostPID, the node's / "
                "read-only at /host) whose pod log carries the facts; needs the API as the "
                "source and the deploy/overlays/node-jobs permissions")
      ->group(group);
  cmd->add_option("--node-job-image", o.image,
                  "image the Jobs run (it must hold the kpatrol binary; default " +
                      defaultNodeJobImage() + ")")
      ->group(group);
  cmd->add_option("--node-job-namespace", o.namespace_,
                  "namespace the Jobs are created in (default kpatrol-nodes, as "
                  "deploy/overlays/node-jobs creates it; its Pod Security level must admit "
                  "hostPID and hostPath)")
      ->group(group);
  cmd->add_option("--node-job-concurrency", o.concurrency,
                  "Jobs in existence at once (a new one is created as one ends)")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--node-job-timeout", o.timeout_seconds,
                  "seconds a node's Job may take (its activeDeadlineSeconds); a Job that fails "
                  "or runs out of time makes its node's rules report error with the reason")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str()
      ->group(group);
}

Result<NodeJobResult> collectNodeJobs(const ApiAccess& access, const NodeJobOptions& options,
                                      const model::Json* cluster_nodes) {
  collect::ApiClientOptions co;
  co.kubeconfig = access.kubeconfig;
  co.context = access.context;
  co.in_cluster = access.in_cluster;
  co.request_timeout = access.request_timeout;
  auto client = ApiClient::open(co);
  if (!client) return std::move(client).error();
  // Not the pod's own namespace: deploy/ enforces Pod Security "restricted" there, which
  // refuses hostPID and hostPath; overlays/node-jobs creates kpatrol-nodes for these pods.
  const std::string ns = options.namespace_.empty() ? "kpatrol-nodes" : options.namespace_;
  NodeJobOptions opt = options;
  if (opt.image.empty()) opt.image = defaultNodeJobImage();
  const auto targets = targetsOf(cluster_nodes);
  if (targets.empty()) {
    // Nodes could not be listed (the collection errors say why): nothing to create Jobs for.
    spdlog::warn("--node-jobs: the cluster has no Node objects to collect");
    return NodeJobResult{};
  }
  Flow flow(**client, opt, ns);
  return flow.run(targets);
}

}  // namespace kpatrol::app
