// SPDX-License-Identifier: Apache-2.0
#include "diagnose_rank.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>

namespace kpatrol::app::diagnose {

using model::Json;
using model::Status;

namespace {

// ---- small JSON helpers -------------------------------------------------------------------

const Json* at(const Json* v, std::string_view key) {
  if (v == nullptr || !v->is_object()) return nullptr;
  auto it = v->find(key);
  return it == v->end() ? nullptr : &*it;
}

std::string str(const Json* v, std::string_view key) {
  const Json* s = at(v, key);
  return s != nullptr && s->is_string() ? s->get<std::string>() : std::string();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const Json& items(const model::Snapshot& snap, std::string_view plural) {
  return snap.objectsJson(plural);
}

const Json* findObject(const model::Snapshot& snap, std::string_view plural, std::string_view ns,
                       std::string_view name) {
  for (const auto& o : items(snap, plural)) {
    const Json* md = at(&o, "metadata");
    if (str(md, "name") == name && str(md, "namespace") == ns) return &o;
  }
  return nullptr;
}

// matchLabels only (matchExpressions are not evaluated); an empty selector matches everything.
bool selectorMatches(const Json* selector, const Json* labels) {
  if (selector == nullptr || !selector->is_object()) return true;
  const Json* ml = at(selector, "matchLabels");
  if (ml == nullptr || !ml->is_object()) return true;
  for (const auto& [k, v] : ml->items()) {
    const Json* have = at(labels, k);
    if (have == nullptr || *have != v) return false;
  }
  return true;
}

std::optional<std::uint32_t> parseIpv4(std::string_view s) {
  std::uint32_t out = 0;
  int parts = 0;
  while (!s.empty() && parts < 4) {
    auto dot = s.find('.');
    std::string_view part = s.substr(0, dot);
    unsigned v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || p != part.data() + part.size() || v > 255 || part.empty())
      return std::nullopt;
    out = (out << 8) | v;
    ++parts;
    if (dot == std::string_view::npos) {
      s = {};
    } else {
      s.remove_prefix(dot + 1);
      if (s.empty()) return std::nullopt;
    }
  }
  if (parts != 4 || !s.empty()) return std::nullopt;
  return out;
}

bool cidrContains(std::string_view cidr, std::string_view ip) {
  auto slash = cidr.find('/');
  auto net = parseIpv4(cidr.substr(0, slash));
  auto addr = parseIpv4(ip);
  if (!net || !addr) return false;
  int bits = 32;
  if (slash != std::string_view::npos) {
    auto rest = cidr.substr(slash + 1);
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), bits);
    if (ec != std::errc() || bits < 0 || bits > 32) return false;
  }
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (*net & mask) == (*addr & mask);
}

// ---- the question's endpoints (network) ---------------------------------------------------

struct Endpoint {
  std::string text;
  std::string ip;                     // the address traffic uses, when known
  const Json* pod = nullptr;          // a Pod
  const Json* service = nullptr;      // a Service (the pods are its selected pods)
  std::string node;                   // a node name (the node itself, or the pod's node)
  std::vector<const Json*> backends;  // Pods behind a Service, or the pod itself
};

std::string podId(const Json& pod) {
  const Json* md = at(&pod, "metadata");
  return "pod/" + str(md, "namespace") + "/" + str(md, "name");
}

bool podReady(const Json& pod) {
  const Json* conds = at(at(&pod, "status"), "conditions");
  if (conds == nullptr || !conds->is_array()) return false;
  for (const auto& c : *conds) {
    if (str(&c, "type") == "Ready") return str(&c, "status") == "True";
  }
  return false;
}

std::vector<const Json*> selectedPods(const model::Snapshot& snap, const Json& service) {
  std::vector<const Json*> out;
  const Json* sel = at(at(&service, "spec"), "selector");
  if (sel == nullptr || !sel->is_object() || sel->empty()) return out;
  const std::string ns = str(at(&service, "metadata"), "namespace");
  for (const auto& p : items(snap, "pods")) {
    const Json* md = at(&p, "metadata");
    if (str(md, "namespace") != ns) continue;
    const std::string phase = str(at(&p, "status"), "phase");
    if (phase == "Succeeded" || phase == "Failed") continue;
    bool ok = true;
    for (const auto& [k, v] : sel->items()) {
      const Json* have = at(at(md, "labels"), k);
      if (have == nullptr || *have != v) ok = false;
    }
    if (ok) out.push_back(&p);
  }
  return out;
}

