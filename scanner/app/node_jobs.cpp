// SPDX-License-Identifier: Apache-2.0
// The pure parts of node collection through Jobs: names, the Job manifest, the facts line and
// how a Job ended. Tested on fixture text (test/unit/app/node_jobs_test.cpp).
#include "node_jobs.h"

#include <cctype>
#include <cstdint>
#include <optional>
#include <sstream>

#include "kpatrol/model/json_get.h"

namespace kpatrol::app {
namespace {

std::string hex8(std::uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[v & 15];
    v >>= 4;
  }
  return out;
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string str(const model::Json& j, std::initializer_list<const char*> path) {
  const model::Json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object()) return {};
    auto it = cur->find(key);
    if (it == cur->end()) return {};
    cur = &*it;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_number_integer()) return std::to_string(cur->get<long long>());
  return {};
}

long long num(const model::Json& j, std::initializer_list<const char*> path) {
  const model::Json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object()) return 0;
    auto it = cur->find(key);
    if (it == cur->end()) return 0;
    cur = &*it;
  }
  return cur->is_number_integer() ? cur->get<long long>() : 0;
}

// "terminated: Error, exit code 2: <message>" / "waiting: ImagePullBackOff: <message>".
std::string containerDetail(const model::Json* pod) {
  if (pod == nullptr || !pod->is_object()) return {};
  std::string out;
  const auto status = pod->find("status");
  if (status == pod->end() || !status->is_object()) return {};
  if (auto cs = status->find("containerStatuses"); cs != status->end() && cs->is_array()) {
    for (const auto& c : *cs) {
      if (auto t = c.find("state"); t != c.end() && t->is_object()) {
        if (t->contains("terminated")) {
          const auto& term = (*t)["terminated"];
          out = "container " + str(c, {"name"}) + " terminated (" + str(term, {"reason"}) +
                ", exit code " + std::to_string(num(term, {"exitCode"})) + ")";
          const std::string msg = str(term, {"message"});
          if (!msg.empty()) out += ": " + msg;
        } else if (t->contains("waiting")) {
          const auto& w = (*t)["waiting"];
          out = "container " + str(c, {"name"}) + " waiting (" + str(w, {"reason"}) + ")";
          const std::string msg = str(w, {"message"});
          if (!msg.empty()) out += ": " + msg;
        }
      }
    }
  }
  if (out.empty()) {
    const std::string phase = str(*status, {"phase"});
    const std::string reason = str(*status, {"reason"});
    const std::string msg = str(*status, {"message"});
    if (!phase.empty()) out = "pod " + phase;
    if (!reason.empty()) out += " (" + reason + ")";
    if (!msg.empty()) out += ": " + msg;
  }
  return out;
}

}  // namespace

std::string nodeJobSelector() {
  return std::string(kManagedByLabel) + "=kpatrol," + kNodeCollectorLabel + "=true";
}

std::string nodeJobName(const std::string& node, const std::string& run_id) {
  std::string part;
  for (char c : node) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      part.push_back(static_cast<char>(std::tolower(u)));
    } else if (!part.empty() && part.back() != '-') {
      part.push_back('-');
    }
  }
  constexpr std::size_t kMaxPart = 52 - 13 - 9;  // "kpatrol-node-" and "-<8 hex>"
  if (part.size() > kMaxPart) part.resize(kMaxPart);
  while (!part.empty() && part.back() == '-') part.pop_back();
  std::string name = "kpatrol-node-";
  if (!part.empty()) name += part + "-";
  return name + hex8(fnv1a(node + "\n" + run_id));
}

