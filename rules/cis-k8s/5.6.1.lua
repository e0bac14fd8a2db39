-- CIS 5.6.1: Administrative boundaries between resources are created using namespaces.
--
-- Semantics:
--   * one cluster finding. The benchmark is Manual ("create administrative boundaries between
--     resources using namespaces"). Automated part: running Pods outside the system namespaces
--     must not all sit in `default`. Pods only in default (and system namespaces) -> fail;
--     otherwise pass listing the application namespaces and their Pod counts, for the reviewer
--     to judge whether the boundaries match teams and trust levels.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.6.1",
  title = {
    en = "Administrative boundaries between resources are created using namespaces",
    zh = "使用命名空间划分资源的管理边界",
  },
  severity = "low",
  scope = "cluster",
  requires = { "objects.pods" },
  baselines = {
    cis = { control = "5.6.1", scored = false },
    mlps = { control = "8.1.4.2 a)" },
  },
  params = {
    system_namespaces = {
      default = { "kube-system", "kube-public", "kube-node-lease" },
      description = "namespaces of the platform itself",
    },
  },
  impact = {
    en = "Without namespaces, RBAC, quotas, Pod Security and NetworkPolicies cannot be scoped per "
      .. "team or application.",
    zh = "不划分命名空间时，RBAC、资源配额、Pod 安全和网络策略都无法按团队或应用进行隔离。",
  },
  remediation = {
    en = "Create a namespace per application or team and move workloads out of default; scope "
      .. "RBAC, ResourceQuotas, Pod Security labels and NetworkPolicies to those namespaces.",
    zh = "按应用或团队创建命名空间并将工作负载迁出 default，在这些命名空间上分别配置 RBAC、ResourceQuota、Pod 安全标签和网络策略。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.6.1" },
  tags = { "namespaces" },
  check = function(s, ctx)
    local system = ctx.param("system_namespaces")
    local counts, names = {}, {}
    for _, p in ipairs(ctx.objects("pods")) do
      local ns = cis.dig(p, "metadata", "namespace")
      if ns ~= nil and not cis.contains(system, ns) and not cis.pod_terminated(p) then
        if counts[ns] == nil then counts[ns] = 0; names[#names + 1] = ns end
        counts[ns] = counts[ns] + 1
      end
    end
    table.sort(names)
    local shown = {}
    for _, ns in ipairs(names) do shown[#shown + 1] = ns .. " (" .. counts[ns] .. ")" end
    local evidence = { namespaces = shown }
    if #names == 1 and names[1] == "default" then
      return ctx.fail(cis.msg("every application Pod runs in the default namespace", "所有应用 Pod 都运行在 default 命名空间中"), evidence)
    end
    if #names == 0 then
      return ctx.pass(cis.msg("no application Pods outside the system namespaces", "系统命名空间之外没有应用 Pod"), evidence)
    end
    return ctx.pass(cis.msg(#names .. " application namespaces: " .. cis.shorten(shown, 8)
      .. "; verify that they match teams and trust boundaries",
      #names .. " 个应用命名空间：" .. cis.shorten(shown, 8) .. "；请核查其与团队和信任边界相符"), evidence)
  end,
}