Result<Endpoint> resolveEndpoint(const model::Snapshot& snap, const std::string& text) {
  Endpoint e;
  e.text = text;
  // svc/NS/NAME
  if (text.rfind("svc/", 0) == 0 || text.rfind("service/", 0) == 0) {
    auto rest = text.substr(text.find('/') + 1);
    auto slash = rest.find('/');
    if (slash == std::string::npos)
      return makeError(Errc::kInvalidArgument, "expected svc/NAMESPACE/NAME, got " + text);
    e.service = findObject(snap, "services", rest.substr(0, slash), rest.substr(slash + 1));
    if (e.service == nullptr)
      return makeError(Errc::kNotFound, "service " + rest + " is not in the snapshot");
    e.ip = str(at(e.service, "spec"), "clusterIP");
    e.backends = selectedPods(snap, *e.service);
    return e;
  }
  // NS/POD
  if (auto slash = text.find('/'); slash != std::string::npos) {
    e.pod = findObject(snap, "pods", text.substr(0, slash), text.substr(slash + 1));
    if (e.pod == nullptr)
      return makeError(Errc::kNotFound, "pod " + text + " is not in the snapshot");
    e.ip = str(at(e.pod, "status"), "podIP");
    e.node = str(at(e.pod, "spec"), "nodeName");
    e.backends = {e.pod};
    return e;
  }
  if (parseIpv4(text)) {
    e.ip = text;
    for (const auto& s : items(snap, "services")) {
      if (str(at(&s, "spec"), "clusterIP") == text) {
        e.service = &s;
        e.backends = selectedPods(snap, s);
        return e;
      }
    }
    for (const auto& p : items(snap, "pods")) {
      const Json* spec = at(&p, "spec");
      const Json* hn = at(spec, "hostNetwork");
      if (hn != nullptr && hn->is_boolean() && hn->get<bool>()) continue;  // that is the node
      const std::string phase = str(at(&p, "status"), "phase");
      if (phase == "Succeeded" || phase == "Failed") continue;
      if (str(at(&p, "status"), "podIP") == text) {
        e.pod = &p;
        e.node = str(spec, "nodeName");
        e.backends = {&p};
        return e;
      }
    }
  }
  for (const auto& n : items(snap, "nodes")) {
    const std::string name = str(at(&n, "metadata"), "name");
    bool match = name == text;
    const Json* addrs = at(at(&n, "status"), "addresses");
    if (addrs != nullptr && addrs->is_array()) {
      for (const auto& a : *addrs) {
        if (str(&a, "address") == text) match = true;
        if (name == text && str(&a, "type") == "InternalIP") e.ip = str(&a, "address");
      }
    }
    if (match) {
      e.node = name;
      if (e.ip.empty()) e.ip = text;
      return e;
    }
  }
  if (parseIpv4(text)) return e;  // an address outside the cluster: no subject, still a path end
  return makeError(Errc::kNotFound,
                   "'" + text +
                       "' is not a pod (NS/NAME), service (svc/NS/NAME), node or IP of the "
                       "snapshot");
}

// Whether a NetworkPolicy peer admits `other` (a pod, a node or an outside address).
bool peerMatches(const model::Snapshot& snap, const Json& peer, const std::string& policy_ns,
                 const Endpoint& other, const Json* other_pod) {
  if (const Json* block = at(&peer, "ipBlock")) {
    if (other.ip.empty() || !cidrContains(str(block, "cidr"), other.ip)) return false;
    if (const Json* except = at(block, "except"); except != nullptr && except->is_array()) {
      for (const auto& x : *except) {
        if (x.is_string() && cidrContains(x.get<std::string>(), other.ip)) return false;
      }
    }
    return true;
  }
  if (other_pod == nullptr) return false;  // pod and namespace selectors only select pods
  const Json* md = at(other_pod, "metadata");
  const std::string ns = str(md, "namespace");
  const Json* ns_sel = at(&peer, "namespaceSelector");
  if (ns_sel != nullptr) {
    const Json* ns_obj = findObject(snap, "namespaces", "", ns);
    Json labels = ns_obj != nullptr && at(at(ns_obj, "metadata"), "labels") != nullptr
                      ? *at(at(ns_obj, "metadata"), "labels")
                      : Json::object();
    labels["kubernetes.io/metadata.name"] = ns;
    if (!selectorMatches(ns_sel, &labels)) return false;
  } else if (ns != policy_ns) {
    return false;
  }
  return selectorMatches(at(&peer, "podSelector"), at(md, "labels"));
}

bool portMatches(const Json* ports, int port) {
  if (ports == nullptr || !ports->is_array() || ports->empty()) return true;
  for (const auto& p : *ports) {
    const Json* v = at(&p, "port");
    if (v == nullptr) return true;    // all ports of the protocol
    if (v->is_string()) return true;  // a named port: assume it may match
    if (v->is_number_integer()) {
      const int lo = v->get<int>();
      const Json* end = at(&p, "endPort");
      const int hi = end != nullptr && end->is_number_integer() ? end->get<int>() : lo;
      if (port >= lo && port <= hi) return true;
    }
  }
  return false;
}

