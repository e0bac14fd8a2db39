// SPDX-License-Identifier: Apache-2.0
#include "kinds.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace kpatrol::collect::manifests {

std::string guessPlural(const std::string& kind) {
  std::string lower = kind;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.empty()) return lower;
  const auto ends = [&](const char* suffix) {
    const std::string s(suffix);
    return lower.size() >= s.size() && lower.compare(lower.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh")) return lower + "es";
  if (ends("y") && lower.size() > 1 &&
      std::string("aeiou").find(lower[lower.size() - 2]) == std::string::npos) {
    return lower.substr(0, lower.size() - 1) + "ies";
  }
  return lower + "s";
}

KindInfo kindInfo(const std::string& kind) {
  static const std::map<std::string, std::pair<std::string, bool>> table = {
      {"Node", {"nodes", false}},
      {"Namespace", {"namespaces", false}},
      {"Pod", {"pods", true}},
      {"Deployment", {"deployments", true}},
      {"DaemonSet", {"daemonsets", true}},
      {"StatefulSet", {"statefulsets", true}},
      {"ReplicaSet", {"replicasets", true}},
      {"Job", {"jobs", true}},
      {"CronJob", {"cronjobs", true}},
      {"Service", {"services", true}},
      {"Endpoints", {"endpoints", true}},
      {"EndpointSlice", {"endpointslices", true}},
      {"Ingress", {"ingresses", true}},
      {"NetworkPolicy", {"networkpolicies", true}},
      {"ConfigMap", {"configmaps", true}},
      {"Secret", {"secrets", true}},
      {"Event", {"events", true}},
      {"PersistentVolume", {"persistentvolumes", false}},
      {"PersistentVolumeClaim", {"persistentvolumeclaims", true}},
      {"StorageClass", {"storageclasses", false}},
      {"CSIDriver", {"csidrivers", false}},
      {"VolumeSnapshotClass", {"volumesnapshotclasses", false}},
      {"Role", {"roles", true}},
      {"ClusterRole", {"clusterroles", false}},
      {"RoleBinding", {"rolebindings", true}},
      {"ClusterRoleBinding", {"clusterrolebindings", false}},
      {"ServiceAccount", {"serviceaccounts", true}},
      {"PodDisruptionBudget", {"poddisruptionbudgets", true}},
      {"ResourceQuota", {"resourcequotas", true}},
      {"LimitRange", {"limitranges", true}},
      {"ValidatingWebhookConfiguration", {"validatingwebhookconfigurations", false}},
      {"MutatingWebhookConfiguration", {"mutatingwebhookconfigurations", false}},
      {"CustomResourceDefinition", {"customresourcedefinitions", false}},
      {"APIService", {"apiservices", false}},
      {"Lease", {"leases", true}},
      {"HorizontalPodAutoscaler", {"horizontalpodautoscalers", true}},
      {"PriorityClass", {"priorityclasses", false}},
  };
  if (auto it = table.find(kind); it != table.end()) {
    return KindInfo{it->second.first, true, it->second.second};
  }
  return KindInfo{guessPlural(kind), false, false};
}

}  // namespace kpatrol::collect::manifests
