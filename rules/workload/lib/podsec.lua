-- Helpers for the workload configuration inspection (配置巡检) rules:
-- `local podsec = require("podsec")`. Pure functions; objects may be read-only views.
local k8s = require("k8s")

local M = {}

local SYSTEM = "kube-system components (control plane, kube-proxy, CNI, CSI and DNS agents) "
  .. "need host access or run as their vendor ships them"
local NODE_EXPORTER = "node-exporter reads host metrics from the host's network, PID namespace "
  .. "and /proc, /sys"

-- System workloads exempt from the host-access and hardening items, with the reason. A
-- function: parameter defaults must be fresh plain tables (library tables are read-only views).
function M.system_exempt() return {
  { namespace = "kube-system", reason = SYSTEM },
  { namespace = "kube-flannel", reason = SYSTEM },
  { namespace = "calico-system", reason = SYSTEM },
  { namespace = "tigera-operator", reason = SYSTEM },
  { name_prefix = "node-exporter", reason = NODE_EXPORTER },
  { name_prefix = "prometheus-node-exporter", reason = NODE_EXPORTER },
} end

-- System workloads exempt from the probe items: control-plane static Pods and node agents are
-- supervised by the kubelet and their vendors choose their probes.
function M.probe_exempt() return {
  { namespace = "kube-system", reason = SYSTEM },
  { namespace = "kube-flannel", reason = SYSTEM },
  { namespace = "calico-system", reason = SYSTEM },
  { name_prefix = "node-exporter", reason = NODE_EXPORTER },
} end

-- Running Pods only (completed Job Pods are history).
function M.applies(s)
  return not k8s.pod_terminated(s.object)
end

-- Whether the Pod runs to completion (a Job's or CronJob's Pod, or restartPolicy Never or
-- OnFailure): readiness and liveness probes do not apply to it.
function M.runs_to_completion(pod)
  local policy = k8s.dig(pod, "spec", "restartPolicy")
  if policy == "Never" or policy == "OnFailure" then return true end
  for _, ref in ipairs(k8s.dig(pod, "metadata", "ownerReferences") or {}) do
    if ref.kind == "Job" or ref.kind == "CronJob" then return true end
  end
  return false
end

-- The exemption entry for the subject, or nil.
function M.exempt(ctx, s)
  return k8s.exemption(ctx.param("exempt"), s.namespace, s.name)
end

-- Effective container security setting: the container's value, else the Pod's.
function M.effective(pod, c, field)
  local v = k8s.dig(c, "securityContext", field)
  if v ~= nil then return v end
  return k8s.dig(pod, "spec", "securityContext", field)
end

-- Regular and init containers (the ones that run the workload), as plain { c=, label= }.
function M.containers(pod)
  local out = {}
  for _, entry in ipairs(k8s.resource_containers(pod)) do
    out[#out + 1] = { c = entry.spec,
                      label = entry.spec.name .. (entry.kind == "init" and " (init)" or "") }
  end
  return out
end

-- Result for "these containers are at risk": fail (or `status`) listing them, else pass.
function M.result(ctx, s, bad, what, expected, status)
  if #bad == 0 then return ctx.pass("no container " .. what) end
  local e = M.exempt(ctx, s)
  if e ~= nil then return ctx.na(k8s.exemption_reason(e)) end
  local names = {}
  for i, b in ipairs(bad) do names[i] = b.container end
  local msg = string.format("container%s %s %s; expected %s", #bad > 1 and "s" or "",
    k8s.join(names), what, expected)
  local evidence = { containers = bad, expected = expected }
  if status == "warn" then return ctx.warn(msg, evidence) end
  return ctx.fail(msg, evidence)
end

return M