bool hasPolicyType(const Json& spec, const std::string& type) {
  const Json* types = at(&spec, "policyTypes");
  if (types == nullptr || !types->is_array() || types->empty()) {
    return type == "Ingress" || at(&spec, "egress") != nullptr;
  }
  return std::any_of(types->begin(), types->end(),
                     [&](const Json& t) { return t.is_string() && t.get<std::string>() == type; });
}

// The policies of `pod`'s namespace that isolate it for `direction`, and whether any admits
// the peer on the port. Returns the isolating policy names when none admits it.
std::vector<std::string> deniedBy(const model::Snapshot& snap, const Json& pod,
                                  const std::string& direction, const Endpoint& other,
                                  const Json* other_pod, int port) {
  std::vector<std::string> isolating;
  const Json* md = at(&pod, "metadata");
  const std::string ns = str(md, "namespace");
  const char* rules_key = direction == "Ingress" ? "ingress" : "egress";
  const char* peers_key = direction == "Ingress" ? "from" : "to";
  for (const auto& np : items(snap, "networkpolicies")) {
    const Json* np_md = at(&np, "metadata");
    if (str(np_md, "namespace") != ns) continue;
    const Json* spec = at(&np, "spec");
    if (spec == nullptr || !hasPolicyType(*spec, direction)) continue;
    if (!selectorMatches(at(spec, "podSelector"), at(md, "labels"))) continue;
    isolating.push_back(str(np_md, "name"));
    const Json* rules = at(spec, rules_key);
    if (rules == nullptr || !rules->is_array()) continue;
    for (const auto& r : *rules) {
      if (!portMatches(at(&r, "ports"), port)) continue;
      const Json* peers = at(&r, peers_key);
      if (peers == nullptr || !peers->is_array() || peers->empty()) return {};
      for (const auto& peer : *peers) {
        if (peerMatches(snap, peer, ns, other, other_pod)) return {};
      }
    }
  }
  return isolating;
}

// The Pod port a Service port forwards to: targetPort as a number, or a named port looked up in
// the first backend's containers; the Service port itself when unset or unresolved.
int targetPort(const Json& service_port, const std::vector<const Json*>& backends, int port) {
  const Json* t = at(&service_port, "targetPort");
  if (t == nullptr) return port;
  if (t->is_number_integer()) return t->get<int>();
  if (!t->is_string() || backends.empty()) return port;
  const Json* containers = at(at(backends.front(), "spec"), "containers");
  if (containers == nullptr || !containers->is_array()) return port;
  for (const auto& c : *containers) {
    const Json* cports = at(&c, "ports");
    if (cports == nullptr || !cports->is_array()) continue;
    for (const auto& cp : *cports) {
      const Json* n = at(&cp, "containerPort");
      if (str(&cp, "name") == t->get<std::string>() && n != nullptr && n->is_number_integer()) {
        return n->get<int>();
      }
    }
  }
  return port;
}

