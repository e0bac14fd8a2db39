// SPDX-License-Identifier: Apache-2.0
// Pods from workload templates: manifests hold Deployments, CronJobs and the like but rarely
// their Pods, and every workload check (privileged, limits, probes, securityContext, image
// tags) is a pod rule. So a manifest scan checks one Pod per workload, built from its template.
#pragma once

#include <cstddef>

#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect::manifests {

/// The annotation that marks a Pod built from a template; its value is "<Kind>/<name>".
inline constexpr const char* kTemplateAnnotation = "kpatrol.io/pod-template-of";

/// Adds to objects["pods"] one Pod per workload (Deployment, StatefulSet, DaemonSet,
/// ReplicaSet, Job, CronJob) whose template has containers and that no Pod in the input
/// already belongs to: named "<workload>-template", with the template's labels, annotations
/// (plus kTemplateAnnotation) and spec, and an ownerReference to the workload. Returns how many.
std::size_t addTemplatePods(model::Json& objects);

}  // namespace kpatrol::collect::manifests
