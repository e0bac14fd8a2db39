// SPDX-License-Identifier: Apache-2.0
#include "flavour.h"

#include <cctype>

#include "kpatrol/model/json_get.h"

namespace kpatrol::collect::api {
namespace {

// "cn-hangzhou.", "ap-southeast-1." ...: an Alibaba Cloud region followed by a dot.
bool looksLikeRegionPrefix(const std::string& s) {
  const auto dot = s.find('.');
  if (dot == std::string::npos || dot < 4) return false;
  const std::string region = s.substr(0, dot);
  static const char* const kPrefixes[] = {"cn-", "ap-", "eu-", "us-", "me-", "na-"};
  bool prefix = false;
  for (const char* p : kPrefixes) prefix = prefix || region.starts_with(p);
  if (!prefix) return false;
  for (char c : region) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
      return false;
  }
  return true;
}

const model::Json* member(const model::Json& obj, const char* a, const char* b) {
  return model::memberAt(obj, {a, b});
}

}  // namespace

std::string detectFlavour(const std::string& git_version, const model::Json* nodes,
                          const model::Json* configmaps) {
  if (git_version.find("+k3s") != std::string::npos) return "k3s";
  bool ack = git_version.find("-aliyun") != std::string::npos;
  bool control_plane = false;
  bool kubeadm = false;
  if (nodes != nullptr && nodes->is_array()) {
    for (const auto& n : *nodes) {
      if (!n.is_object()) continue;
      if (const auto* labels = member(n, "metadata", "labels"); labels && labels->is_object()) {
        for (const auto& [k, v] : labels->items()) {
          if (k.find("alibabacloud.com") != std::string::npos ||
              k.find("aliyun.com") != std::string::npos)
            ack = true;
          if (k == "node-role.kubernetes.io/control-plane" || k == "node-role.kubernetes.io/master")
            control_plane = true;
        }
      }
      if (const auto* name = member(n, "metadata", "name"); name && name->is_string()) {
        if (looksLikeRegionPrefix(name->get<std::string>())) ack = true;
      }
      if (const auto* pid = member(n, "spec", "providerID"); pid && pid->is_string()) {
        const std::string p = pid->get<std::string>();
        if (p.starts_with("alicloud://") || looksLikeRegionPrefix(p)) ack = true;
      }
    }
  }
  if (configmaps != nullptr && configmaps->is_array()) {
    for (const auto& cm : *configmaps) {
      const auto* name = member(cm, "metadata", "name");
      const auto* ns = member(cm, "metadata", "namespace");
      if (name && ns && *ns == "kube-system" && *name == "kubeadm-config") kubeadm = true;
    }
  }
  if (ack) return control_plane ? "ack-dedicated" : "ack-managed";
  if (kubeadm || control_plane) return "kubeadm";
  return "unknown";
}

bool isVirtualNode(const model::Json& node) {
  if (!node.is_object()) return false;
  if (const auto* labels = member(node, "metadata", "labels"); labels && labels->is_object()) {
    if (model::stringAt(*labels, {"type"}) == "virtual-kubelet") return true;
    if (model::stringAt(*labels, {"alibabacloud.com/virtual-node"}) == "true") return true;
  }
  if (const auto* taints = member(node, "spec", "taints"); taints && taints->is_array()) {
    for (const auto& t : *taints) {
      if (model::stringAt(t, {"key"}).starts_with("virtual-kubelet.io/")) return true;
    }
  }
  return false;
}

}  // namespace kpatrol::collect::api