void addPathCauses(const model::Snapshot& snap, const Question& q, const Endpoint& src,
                   const Endpoint& dst, Relevance& rel) {
  using PC = Relevance::PathCause;
  // NetworkPolicies see the Pod port: a Service port is translated to its targetPort.
  int policy_port = q.port;
  if (dst.service != nullptr) {
    const Json* md = at(dst.service, "metadata");
    const std::string id = "service/" + str(md, "namespace") + "/" + str(md, "name");
    const Json* ports = at(at(dst.service, "spec"), "ports");
    bool port_ok = false;
    Json listed = Json::array();
    if (ports != nullptr && ports->is_array()) {
      for (const auto& p : *ports) {
        const Json* v = at(&p, "port");
        if (v != nullptr && v->is_number_integer()) {
          listed.push_back(v->get<int>());
          if (v->get<int>() == q.port) {
            port_ok = true;
            policy_port = targetPort(p, dst.backends, q.port);
          }
        }
      }
    }
    if (!port_ok) {
      PC c{"path/service-port",
           id,
           Status::kFail,
           model::Severity::kHigh,
           "The Service exposes the port",
           "Service 暴露了目标端口",
           "service " + str(md, "namespace") + "/" + str(md, "name") + " has no port " +
               std::to_string(q.port),
           "Connect to one of the Service's ports, or add the port to spec.ports.",
           "访问 Service 已声明的端口，或在 spec.ports 中添加该端口。",
           Json::object()};
      c.evidence = {{"port", q.port}, {"service_ports", listed}};
      rel.path.push_back(std::move(c));
    }
    std::size_t ready = 0;
    for (const Json* p : dst.backends) ready += podReady(*p) ? 1 : 0;
    if (ready == 0) {
      PC c{"path/service-endpoints",
           id,
           Status::kFail,
           model::Severity::kHigh,
           "The Service has ready endpoints",
           "Service 有就绪的后端 Pod",
           "service " + str(md, "namespace") + "/" + str(md, "name") + " selects " +
               std::to_string(dst.backends.size()) + " pods, none of them Ready",
           "Check the Service's selector against the Pods' labels (kubectl get endpointslices), "
           "then why the selected Pods are not Ready.",
           "核对 Service 的 selector 与 Pod 标签（kubectl get endpointslices），再排查后端 Pod "
           "未就绪的原因。",
           Json::object()};
      c.evidence = {{"selected_pods", dst.backends.size()}, {"ready_pods", 0}};
      rel.path.push_back(std::move(c));
    }
  }
  for (const Json* pod : dst.backends) {
    auto denied = deniedBy(snap, *pod, "Ingress", src, src.pod, policy_port);
    if (denied.empty()) continue;
    Json names = denied;
    PC c{"path/networkpolicy-ingress",
         podId(*pod),
         Status::kFail,
         model::Severity::kHigh,
         "NetworkPolicies admit the traffic",
         "网络策略（NetworkPolicy）放行该流量",
         "ingress to " + podId(*pod).substr(4) + " on port " + std::to_string(policy_port) +
             " from " + src.text + " is not allowed by the NetworkPolicies that isolate it",
         "Add an ingress rule for the source (podSelector/namespaceSelector/ipBlock) and port to "
         "one of the listed policies.",
         "在列出的网络策略中为该来源（podSelector/namespaceSelector/ipBlock）和端口添加 ingress "
         "放行规则。",
         Json::object()};
    c.evidence = {{"policies", names}, {"port", policy_port}, {"source", src.text}};
    rel.path.push_back(std::move(c));
    break;  // one is enough: the other replicas share the labels
  }
  if (src.pod != nullptr) {
    // Egress to a Service is checked against the backends (policies see the DNATed address).
    const Json* to_pod = dst.backends.empty() ? nullptr : dst.backends.front();
    Endpoint to = dst;
    if (to_pod != nullptr) to.ip = str(at(to_pod, "status"), "podIP");
    auto denied = deniedBy(snap, *src.pod, "Egress", to, to_pod, policy_port);
    if (!denied.empty()) {
      Json names = denied;
      PC c{"path/networkpolicy-egress",
           podId(*src.pod),
           Status::kFail,
           model::Severity::kHigh,
           "NetworkPolicies admit the traffic",
           "网络策略（NetworkPolicy）放行该流量",
           "egress from " + src.text + " to " + dst.text + " port " + std::to_string(q.port) +
               " is not allowed by the NetworkPolicies that isolate the source",
           "Add an egress rule for the destination and port to one of the listed policies.",
           "在列出的网络策略中为该目的地址和端口添加 egress 放行规则。",
           Json::object()};
      c.evidence = {{"policies", names}, {"port", q.port}, {"destination", dst.text}};
      rel.path.push_back(std::move(c));
    }
  }
  for (const Json* pod : dst.backends) {
    if (dst.service != nullptr) break;  // covered by the endpoint check
    if (!podReady(*pod)) {
      PC c{"path/destination-ready",
           podId(*pod),
           Status::kFail,
           model::Severity::kHigh,
           "The destination Pod is Ready",
           "目的 Pod 处于就绪状态",
           "destination " + podId(*pod).substr(4) + " is not Ready (phase " +
               str(at(pod, "status"), "phase") + ")",
           "Follow the Pod findings below (kubectl describe pod).",
           "参考下方该 Pod 的检查结果（kubectl describe pod）。",
           Json::object()};
      rel.path.push_back(std::move(c));
    }
  }
}

// Owners of a pod, walking ReplicaSet -> Deployment and Job -> CronJob.
void addOwners(const model::Snapshot& snap, const Json& obj, const std::string& ns, Relevance& rel,
               int depth) {
  const Json* refs = at(at(&obj, "metadata"), "ownerReferences");
  if (refs == nullptr || !refs->is_array() || depth > 3) return;
  for (const auto& r : *refs) {
    const std::string kind = str(&r, "kind");
    const std::string name = str(&r, "name");
    if (kind.empty() || name.empty()) continue;
    const std::string id = lower(kind) + "/" + ns + "/" + name;
    rel.subjects.emplace(id, Relation::kWorkload);
    rel.context.push_back(lower(kind) + " " + ns + "/" + name);
    static const std::map<std::string, std::string> kPlural = {{"ReplicaSet", "replicasets"},
                                                               {"Job", "jobs"},
                                                               {"Deployment", "deployments"},
                                                               {"StatefulSet", "statefulsets"},
                                                               {"DaemonSet", "daemonsets"}};
    if (auto it = kPlural.find(kind); it != kPlural.end()) {
      if (const Json* owner = findObject(snap, it->second, ns, name)) {
        addOwners(snap, *owner, ns, rel, depth + 1);
      }
    }
  }
}

