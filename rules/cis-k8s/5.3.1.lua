-- CIS 5.3.1: The CNI in use supports NetworkPolicies.
--
-- Semantics:
--   * one cluster finding. The CNI is recognised from the DaemonSets (else the Pods) of the
--     cluster by name: Calico, Cilium, Weave Net, Antrea, kube-router, Canal, Kube-OVN enforce
--     NetworkPolicy -> pass; Flannel alone does not -> fail; anything else (Terway, AWS VPC CNI,
--     unknown) -> manual with what to verify (Terway enforces policies only when enabled).
--   * the benchmark marks the control Manual (no audit).
local cis = require("cis")

local ENFORCING = { "calico", "cilium", "weave", "antrea", "kube-router", "canal", "kube-ovn" }
local OTHER = { "terway", "aws-node", "azure-cni", "flannel" }

local function names(ctx)
  local out = {}
  local plural = ctx.has_objects("daemonsets") and "daemonsets" or "pods"
  for _, o in ipairs(ctx.objects(plural)) do out[#out + 1] = tostring(cis.dig(o, "metadata", "name")):lower() end
  return out, plural
end

return {
  api = 1,
  id = "cis-k8s/5.3.1",
  title = {
    en = "The CNI in use supports NetworkPolicies",
    zh = "所用 CNI 插件支持 NetworkPolicy",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.pods" },
  baselines = {
    cis = { control = "5.3.1", scored = false },
    mlps = { control = "8.1.3.2 a)" },
  },
  impact = {
    en = "If the CNI does not enforce NetworkPolicy, every policy in the cluster is silently "
      .. "ignored.",
    zh = "若 CNI 插件不支持 NetworkPolicy，集群中的所有网络策略都会被静默忽略。",
  },
  remediation = {
    en = "Use a CNI that enforces NetworkPolicy (Calico, Cilium, Antrea, ...; on ACK enable "
      .. "Terway's network policy or use Terway with Cilium), or add a policy engine such as "
      .. "Calico in policy-only mode next to Flannel (Canal).",
    zh = "使用支持 NetworkPolicy 的 CNI（Calico、Cilium、Antrea 等；ACK 集群开启 Terway 的网络策略功能），或在 Flannel "
      .. "旁部署仅策略模式的 Calico（Canal）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.3.1" },
  tags = { "network", "cni" },
  check = function(s, ctx)
    local list, source = names(ctx)
    local found, other = {}, {}
    for _, n in ipairs(list) do
      for _, e in ipairs(ENFORCING) do
        if n:find(e, 1, true) and not cis.contains(found, e) then found[#found + 1] = e end
      end
      for _, e in ipairs(OTHER) do
        if n:find(e, 1, true) and not cis.contains(other, e) then other[#other + 1] = e end
      end
    end
    table.sort(found)
    table.sort(other)
    local evidence = { enforcing = found, other = other, source = source }
    if #found > 0 then
      return ctx.pass(cis.msg("NetworkPolicy-capable CNI found: " .. cis.join(found), "发现支持 NetworkPolicy 的 CNI：" .. cis.join(found)), evidence)
    end
    if #other == 1 and other[1] == "flannel" then
      return ctx.fail(cis.msg("the CNI is Flannel, which does not enforce NetworkPolicy", "CNI 为 Flannel，不支持执行 NetworkPolicy"), evidence)
    end
    if #other > 0 then
      return ctx.manual(cis.msg("CNI " .. cis.join(other) .. ": verify that NetworkPolicy "
        .. "enforcement is enabled (e.g. Terway's network policy option on ACK)",
        "CNI 为 " .. cis.join(other) .. "：请核查已启用 NetworkPolicy 支持（如 ACK 上 Terway 的网络策略选项）"),
        evidence)
    end
    return ctx.manual(cis.msg("no known CNI recognised in the " .. source .. ": verify that the "
      .. "CNI enforces NetworkPolicy", "在 " .. source .. " 中未识别出已知的 CNI：请核查所用 CNI 支持执行 "
      .. "NetworkPolicy"), evidence)
  end,
}
