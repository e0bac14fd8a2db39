// SPDX-License-Identifier: Apache-2.0
#include "discovery.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace kpatrol::collect::api {

const std::vector<KindSpec>& collectedKinds() {
  static const std::vector<KindSpec> kinds = {
      {"", "nodes", {"v1"}, false},
      {"", "namespaces", {"v1"}, false},
      {"", "pods", {"v1"}, true},
      {"apps", "deployments", {"v1"}, true},
      {"apps", "daemonsets", {"v1"}, true},
      {"apps", "statefulsets", {"v1"}, true},
      {"apps", "replicasets", {"v1"}, true},
      {"batch", "jobs", {"v1"}, true},
      {"batch", "cronjobs", {"v1", "v1beta1"}, true},
      {"", "services", {"v1"}, true},
      {"discovery.k8s.io", "endpointslices", {"v1", "v1beta1"}, true},
      {"networking.k8s.io", "ingresses", {"v1", "v1beta1"}, true},
      {"networking.k8s.io", "networkpolicies", {"v1"}, true},
      {"", "configmaps", {"v1"}, true},
      {"", "events", {"v1"}, true},
      {"", "persistentvolumes", {"v1"}, false},
      {"", "persistentvolumeclaims", {"v1"}, true},
      {"storage.k8s.io", "storageclasses", {"v1", "v1beta1"}, false},
      {"storage.k8s.io", "csidrivers", {"v1", "v1beta1"}, false},
      {"snapshot.storage.k8s.io", "volumesnapshotclasses", {"v1", "v1beta1"}, false},
      {"snapshot.storage.k8s.io", "volumesnapshots", {"v1", "v1beta1"}, true},
      {"rbac.authorization.k8s.io", "roles", {"v1"}, true},
      {"rbac.authorization.k8s.io", "clusterroles", {"v1"}, false},
      {"rbac.authorization.k8s.io", "rolebindings", {"v1"}, true},
      {"rbac.authorization.k8s.io", "clusterrolebindings", {"v1"}, false},
      {"", "serviceaccounts", {"v1"}, true},
      {"policy", "poddisruptionbudgets", {"v1", "v1beta1"}, true},
      {"", "resourcequotas", {"v1"}, true},
      {"", "limitranges", {"v1"}, true},
      {"admissionregistration.k8s.io", "validatingwebhookconfigurations", {"v1", "v1beta1"}, false},
      {"admissionregistration.k8s.io", "mutatingwebhookconfigurations", {"v1", "v1beta1"}, false},
      {"apiextensions.k8s.io", "customresourcedefinitions", {"v1", "v1beta1"}, false},
      {"apiregistration.k8s.io", "apiservices", {"v1", "v1beta1"}, false},
      {"coordination.k8s.io", "leases", {"v1"}, true},
  };
  return kinds;
}

Result<ServedGroups> parseDiscovery(std::string_view api_body, std::string_view apis_body) {
  ServedGroups served;
  const auto api = nlohmann::json::parse(api_body, nullptr, false);
  if (api.is_discarded() || !api.is_object() || !api.contains("versions") ||
      !api["versions"].is_array()) {
    return makeError(Errc::kParse, "GET /api did not return an APIVersions object");
  }
  for (const auto& v : api["versions"]) {
    if (v.is_string()) served[""].push_back(v.get<std::string>());
  }
  const auto apis = nlohmann::json::parse(apis_body, nullptr, false);
  if (apis.is_discarded() || !apis.is_object() || !apis.contains("groups") ||
      !apis["groups"].is_array()) {
    return makeError(Errc::kParse, "GET /apis did not return an APIGroupList object");
  }
  for (const auto& g : apis["groups"]) {
    if (!g.is_object() || !g.contains("name") || !g["name"].is_string()) continue;
    auto& versions = served[g["name"].get<std::string>()];
    if (auto vs = g.find("versions"); vs != g.end() && vs->is_array()) {
      for (const auto& v : *vs) {
        if (v.is_object() && v.contains("version") && v["version"].is_string()) {
          versions.push_back(v["version"].get<std::string>());
        }
      }
    }
  }
  return served;
}

std::vector<ListTarget> planTargets(const ServedGroups& served, const std::string& ns) {
  std::vector<ListTarget> out;
  for (const auto& k : collectedKinds()) {
    auto g = served.find(k.group);
    if (g == served.end()) continue;
    std::string version;
    for (const auto v : k.versions) {
      if (std::find(g->second.begin(), g->second.end(), v) != g->second.end()) {
        version = std::string(v);
        break;
      }
    }
    if (version.empty()) continue;
    ListTarget t;
    t.plural = std::string(k.plural);
    t.group_version = k.group.empty() ? version : std::string(k.group) + "/" + version;
    std::string base = k.group.empty() ? "/api/" + version : "/apis/" + t.group_version;
    std::string scope;
    if (k.plural == "configmaps") {
      scope = "kube-system";  // cluster configuration only, never application data
    } else if (k.namespaced && !ns.empty()) {
      scope = ns;
    }
    t.path = base + (scope.empty() ? "" : "/namespaces/" + scope) + "/" + t.plural;
    if (k.plural == "events") t.selector = "fieldSelector=type%3DWarning";
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<std::string>> parseResourceList(std::string_view body) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("resources") ||
      !doc["resources"].is_array()) {
    return makeError(Errc::kParse, "not an APIResourceList");
  }
  std::vector<std::string> out;
  for (const auto& r : doc["resources"]) {
    if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) continue;
    std::string name = r["name"].get<std::string>();
    if (name.find('/') == std::string::npos) out.push_back(std::move(name));
  }
  return out;
}

std::string groupVersionPath(const std::string& group_version) {
  return group_version.find('/') == std::string::npos ? "/api/" + group_version
                                                      : "/apis/" + group_version;
}

}  // namespace kpatrol::collect::api