bool isDaemonSetPod(const Json& pod) {
  const Json* refs = at(at(&pod, "metadata"), "ownerReferences");
  if (refs == nullptr || !refs->is_array()) return false;
  return std::any_of(refs->begin(), refs->end(),
                     [](const Json& r) { return str(&r, "kind") == "DaemonSet"; });
}

bool isCoreDnsPod(const Json& pod) {
  const Json* md = at(&pod, "metadata");
  return str(md, "namespace") == "kube-system" && str(at(md, "labels"), "k8s-app") == "kube-dns";
}

void addNodeAgents(const model::Snapshot& snap, const std::string& node, Relevance& rel) {
  if (node.empty()) return;
  rel.subjects.emplace("node/" + node, Relation::kNode);
  for (const auto& p : items(snap, "pods")) {
    if (str(at(&p, "spec"), "nodeName") != node) continue;
    if (str(at(&p, "metadata"), "namespace") == "kube-system" && isDaemonSetPod(p)) {
      rel.subjects.emplace(podId(p), Relation::kSystemPod);
    }
  }
}

void addCoreDns(const model::Snapshot& snap, Relevance& rel) {
  for (const auto& p : items(snap, "pods")) {
    if (isCoreDnsPod(p)) rel.subjects.emplace(podId(p), Relation::kDnsPod);
  }
}

template <typename Range>
bool hasTagIn(const engine::RuleMeta* rule, const Range& tags) {
  if (rule == nullptr) return false;
  for (const auto& t : rule->tags) {
    for (std::string_view want : tags) {
      if (t == want) return true;
    }
  }
  return false;
}

bool hasTag(const engine::RuleMeta* rule, std::initializer_list<std::string_view> tags) {
  return hasTagIn(rule, tags);
}

constexpr std::array<std::string_view, 6> kNetworkTags = {"network", "conntrack", "kube-proxy",
                                                          "cni",     "cidr",      "networkpolicy"};
constexpr std::array<std::string_view, 5> kComponentTags = {"runtime", "kubelet", "certificates",
                                                            "time", "node-component"};

// The stage of the question's flow a finding falls into.
std::string stageOf(Kind kind, Relation r, const engine::RuleMeta* rule) {
  const bool net = hasTagIn(rule, kNetworkTags);
  const bool comp = hasTagIn(rule, kComponentTags);
  switch (kind) {
    case Kind::kPod:
      switch (r) {
        case Relation::kTarget:
        case Relation::kWorkload:
          return "pod";
        case Relation::kNode:
          return net ? "network" : comp ? "node-component" : "node";
        case Relation::kSystemPod:
          return "node-component";
        case Relation::kCluster:
          return net ? "network" : "cluster-component";
        default:
          return "cluster-component";
      }
    case Kind::kNode:
      switch (r) {
        case Relation::kTarget:
        case Relation::kNode:
          return net ? "network" : comp ? "node-component" : "node";
        case Relation::kSystemPod:
          return "node-component";
        case Relation::kNodePod:
          return "pods";
        case Relation::kCluster:
          return net ? "network" : "cluster-component";
        default:
          return "cluster-component";
      }
    case Kind::kDns:
      if (hasTag(rule, {"dns-resolution"})) return "resolution";
      if (hasTag(rule, {"dns-client"})) return "client";
      if (r == Relation::kDnsPod || hasTag(rule, {"dns-coredns"})) return "coredns";
      if (hasTag(rule, {"dns-nodelocal"})) return "nodelocal";
      if (hasTag(rule, {"dns-config", "dns"})) return "coredns-config";
      return "network";
    case Kind::kNetwork:
      switch (r) {
        case Relation::kSource:
          return "source";
        case Relation::kDestination:
        case Relation::kWorkload:
          return "destination";
        case Relation::kNode:
        case Relation::kSystemPod:
          return "node-network";
        default:
          return "cluster-network";
      }
  }
  return "other";
}

int statusRank(Status s) {
  switch (s) {
    case Status::kFail:
      return 0;
    case Status::kWarn:
      return 1;
    default:
      return 2;
  }
}

