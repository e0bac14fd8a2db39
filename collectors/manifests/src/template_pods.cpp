// SPDX-License-Identifier: Apache-2.0
#include "template_pods.h"

#include <set>
#include <string>
#include <tuple>

#include "kpatrol/model/json_get.h"

namespace kpatrol::collect::manifests {
namespace {

using model::Json;

struct WorkloadKind {
  const char* plural;
  const char* kind;
  bool cronjob;
};
constexpr WorkloadKind kKinds[] = {{"deployments", "Deployment", false},
                                   {"statefulsets", "StatefulSet", false},
                                   {"daemonsets", "DaemonSet", false},
                                   {"replicasets", "ReplicaSet", false},
                                   {"jobs", "Job", false},
                                   {"cronjobs", "CronJob", true}};

const Json* path(const Json& j, std::initializer_list<const char*> keys) {
  return model::memberAt(j, keys);
}

std::string str(const Json& j, std::initializer_list<const char*> keys) {
  return model::stringAt(j, keys);
}

}  // namespace

std::size_t addTemplatePods(Json& objects) {
  // Owners that already have a Pod in the input: (namespace, kind, name).
  std::set<std::tuple<std::string, std::string, std::string>> owned;
  if (auto pods = objects.find("pods"); pods != objects.end() && pods->is_array()) {
    for (const auto& pod : *pods) {
      const Json* refs = path(pod, {"metadata", "ownerReferences"});
      if (refs == nullptr || !refs->is_array()) continue;
      for (const auto& r : *refs) {
        owned.emplace(str(pod, {"metadata", "namespace"}), str(r, {"kind"}), str(r, {"name"}));
      }
    }
  }
  Json made = Json::array();
  for (const auto& k : kKinds) {
    auto list = objects.find(k.plural);
    if (list == objects.end() || !list->is_array()) continue;
    for (const auto& w : *list) {
      const Json* tmpl = k.cronjob ? path(w, {"spec", "jobTemplate", "spec", "template"})
                                   : path(w, {"spec", "template"});
      const Json* containers = tmpl != nullptr ? path(*tmpl, {"spec", "containers"}) : nullptr;
      if (containers == nullptr || !containers->is_array() || containers->empty()) continue;
      const std::string ns = str(w, {"metadata", "namespace"});
      const std::string name = str(w, {"metadata", "name"});
      if (name.empty() || owned.contains({ns, k.kind, name})) continue;
      Json meta = Json::object();
      meta["name"] = name + "-template";
      meta["namespace"] = ns;
      const Json* labels = path(*tmpl, {"metadata", "labels"});
      meta["labels"] = labels != nullptr && labels->is_object() ? *labels : Json::object();
      const Json* annotations = path(*tmpl, {"metadata", "annotations"});
      meta["annotations"] =
          annotations != nullptr && annotations->is_object() ? *annotations : Json::object();
      meta["annotations"][kTemplateAnnotation] = std::string(k.kind) + "/" + name;
      meta["ownerReferences"] = Json::array({Json{{"apiVersion", str(w, {"apiVersion"})},
                                                  {"kind", k.kind},
                                                  {"name", name},
                                                  {"controller", true}}});
      made.push_back(Json{{"apiVersion", "v1"},
                          {"kind", "Pod"},
                          {"metadata", std::move(meta)},
                          {"spec", *path(*tmpl, {"spec"})}});
    }
  }
  const std::size_t n = made.size();
  if (n == 0) return 0;
  Json& pods = objects["pods"];
  if (!pods.is_array()) pods = Json::array();
  for (auto& p : made) pods.push_back(std::move(p));
  return n;
}

}  // namespace kpatrol::collect::manifests
