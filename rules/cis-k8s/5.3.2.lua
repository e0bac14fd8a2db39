-- CIS 5.3.2: every namespace has at least one NetworkPolicy.
--
-- Semantics:
--   * one finding per namespace; namespaces in the `exempt_namespaces` parameter get na with
--     the reason (system namespaces whose add-ons need host and API access).
--   * pass when at least one NetworkPolicy object lives in the namespace. Whether the policies
--     amount to a default deny is a judgement the benchmark leaves manual; the evidence lists
--     their names so a reviewer can see them.
--   * the benchmark marks this control Manual (not scored), so kube-bench only ever WARNs; we
--     evaluate it because the data is in the snapshot.
local k8s = require("k8s")
local cis = require("cis")

local function policies_in(ctx, namespace)
  local names = {}
  for _, np in ipairs(ctx.objects("networkpolicies")) do
    if k8s.dig(np, "metadata", "namespace") == namespace then
      names[#names + 1] = k8s.dig(np, "metadata", "name")
    end
  end
  table.sort(names)
  return names
end

return {
  api = 1,
  id = "cis-k8s/5.3.2",
  title = {
    en = "All namespaces have NetworkPolicies defined",
    zh = "所有命名空间均已定义网络策略（NetworkPolicy）",
  },
  severity = "medium",
  scope = "namespace",
  requires = { "objects.networkpolicies" },
  baselines = {
    cis = { control = "5.3.2", scored = false },
    mlps = { control = "8.1.3.2 a)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system", "kube-public", "kube-node-lease" },
      description = "namespaces not required to have a NetworkPolicy (system namespaces)",
    },
  },
  impact = {
    en = "Without a NetworkPolicy every Pod in the namespace accepts traffic from every Pod "
      .. "in the cluster, so one compromised workload can reach all the others.",
    zh = "没有网络策略时，该命名空间内的 Pod 接受集群内任意 Pod 的访问，一个容器被攻破后可横向访问其他业务。",
  },
  remediation = {
    en = "Add a default-deny NetworkPolicy to the namespace (podSelector: {}, policyTypes: "
      .. "[Ingress, Egress]) and then allow the flows each application needs. Make sure the "
      .. "CNI plugin enforces NetworkPolicy (Calico, Cilium, Terway with policy enabled).",
    zh = "为该命名空间创建默认拒绝的网络策略（podSelector: {}，policyTypes 包含 Ingress 和 Egress），"
      .. "再按业务需要逐条放通访问。同时确认所用 CNI 插件支持并启用了 NetworkPolicy（如 Calico、Cilium、开启策略的 Terway）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.3.2" },
  tags = { "network", "isolation" },
  check = function(s, ctx)
    if k8s.contains(ctx.param("exempt_namespaces"), s.name) then
      return ctx.na(cis.msg("exempt: " .. s.name .. " is listed in exempt_namespaces", "豁免：命名空间 " .. s.name .. " 在豁免列表（exempt_namespaces）中"))
    end
    local names = policies_in(ctx, s.name)
    local evidence = { namespace = s.name, networkpolicies = #names, names = names,
                       expected = "at least 1" }
    if #names == 0 then
      return ctx.fail(cis.msg("namespace " .. s.name .. " has no NetworkPolicy; expected at least "
        .. "one (e.g. default deny)", "命名空间 " .. s.name .. " 没有 NetworkPolicy；应至少有一个"
        .. "（如默认拒绝策略）"), evidence)
    end
    return ctx.pass(cis.msg(string.format("%d NetworkPolic%s: %s", #names,
      #names == 1 and "y" or "ies", k8s.join(names)),
      string.format("%d 个 NetworkPolicy：%s", #names, k8s.join(names))), evidence)
  end,
}