int relationRank(Relation r) {
  switch (r) {
    case Relation::kTarget:
    case Relation::kSource:
      return 0;
    case Relation::kDestination:
    case Relation::kDnsPod:
      return 1;
    case Relation::kWorkload:
      return 2;
    case Relation::kNode:
      return 3;
    case Relation::kSystemPod:
      return 4;
    case Relation::kNodePod:
      return 5;
    case Relation::kCluster:
      return 6;
  }
  return 7;
}

}  // namespace

const char* kindName(Kind kind) noexcept {
  switch (kind) {
    case Kind::kNode:
      return "node";
    case Kind::kPod:
      return "pod";
    case Kind::kDns:
      return "dns";
    case Kind::kNetwork:
      return "network";
  }
  return "?";
}

Result<Question> parseQuestion(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "diagnose takes one question: node NAME | pod NAMESPACE/NAME | dns | network SRC DST PORT";
  if (args.empty()) return makeError(Errc::kInvalidArgument, kUsage);
  Question q;
  const std::string& what = args[0];
  if (what == "node" && args.size() == 2 && !args[1].empty()) {
    q.kind = Kind::kNode;
    q.node = args[1];
    return q;
  }
  if (what == "pod" && args.size() == 2) {
    auto slash = args[1].find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == args[1].size()) {
      return makeError(Errc::kInvalidArgument,
                       "diagnose pod: expected NAMESPACE/NAME, got '" + args[1] + "'");
    }
    q.kind = Kind::kPod;
    q.ns = args[1].substr(0, slash);
    q.name = args[1].substr(slash + 1);
    return q;
  }
  if (what == "dns" && args.size() == 1) {
    q.kind = Kind::kDns;
    return q;
  }
  if (what == "network" && args.size() == 4) {
    q.kind = Kind::kNetwork;
    q.src = args[1];
    q.dst = args[2];
    int port = 0;
    auto [p, ec] = std::from_chars(args[3].data(), args[3].data() + args[3].size(), port);
    if (ec != std::errc() || p != args[3].data() + args[3].size() || port < 1 || port > 65535) {
      return makeError(Errc::kInvalidArgument,
                       "diagnose network: PORT must be 1-65535, got '" + args[3] + "'");
    }
    q.port = port;
    return q;
  }
  return makeError(Errc::kInvalidArgument, kUsage);
}

Result<Relevance> relate(const Question& q, const model::Snapshot& snap) {
  Relevance rel;
  rel.subjects.emplace("cluster", Relation::kCluster);
  switch (q.kind) {
    case Kind::kPod: {
      const Json* pod = findObject(snap, "pods", q.ns, q.name);
      if (pod == nullptr) {
        return makeError(Errc::kNotFound, "pod " + q.ns + "/" + q.name + " is not in the snapshot");
      }
      rel.subjects["pod/" + q.ns + "/" + q.name] = Relation::kTarget;
      rel.subjects.emplace("namespace/" + q.ns, Relation::kWorkload);
      const std::string node = str(at(pod, "spec"), "nodeName");
      rel.context.push_back(node.empty() ? "not scheduled" : "node " + node);
      addOwners(snap, *pod, q.ns, rel, 0);
      addNodeAgents(snap, node, rel);
      const std::string policy = str(at(pod, "spec"), "dnsPolicy");
      rel.dns = policy != "Default" && !isCoreDnsPod(*pod);
      if (rel.dns) addCoreDns(snap, rel);
      break;
    }
    case Kind::kNode: {
      bool known = snap.nodeFacts(q.node).valid();
      for (const auto& n : items(snap, "nodes")) {
        if (str(at(&n, "metadata"), "name") == q.node) known = true;
      }
      if (!known) return makeError(Errc::kNotFound, "node " + q.node + " is not in the snapshot");
      addNodeAgents(snap, q.node, rel);
      rel.subjects["node/" + q.node] = Relation::kTarget;
      std::size_t pods = 0;
      for (const auto& p : items(snap, "pods")) {
        if (str(at(&p, "spec"), "nodeName") != q.node) continue;
        ++pods;
        rel.subjects.emplace(podId(p), Relation::kNodePod);
      }
      rel.context.push_back(std::to_string(pods) + " pods");
      break;
    }
    case Kind::kDns: {
      rel.dns = true;
      addCoreDns(snap, rel);
      for (const auto& n : items(snap, "nodes")) {
        rel.subjects.emplace("node/" + str(at(&n, "metadata"), "name"), Relation::kNode);
      }
      break;
    }
    case Kind::kNetwork: {
      auto src = resolveEndpoint(snap, q.src);
      if (!src) return std::move(src).error();
      auto dst = resolveEndpoint(snap, q.dst);
      if (!dst) return std::move(dst).error();
      for (const auto* e : {&*src, &*dst}) {
        const Relation self = e == &*src ? Relation::kSource : Relation::kDestination;
        if (e->pod != nullptr) {
          rel.subjects[podId(*e->pod)] = self;
          addOwners(snap, *e->pod, str(at(e->pod, "metadata"), "namespace"), rel, 0);
        }
        for (const Json* b : e->backends) {
          rel.subjects.emplace(podId(*b), self);
          addNodeAgents(snap, str(at(b, "spec"), "nodeName"), rel);
        }
        if (!e->node.empty()) {
          addNodeAgents(snap, e->node, rel);
          if (e->pod == nullptr) rel.subjects["node/" + e->node] = self;
        }
        std::string what = e->text;
        if (e->service != nullptr) {
          const Json* md = at(e->service, "metadata");
          what = "service " + str(md, "namespace") + "/" + str(md, "name") + " (" +
                 std::to_string(e->backends.size()) + " pods)";
        } else if (e->pod != nullptr) {
          what = "pod " + podId(*e->pod).substr(4) + " on " + (e->node.empty() ? "-" : e->node);
        } else if (!e->node.empty()) {
          what = "node " + e->node;
        }
        rel.context.push_back((e == &*src ? "from " : "to ") + what);
      }
      addPathCauses(snap, q, *src, *dst, rel);
      break;
    }
  }
  return rel;
}