model::Json nodeJobManifest(const NodeJobSpec& spec) {
  const model::Json labels = {{"app.kubernetes.io/name", "kpatrol"},
                              {"app.kubernetes.io/component", "node-collector"},
                              {kManagedByLabel, "kpatrol"},
                              {kNodeCollectorLabel, "true"},
                              {kRunLabel, spec.run_id}};
  const model::Json container = {
      {"name", "collect"},
      {"image", spec.image},
      {"imagePullPolicy", "IfNotPresent"},
      {"command",
       {"kpatrol", "collect", "node", "--host-root", "/host", "--node-name", spec.node, "--out",
        "-"}},
      {"resources",
       {{"requests", {{"cpu", "50m"}, {"memory", "64Mi"}}},
        {"limits", {{"cpu", "500m"}, {"memory", "256Mi"}}}}},
      // Root, to read root-only files of the host (kubelet PKI, sshd_config, shadow for
      // empty-password checks), but with every capability dropped except reading past file
      // permissions: nothing on the node can be written or signalled.
      {"securityContext",
       {{"runAsUser", 0},
        {"runAsNonRoot", false},
        {"privileged", false},
        {"allowPrivilegeEscalation", false},
        {"readOnlyRootFilesystem", true},
        {"capabilities", {{"drop", {"ALL"}}, {"add", {"DAC_READ_SEARCH"}}}},
        {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"volumeMounts", {{{"name", "host"}, {"mountPath", "/host"}, {"readOnly", true}}}}};
  model::Json pod_spec = {
      {"nodeName", spec.node},
      {"restartPolicy", "Never"},
      {"hostPID", true},
      {"automountServiceAccountToken", false},
      {"enableServiceLinks", false},
      // Every taint, NoExecute included: the node is collected whatever it is tainted with.
      {"tolerations", {{{"operator", "Exists"}}}},
      {"terminationGracePeriodSeconds", 5},
      {"containers", {container}},
      {"volumes", {{{"name", "host"}, {"hostPath", {{"path", "/"}, {"type", "Directory"}}}}}}};
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"metadata",
           {{"name", spec.job_name},
            {"namespace", spec.namespace_},
            {"labels", labels},
            {"annotations", {{kNodeAnnotation, spec.node}}}}},
          {"spec",
           {{"backoffLimit", 0},
            {"activeDeadlineSeconds", spec.deadline_seconds},
            // A safety net when the scanner dies before deleting it (the next run cleans too).
            {"ttlSecondsAfterFinished", 3600},
            {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod_spec}}}}}};
}

std::string nodeFactsLine(const model::Json& nodes, const model::Json& errors) {
  model::Json doc = {{"kind", "KpatrolNodeFacts"},
                     {"apiVersion", "kpatrol.io/v1"},
                     {"nodes", nodes},
                     {"errors", errors}};
  return doc.dump(-1, ' ', false, model::Json::error_handler_t::replace);
}

Result<NodeFactsDoc> parseNodeFactsLog(const std::string& log) {
  std::istringstream in(log);
  std::optional<NodeFactsDoc> found;
  std::string last;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    last = line;
    if (line.front() != '{' || line.find("KpatrolNodeFacts") == std::string::npos) continue;
    auto doc = model::Json::parse(line, nullptr, false);
    if (!doc.is_object() || model::stringAt(doc, {"kind"}) != "KpatrolNodeFacts") continue;
    const auto nodes = doc.find("nodes");
    if (nodes == doc.end() || !nodes->is_object()) continue;
    NodeFactsDoc out;
    out.nodes = std::move(*nodes);
    out.errors = model::Json::array();
    if (auto e = doc.find("errors"); e != doc.end() && e->is_array()) out.errors = std::move(*e);
    found = std::move(out);
  }
  if (found) return std::move(*found);
  if (last.size() > 300) last = last.substr(0, 300) + "...";
  return makeError(Errc::kParse, log.empty()
                                     ? "the pod log is empty (no facts line)"
                                     : "the pod log has no facts line; it ends: \"" + last + "\"");
}

NodeJobState nodeJobState(const model::Json& job, const model::Json* pod) {
  NodeJobState st;
  const model::Json* status = nullptr;
  if (auto it = job.find("status"); it != job.end() && it->is_object()) status = &*it;
  if (status != nullptr) {
    if (auto conds = status->find("conditions"); conds != status->end() && conds->is_array()) {
      for (const auto& c : *conds) {
        if (str(c, {"status"}) != "True") continue;
        const std::string type = str(c, {"type"});
        if (type == "Complete") {
          st.phase = NodeJobState::Phase::kSucceeded;
          return st;
        }
        if (type == "Failed") {
          st.phase = NodeJobState::Phase::kFailed;
          st.reason = "Job failed";
          const std::string reason = str(c, {"reason"});
          const std::string message = str(c, {"message"});
          if (!reason.empty()) st.reason += " (" + reason + ")";
          if (!message.empty()) st.reason += ": " + message;
        }
      }
    }
    if (st.phase == NodeJobState::Phase::kRunning) {
      if (num(*status, {"succeeded"}) > 0) {
        st.phase = NodeJobState::Phase::kSucceeded;
        return st;
      }
      if (num(*status, {"failed"}) > 0) {
        st.phase = NodeJobState::Phase::kFailed;
        st.reason = "Job failed";
      }
    }
  }
  const std::string detail = containerDetail(pod);
  if (!detail.empty()) {
    st.reason += st.reason.empty() ? detail : "; " + detail;
  }
  return st;
}

}  // namespace kpatrol::app
