// SPDX-License-Identifier: Apache-2.0
// Which kind of cluster this is, from what the API shows. Pure.
#pragma once

#include <string>

#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect::api {

/// kubeadm | ack-managed | ack-dedicated | k3s | unknown.
/// - k3s: gitVersion carries "+k3s".
/// - ACK: "-aliyun" in gitVersion, alibabacloud.com / aliyun.com node labels, or node names /
///   provider IDs like "cn-hangzhou.10.0.1.12"; managed when no node is a control-plane node.
/// - kubeadm: the kube-system/kubeadm-config ConfigMap, or control-plane nodes with kubeadm's
///   labels.
/// `nodes` and `configmaps` are item arrays (or nullptr when not collected).
std::string detectFlavour(const std::string& git_version, const model::Json* nodes,
                          const model::Json* configmaps);

/// A virtual-kubelet node (ACK ECI and the like: label type=virtual-kubelet, a
/// virtual-kubelet.io/* taint or label alibabacloud.com/virtual-node=true): no kubelet, so no
/// kubelet configuration to read.
bool isVirtualNode(const model::Json& node);

}  // namespace kpatrol::collect::api