bool ruleRelevant(const Question& q, const Relevance& rel, const engine::RuleMeta& rule) {
  using model::Scope;
  switch (q.kind) {
    case Kind::kPod:
      if (rule.scope != Scope::kCluster) return true;
      return hasTagIn(&rule, kNetworkTags) || hasTag(&rule, {"addon", "storage"}) ||
             (rel.dns && hasTag(&rule, {"dns"}));
    case Kind::kNode:
      // Pods on the node matter for their state (crashes, OOM, pulls), not their configuration.
      if (rule.scope == Scope::kPod) return !hasTag(&rule, {"config-inspection"});
      if (rule.scope == Scope::kNode) return true;
      if (rule.scope == Scope::kCluster)
        return hasTagIn(&rule, kNetworkTags) || hasTag(&rule, {"addon"});
      return false;
    case Kind::kDns:
      return rule.scope == Scope::kPod || hasTag(&rule, {"dns", "conntrack", "kube-proxy"});
    case Kind::kNetwork:
      if (rule.scope == Scope::kPod && hasTag(&rule, {"config-inspection"})) {
        return hasTagIn(&rule, kNetworkTags);  // hostNetwork, hostPort
      }
      if (rule.scope != Scope::kCluster) return true;
      return hasTagIn(&rule, kNetworkTags);
  }
  return false;
}

bool runsWide(const Question& q, const engine::RuleMeta& rule) {
  if (rule.scope == model::Scope::kCluster) return true;
  if (q.kind != Kind::kDns) return false;
  return rule.scope == model::Scope::kNode || hasTag(&rule, {"dns"});
}

Json narrowDocument(const model::Snapshot& snap, const Relevance& rel) {
  static const std::map<std::string, std::string, std::less<>> kFiltered = {
      {"pods", ""},
      {"nodes", ""},
      {"deployments", "deployment"},
      {"replicasets", "replicaset"},
      {"statefulsets", "statefulset"},
      {"daemonsets", "daemonset"},
      {"jobs", "job"},
      {"cronjobs", "cronjob"}};
  const auto& m = snap.meta();
  Json doc = {{"meta",
               {{"created_at", m.created_at},
                {"cluster",
                 {{"name", m.cluster_name},
                  {"uid", m.cluster_uid},
                  {"version", m.cluster_version},
                  {"flavour", m.flavour}}}}}};
  Json objects = Json::object();
  for (const auto& kind : snap.kinds()) {
    const Json& list = items(snap, kind);
    auto f = kFiltered.find(kind);
    if (f == kFiltered.end()) {
      objects[kind] = list;
      continue;
    }
    Json kept = Json::array();
    for (const auto& o : list) {
      const Json* md = at(&o, "metadata");
      std::string id;
      if (kind == "pods") {
        id = podId(o);
      } else if (kind == "nodes") {
        id = "node/" + str(md, "name");
      } else {
        id = f->second + "/" + str(md, "namespace") + "/" + str(md, "name");
      }
      if (rel.subjects.count(id) != 0) kept.push_back(o);
    }
    objects[kind] = std::move(kept);
  }
  doc["objects"] = std::move(objects);
  Json nodes = Json::object();
  for (const auto& [id, r] : rel.subjects) {
    if (id.rfind("node/", 0) != 0) continue;
    const std::string name = id.substr(5);
    if (const model::JsonView facts = snap.nodeFacts(name)) nodes[name] = facts.toJson();
  }
  doc["nodes"] = std::move(nodes);
  Json errors = Json::array();
  for (const auto& e : snap.errors()) {
    errors.push_back(
        {{"subject", e.subject}, {"fact", e.fact}, {"source", e.source}, {"message", e.message}});
  }
  doc["errors"] = std::move(errors);
  return doc;
}

