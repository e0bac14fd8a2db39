-- CIS 5.6.4: The default namespace is not used.
--
-- Semantics:
--   * one cluster finding: running Pods in the default namespace, and (when collected)
--     Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and Services other than the built-in
--     `kubernetes` Service there -> fail, listing them; none -> pass.
local cis = require("cis")

local KINDS = { { "deployments", "Deployment" }, { "statefulsets", "StatefulSet" },
  { "daemonsets", "DaemonSet" }, { "jobs", "Job" }, { "cronjobs", "CronJob" },
  { "services", "Service" } }

return {
  api = 1,
  id = "cis-k8s/5.6.4",
  title = {
    en = "The default namespace is not used",
    zh = "不使用 default 命名空间",
  },
  severity = "low",
  scope = "cluster",
  requires = { "objects.pods" },
  baselines = {
    cis = { control = "5.6.4", scored = false },
    mlps = { control = "8.1.4.2 b)" },
  },
  impact = {
    en = "Workloads in default share one boundary with everything else put there by accident, and "
      .. "default is rarely covered by policies.",
    zh = "default 命名空间中的工作负载会与其他误放入的资源共用同一边界，且通常没有任何策略覆盖。",
  },
  remediation = {
    en = "Move the listed objects to dedicated namespaces and keep default empty (only the "
      .. "kubernetes Service); consider a policy that rejects new objects in default.",
    zh = "将所列对象迁移到专用命名空间，保持 default 为空（仅保留 kubernetes Service），并可配置策略拒绝在 default 中新建对象。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.6.4" },
  tags = { "namespaces" },
  check = function(s, ctx)
    local used = {}
    for _, p in ipairs(ctx.objects("pods")) do
      if cis.dig(p, "metadata", "namespace") == "default" and not cis.pod_terminated(p) then
        used[#used + 1] = "Pod " .. tostring(cis.dig(p, "metadata", "name"))
      end
    end
    for _, k in ipairs(KINDS) do
      if ctx.has_objects(k[1]) then
        for _, o in ipairs(ctx.objects(k[1])) do
          local name = cis.dig(o, "metadata", "name")
          if cis.dig(o, "metadata", "namespace") == "default"
              and not (k[1] == "services" and name == "kubernetes") then
            used[#used + 1] = k[2] .. " " .. tostring(name)
          end
        end
      end
    end
    table.sort(used)
    if #used > 0 then
      return ctx.fail(cis.msg(#used .. " objects in the default namespace: " .. cis.shorten(used, 8), "default 命名空间中有 " .. #used .. " 个对象：" .. cis.shorten(used, 8)),
        { objects = used })
    end
    return ctx.pass(cis.msg("the default namespace holds no workloads", "default 命名空间中没有工作负载"), { objects = used })
  end,
}
