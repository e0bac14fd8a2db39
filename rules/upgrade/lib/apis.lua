-- Removed and deprecated Kubernetes API group/version/kinds, as data: `require("apis")`.
-- Source: /work/shared/reference/ref_upgrade.md §1 (upstream k8s.io/api prerelease-lifecycle
-- data, kube-aggregator, the deprecation guide). dep / rem are the minor versions (Kubernetes
-- 1.x) in which the version is deprecated / no longer served; repl is the replacement and
-- since the release it became available. planned = true: a removal scheduled upstream that may
-- still move. default_off = true: a beta introduced after 1.24, served only when enabled.
local M = {}

local function add(list, api, kinds, dep, rem, repl, since, extra)
  for _, k in ipairs(kinds) do
    local row = { api = api, kind = k[1], plural = k[2], dep = dep, rem = rem, repl = repl,
                  since = since }
    for key, value in pairs(extra or {}) do row[key] = value end
    list[#list + 1] = row
  end
end

local rows = {}
-- Removed in 1.16
add(rows, "extensions/v1beta1", { { "Deployment", "deployments" }, { "DaemonSet", "daemonsets" },
  { "ReplicaSet", "replicasets" } }, 8, 16, "apps/v1", 9)
add(rows, "apps/v1beta1", { { "Deployment", "deployments" }, { "StatefulSet", "statefulsets" },
  { "ControllerRevision", "controllerrevisions" } }, 8, 16, "apps/v1", 9)
add(rows, "apps/v1beta2", { { "Deployment", "deployments" }, { "DaemonSet", "daemonsets" },
  { "ReplicaSet", "replicasets" }, { "StatefulSet", "statefulsets" },
  { "ControllerRevision", "controllerrevisions" } }, 9, 16, "apps/v1", 9)
add(rows, "extensions/v1beta1", { { "NetworkPolicy", "networkpolicies" } }, 9, 16,
  "networking.k8s.io/v1", 8)
add(rows, "extensions/v1beta1", { { "PodSecurityPolicy", "podsecuritypolicies" } }, 11, 16,
  "policy/v1beta1 (itself removed in 1.25: Pod Security Admission)", 10)
-- Removed in 1.22
add(rows, "admissionregistration.k8s.io/v1beta1", {
  { "MutatingWebhookConfiguration", "mutatingwebhookconfigurations" },
  { "ValidatingWebhookConfiguration", "validatingwebhookconfigurations" } }, 16, 22,
  "admissionregistration.k8s.io/v1", 16)
add(rows, "apiextensions.k8s.io/v1beta1", { { "CustomResourceDefinition", "customresourcedefinitions" } },
  16, 22, "apiextensions.k8s.io/v1", 16)
add(rows, "apiregistration.k8s.io/v1beta1", { { "APIService", "apiservices" } }, 19, 22,
  "apiregistration.k8s.io/v1", 10)
add(rows, "authentication.k8s.io/v1beta1", { { "TokenReview", "tokenreviews" } }, 19, 22,
  "authentication.k8s.io/v1", 6)
add(rows, "authorization.k8s.io/v1beta1", { { "SubjectAccessReview", "subjectaccessreviews" },
  { "SelfSubjectAccessReview", "selfsubjectaccessreviews" },
  { "LocalSubjectAccessReview", "localsubjectaccessreviews" },
  { "SelfSubjectRulesReview", "selfsubjectrulesreviews" } }, 19, 22, "authorization.k8s.io/v1", 6)
add(rows, "certificates.k8s.io/v1beta1", { { "CertificateSigningRequest", "certificatesigningrequests" } },
  19, 22, "certificates.k8s.io/v1", 19)
add(rows, "coordination.k8s.io/v1beta1", { { "Lease", "leases" } }, 19, 22, "coordination.k8s.io/v1", 14)
add(rows, "extensions/v1beta1", { { "Ingress", "ingresses" } }, 14, 22, "networking.k8s.io/v1", 19)
add(rows, "networking.k8s.io/v1beta1", { { "Ingress", "ingresses" }, { "IngressClass", "ingressclasses" } },
  19, 22, "networking.k8s.io/v1", 19)
add(rows, "rbac.authorization.k8s.io/v1beta1", { { "ClusterRole", "clusterroles" },
  { "ClusterRoleBinding", "clusterrolebindings" }, { "Role", "roles" }, { "RoleBinding", "rolebindings" } },
  17, 22, "rbac.authorization.k8s.io/v1", 8)
add(rows, "scheduling.k8s.io/v1beta1", { { "PriorityClass", "priorityclasses" } }, 14, 22,
  "scheduling.k8s.io/v1", 14)
add(rows, "storage.k8s.io/v1beta1", { { "CSIDriver", "csidrivers" }, { "StorageClass", "storageclasses" },
  { "VolumeAttachment", "volumeattachments" } }, 19, 22, "storage.k8s.io/v1", 19)
add(rows, "storage.k8s.io/v1beta1", { { "CSINode", "csinodes" } }, 17, 22, "storage.k8s.io/v1", 17)
-- Removed in 1.25
add(rows, "batch/v1beta1", { { "CronJob", "cronjobs" } }, 21, 25, "batch/v1", 21)
add(rows, "discovery.k8s.io/v1beta1", { { "EndpointSlice", "endpointslices" } }, 21, 25,
  "discovery.k8s.io/v1", 21)
add(rows, "events.k8s.io/v1beta1", { { "Event", "events" } }, 22, 25, "events.k8s.io/v1", 19)
add(rows, "autoscaling/v2beta1", { { "HorizontalPodAutoscaler", "horizontalpodautoscalers" } }, 22, 25,
  "autoscaling/v2", 23)
add(rows, "policy/v1beta1", { { "PodDisruptionBudget", "poddisruptionbudgets" } }, 21, 25, "policy/v1", 21)
add(rows, "policy/v1beta1", { { "PodSecurityPolicy", "podsecuritypolicies" } }, 21, 25,
  "none: Pod Security Admission (pod-security.kubernetes.io labels) or a policy webhook", nil)
add(rows, "node.k8s.io/v1beta1", { { "RuntimeClass", "runtimeclasses" } }, 22, 25, "node.k8s.io/v1", 20)
-- Removed in 1.26
add(rows, "autoscaling/v2beta2", { { "HorizontalPodAutoscaler", "horizontalpodautoscalers" } }, 23, 26,
  "autoscaling/v2", 23)
add(rows, "flowcontrol.apiserver.k8s.io/v1beta1", { { "FlowSchema", "flowschemas" },
  { "PriorityLevelConfiguration", "prioritylevelconfigurations" } }, 23, 26,
  "flowcontrol.apiserver.k8s.io/v1beta3 (1.26) or v1 (1.29)", 26)
-- Removed in 1.27
add(rows, "storage.k8s.io/v1beta1", { { "CSIStorageCapacity", "csistoragecapacities" } }, 24, 27,
  "storage.k8s.io/v1", 24)
-- Removed in 1.29
add(rows, "flowcontrol.apiserver.k8s.io/v1beta2", { { "FlowSchema", "flowschemas" },
  { "PriorityLevelConfiguration", "prioritylevelconfigurations" } }, 26, 29,
  "flowcontrol.apiserver.k8s.io/v1beta3 (1.26) or v1 (1.29)", 26)
-- Removed in 1.32
add(rows, "flowcontrol.apiserver.k8s.io/v1beta3", { { "FlowSchema", "flowschemas" },
  { "PriorityLevelConfiguration", "prioritylevelconfigurations" } }, 29, 32,
  "flowcontrol.apiserver.k8s.io/v1", 29)
-- 1.33 - 1.36: only betas that are off by default
add(rows, "authentication.k8s.io/v1beta1", { { "SelfSubjectReview", "selfsubjectreviews" } }, 30, 33,
  "authentication.k8s.io/v1", 28, { default_off = true })
add(rows, "admissionregistration.k8s.io/v1beta1", {
  { "ValidatingAdmissionPolicy", "validatingadmissionpolicies" },
  { "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings" } }, 31, 34,
  "admissionregistration.k8s.io/v1", 30, { default_off = true })
-- Scheduled upstream (may still move)
add(rows, "storage.k8s.io/v1beta1", { { "VolumeAttributesClass", "volumeattributesclasses" } }, 34, 37,
  "storage.k8s.io/v1", 34, { default_off = true, planned = true })
add(rows, "networking.k8s.io/v1beta1", { { "IPAddress", "ipaddresses" }, { "ServiceCIDR", "servicecidrs" } },
  34, 37, "networking.k8s.io/v1", 33, { default_off = true, planned = true })
add(rows, "resource.k8s.io/v1beta1", { { "DeviceClass", "deviceclasses" }, { "ResourceClaim", "resourceclaims" },
  { "ResourceClaimTemplate", "resourceclaimtemplates" }, { "ResourceSlice", "resourceslices" } }, 35, 38,
  "resource.k8s.io/v1", 34, { default_off = true, planned = true })
-- Alpha versions that were served when enabled and have been removed
add(rows, "flowcontrol.apiserver.k8s.io/v1alpha1", { { "FlowSchema", "flowschemas" },
  { "PriorityLevelConfiguration", "prioritylevelconfigurations" } }, 20, 21,
  "flowcontrol.apiserver.k8s.io/v1", 29, { alpha = true })
add(rows, "rbac.authorization.k8s.io/v1alpha1", { { "ClusterRole", "clusterroles" },
  { "ClusterRoleBinding", "clusterrolebindings" }, { "Role", "roles" }, { "RoleBinding", "rolebindings" } },
  17, 22, "rbac.authorization.k8s.io/v1", 8, { alpha = true })
add(rows, "scheduling.k8s.io/v1alpha1", { { "PriorityClass", "priorityclasses" } }, 14, 17,
  "scheduling.k8s.io/v1", 14, { alpha = true })

M.rows = rows

-- Index "apiVersion/Kind" -> row.
local by_key = {}
for _, r in ipairs(rows) do by_key[r.api .. "/" .. r.kind] = r end

-- The row for an apiVersion and kind, or nil.
function M.lookup(api_version, kind)
  if api_version == nil or kind == nil then return nil end
  return by_key[tostring(api_version) .. "/" .. tostring(kind)]
end

-- The plurals of every kind in the table, sorted and unique: the object lists to look at.
function M.plurals()
  local seen, out = {}, {}
  for _, r in ipairs(rows) do
    if not seen[r.plural] then
      seen[r.plural] = true
      out[#out + 1] = r.plural
    end
  end
  table.sort(out)
  return out
end

-- Whether a group/version ("extensions/v1beta1") is removed at or before `target` for every
-- kind the table has for it, with the removal minor (the earliest).
function M.group_version_removed(api_version, target)
  local found, earliest = false, nil
  for _, r in ipairs(rows) do
    if r.api == api_version then
      found = true
      if r.rem > target then return false end
      earliest = earliest and math.min(earliest, r.rem) or r.rem
    end
  end
  return found, earliest
end

return M
