-- Every container (regular and init) declares resource limits.
--
--   a container without limits.memory -> fail: memory is not compressible, so a leak grows
--     until the node runs out and the kernel OOM-kills neighbours or the kubelet evicts them;
--     without a request the scheduler does not account for it either.
--   memory limits everywhere, but a container without limits.cpu (or requests.cpu) -> warn:
--     CPU is compressible, so the harm is contention rather than outage. Set the parameter
--     require_cpu_limit to false where CPU limits are deliberately not used (to avoid CFS
--     throttling).
-- The API server copies a limit into an unset request, and LimitRange defaults are applied at
-- admission, so the Pod spec shows the effective values.
-- Pods in the `exempt` list (system namespaces by default) get na with the reason; completed
-- Pods are not evaluated.
local k8s = require("k8s")

local SYSTEM = "system components ship with their vendor's resource settings "
  .. "(several, like the control-plane static Pods, deliberately set requests only)"

local function missing_fields(c, require_cpu)
  local res = c.resources or {}
  local missing = {}
  local function need(section, name)
    if k8s.dig(res, section, name) == nil then missing[#missing + 1] = section .. "." .. name end
  end
  need("limits", "memory")
  need("requests", "memory")
  if require_cpu then
    need("limits", "cpu")
  end
  need("requests", "cpu")
  return missing
end

return {
  api = 1,
  id = "workload/resource-limits",
  title = {
    en = "Containers set CPU and memory requests and limits",
    zh = "容器已配置 CPU 和内存的 requests 与 limits",
  },
  severity = "medium",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  params = {
    require_cpu_limit = { default = true, description = "warn when a container has no CPU limit" },
    exempt = {
      default = {
        { namespace = "kube-system", reason = SYSTEM },
        { namespace = "kube-flannel", reason = SYSTEM },
        { namespace = "calico-system", reason = SYSTEM },
        { namespace = "tigera-operator", reason = SYSTEM },
      },
      description = "Pods not checked: list of { namespace, name_prefix or name, reason }",
    },
  },
  impact = {
    en = "Without a memory limit one container can exhaust the node's memory and get other "
      .. "Pods OOM-killed or evicted; without requests the scheduler places Pods on nodes that "
      .. "are already busy; without a CPU limit a runaway process slows its neighbours.",
    zh = "未配置内存 limit 时，单个容器可能耗尽节点内存，导致其他 Pod 被 OOM 或驱逐；未配置 requests 时，"
      .. "Pod 可能被调度到资源紧张的节点；未配置 CPU limit 时，异常进程会拖慢同节点的其他业务。",
  },
  remediation = {
    en = "Set resources.requests and resources.limits for cpu and memory on every container, "
      .. "sized from observed usage (kubectl top pod, monitoring). A LimitRange in the "
      .. "namespace can supply defaults; a ResourceQuota enforces that they are set.",
    zh = "根据实际用量（kubectl top pod 或监控数据）为每个容器配置 resources.requests 与 resources.limits 的 cpu 和 memory。"
      .. "可在命名空间中配置 LimitRange 提供默认值，并用 ResourceQuota 强制要求设置。",
  },
  references = {
    "ACK 配置巡检 cpuRequestsMissing, cpuLimitsMissing, memoryRequestsMissing, memoryLimitsMissing",
  },
  tags = { "resources", "config-inspection" },
  check = function(s, ctx)
    local require_cpu = ctx.param("require_cpu_limit")
    local report, parts = {}, {}
    local no_memory_limit = false
    for _, entry in ipairs(k8s.resource_containers(s.object)) do
      local missing = missing_fields(entry.spec, require_cpu)
      if #missing > 0 then
        local name = entry.spec.name .. (entry.kind == "init" and " (init)" or "")
        report[#report + 1] = { container = name, missing = missing }
        parts[#parts + 1] = name .. ": " .. k8s.join(missing)
        if k8s.contains(missing, "limits.memory") then no_memory_limit = true end
      end
    end
    if #report == 0 then
      return ctx.pass(require_cpu and "all containers set cpu and memory requests and limits"
        or "all containers set requests and memory limits (cpu limits not required)")
    end
    local e = k8s.exemption(ctx.param("exempt"), s.namespace, s.name)
    if e ~= nil then return ctx.na(k8s.exemption_reason(e)) end
    local msg = "missing " .. table.concat(parts, "; ")
    local evidence = { containers = report }
    if no_memory_limit then
      return ctx.fail(msg .. "; expected a memory limit on every container", evidence)
    end
    return ctx.warn(msg .. "; expected cpu requests" .. (require_cpu and " and limits" or ""),
      evidence)
  end,
}
