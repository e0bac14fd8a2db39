-- 等保 8.2.4.3 a) (cloud extension: resource isolation between tenants; Kubernetes: quotas and
-- limits per namespace): every application namespace has a ResourceQuota and a LimitRange.
--
-- Semantics (one finding per namespace; `exempt_namespaces` get na):
--   * pass when the namespace has a ResourceQuota that limits CPU and memory (hard
--     requests.*/limits.* or cpu/memory) and a LimitRange (defaults for containers without
--     limits);
--   * fail when it has no ResourceQuota, or the quota bounds neither CPU nor memory;
--   * warn when the quota is there but no LimitRange (containers without limits are rejected
--     by the quota or, if the quota does not cover limits, unbounded).
local mlps = require("mlps")

local function quota_bounds(q)
  local hard = q.spec and q.spec.hard or {}
  local cpu = hard["limits.cpu"] or hard["requests.cpu"] or hard.cpu
  local mem = hard["limits.memory"] or hard["requests.memory"] or hard.memory
  return cpu ~= nil, mem ~= nil
end

return {
  api = 1,
  id = "mlps-l3/resource-isolation",
  title = {
    en = "Namespaces have resource quotas and default limits (resource isolation)",
    zh = "命名空间配置资源配额与默认限制（资源隔离）",
  },
  severity = "medium",
  scope = "namespace",
  requires = { "objects.resourcequotas", "objects.limitranges" },
  baselines = { mlps = { control = "8.2.4.3 a)" } },
  params = {
    exempt_namespaces = {
      default = { "kube-system", "kube-public", "kube-node-lease" },
      description = "namespaces not required to have quotas (system namespaces)",
    },
  },
  impact = {
    en = "Without quotas one namespace (tenant) can take all CPU and memory of the cluster, "
      .. "starving the others; isolation between tenants is required by 8.2.4.3 a).",
    zh = "没有资源配额时，一个命名空间（租户）可以占满集群的 CPU 与内存，导致其他业务资源耗尽；8.2.4.3 a) 要求租户间资源隔离。",
  },
  remediation = {
    en = "Per namespace: `kubectl create quota compute --hard=requests.cpu=8,requests.memory=16Gi,"
      .. "limits.cpu=16,limits.memory=32Gi,pods=100 -n <ns>` and a LimitRange with default "
      .. "requests/limits for containers (`kubectl apply -n <ns> -f limitrange.yaml`, type "
      .. "Container, default and defaultRequest set). Size them from current usage (`kubectl top "
      .. "pods -n <ns>`).",
    zh = "为每个命名空间执行 `kubectl create quota compute --hard=requests.cpu=8,requests.memory=16Gi,"
      .. "limits.cpu=16,limits.memory=32Gi,pods=100 -n <命名空间>`，并创建为容器设置默认 requests/limits 的 "
      .. "LimitRange（`kubectl apply -n <命名空间> -f limitrange.yaml`，type 为 Container，设置 default 与 "
      .. "defaultRequest）。按当前用量（`kubectl top pods -n <命名空间>`）确定数值。",
  },
  references = { "GB/T 22239-2019 8.2.4.3 a)" },
  tags = { "isolation", "quota" },
  check = function(s, ctx)
    if mlps.contains(ctx.param("exempt_namespaces"), s.name) then
      return ctx.na(mlps.msg("exempt: " .. s.name .. " is listed in exempt_namespaces",
        "豁免：命名空间 " .. s.name .. " 在豁免列表（exempt_namespaces）中"))
    end
    local quotas, ranges = {}, {}
    local cpu, mem = false, false
    for _, q in ipairs(ctx.objects("resourcequotas")) do
      if q.metadata.namespace == s.name then
        quotas[#quotas + 1] = tostring(q.metadata.name)
        local c, m = quota_bounds(q)
        cpu, mem = cpu or c, mem or m
      end
    end
    for _, l in ipairs(ctx.objects("limitranges")) do
      if l.metadata.namespace == s.name then ranges[#ranges + 1] = tostring(l.metadata.name) end
    end
    table.sort(quotas) table.sort(ranges)
    local evidence = { resourcequotas = quotas, limitranges = ranges, quota_cpu = cpu,
                       actual = "ResourceQuota: " .. (#quotas > 0 and mlps.join(quotas) or "none")
                         .. "; LimitRange: " .. (#ranges > 0 and mlps.join(ranges) or "none"),
                       quota_memory = mem, expected = "a ResourceQuota bounding CPU and memory, and a LimitRange" }
    if #quotas == 0 then
      return ctx.fail(mlps.msg("namespace " .. s.name .. " has no ResourceQuota"
        .. (#ranges > 0 and (" (LimitRange: " .. mlps.join(ranges) .. ")") or " and no LimitRange"),
        "命名空间 " .. s.name .. " 未配置 ResourceQuota"
        .. (#ranges > 0 and ("（LimitRange：" .. mlps.join(ranges) .. "）") or "，也未配置 LimitRange")
        .. "，资源使用没有上限"), evidence)
    end
    if not cpu and not mem then
      return ctx.fail(mlps.msg("ResourceQuota " .. mlps.join(quotas) .. " bounds neither CPU nor "
        .. "memory", "ResourceQuota " .. mlps.join(quotas) .. " 既未限制 CPU 也未限制内存"), evidence)
    end
    if #ranges == 0 then
      return ctx.warn(mlps.msg("ResourceQuota " .. mlps.join(quotas) .. " but no LimitRange: "
        .. "containers without limits get no defaults",
        "已配置 ResourceQuota " .. mlps.join(quotas) .. "，但没有 LimitRange：未设置资源限制的容器"
        .. "不会获得默认限制"), evidence)
    end
    return ctx.pass(mlps.msg("ResourceQuota " .. mlps.join(quotas) .. ", LimitRange "
      .. mlps.join(ranges), "已配置 ResourceQuota " .. mlps.join(quotas) .. " 和 LimitRange "
      .. mlps.join(ranges) .. "，资源隔离符合要求"), evidence)
  end,
}