std::vector<Stage> flow(Kind kind) {
  switch (kind) {
    case Kind::kPod:
      return {{"pod", "Pod", "Pod"},
              {"node", "Node", "节点"},
              {"network", "Network", "网络"},
              {"node-component", "Node components", "节点组件"},
              {"cluster-component", "Cluster components", "集群组件"}};
    case Kind::kNode:
      return {{"node", "Node", "节点"},
              {"network", "Network", "网络"},
              {"node-component", "Node components", "节点组件"},
              {"cluster-component", "Cluster components", "集群组件"},
              {"pods", "Pods on the node", "节点上的 Pod"}};
    case Kind::kDns:
      return {{"resolution", "Resolution from the nodes", "节点域名解析"},
              {"client", "Client DNS configuration", "客户端 DNS 配置"},
              {"coredns", "CoreDNS Pods and capacity", "CoreDNS 副本与容量"},
              {"coredns-config", "CoreDNS configuration", "CoreDNS 配置"},
              {"network", "Conntrack and kube-proxy", "conntrack 与 kube-proxy"},
              {"nodelocal", "NodeLocal DNSCache", "NodeLocal DNSCache"}};
    case Kind::kNetwork:
      return {{"path", "Access path", "访问路径"},
              {"source", "Source", "源端"},
              {"destination", "Destination", "目的端"},
              {"node-network", "Node network", "节点网络"},
              {"cluster-network", "Cluster network", "集群网络"}};
  }
  return {};
}

std::vector<Cause> rank(const Question& q, const Relevance& rel,
                        const std::vector<model::Finding>& findings, const engine::RuleSet& rules) {
  const auto stages = flow(q.kind);
  auto stageIndex = [&](const std::string& id) {
    for (std::size_t i = 0; i < stages.size(); ++i) {
      if (stages[i].id == id) return i;
    }
    return stages.size();
  };
  struct Keyed {
    std::tuple<int, std::size_t, int, int, std::string, std::string> key;
    Cause cause;
  };
  std::vector<Keyed> out;
  auto push = [&](Cause c, Relation r) {
    const std::size_t si = stageIndex(c.stage);
    if (si < stages.size()) {
      c.stage_en = stages[si].title_en;
      c.stage_zh = stages[si].title_zh;
    }
    out.push_back({{statusRank(c.status), si, relationRank(r), static_cast<int>(c.severity),
                    c.rule_id, c.subject},
                   std::move(c)});
  };
  for (const auto& p : rel.path) {
    Cause c{"path",     "",         "",         p.id,      p.subject,        p.status,
            p.severity, p.title_en, p.title_zh, p.message, p.remediation_en, p.remediation_zh,
            p.evidence};
    push(std::move(c), Relation::kTarget);
  }
  for (const auto& f : findings) {
    if (f.status != Status::kFail && f.status != Status::kWarn && f.status != Status::kError) {
      continue;
    }
    const engine::RuleMeta* rule = rules.find(f.rule_id);
    Relation r = Relation::kCluster;
    if (auto it = rel.subjects.find(f.subject); it != rel.subjects.end()) {
      r = it->second;
    } else if (q.kind == Kind::kDns && hasTag(rule, {"dns", "conntrack", "kube-proxy"})) {
      r = f.scope == model::Scope::kNode ? Relation::kNode : Relation::kCluster;
    } else {
      continue;
    }
    if (f.subject == "cluster" && rule != nullptr && !ruleRelevant(q, rel, *rule)) continue;
    Cause c;
    c.stage = stageOf(q.kind, r, rule);
    c.rule_id = f.rule_id;
    c.subject = f.subject;
    c.status = f.status;
    c.severity = f.severity;
    c.message = f.message;
    c.evidence = f.evidence;
    if (rule != nullptr) {
      c.title_en = rule->title_en;
      c.title_zh = rule->title_zh;
      c.remediation_en = rule->remediation_en;
      c.remediation_zh = rule->remediation_zh;
    }
    push(std::move(c), r);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
  std::vector<Cause> causes;
  causes.reserve(out.size());
  for (auto& k : out) causes.push_back(std::move(k.cause));
  return causes;
}

}  // namespace kpatrol::app::diagnose
