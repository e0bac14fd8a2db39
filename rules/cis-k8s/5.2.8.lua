-- CIS 5.2.8: Admission of containers with the NET_RAW capability is minimised.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * a container keeps NET_RAW unless capabilities.drop has NET_RAW or ALL (container runtimes
--     grant it by default); capabilities.add with NET_RAW or ALL, or a privileged container
--     (every capability), -> fail as well.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.2.8",
  title = {
    en = "Admission of containers with the NET_RAW capability is minimised",
    zh = "最小化具有 NET_RAW 能力的容器的准入",
  },
  severity = "medium",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.8", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "NET_RAW allows crafting raw packets: ARP/DNS spoofing of other Pods on the node.",
    zh = "NET_RAW 允许构造原始数据包，可对同节点其他 Pod 进行 ARP/DNS 欺骗。",
  },
  remediation = {
    en = "Add capabilities.drop: [\"ALL\"] (or at least NET_RAW) to every container and do not add "
      .. "NET_RAW.",
    zh = "为每个容器设置 capabilities.drop: [\"ALL\"]（至少包含 NET_RAW），且不要添加 NET_RAW。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.8" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local bad = {}
    for _, c in ipairs(ctx.containers(pod)) do
      local caps = cis.dig(c, "securityContext", "capabilities") or {}
      local add, drop = caps.add or {}, caps.drop or {}
      local added = cis.contains(add, "NET_RAW") or cis.contains(add, "ALL")
        or cis.dig(c, "securityContext", "privileged") == true
      local dropped = cis.contains(drop, "NET_RAW") or cis.contains(drop, "ALL")
      if added or not dropped then
        bad[#bad + 1] = c.name .. (added and " (added)" or " (not dropped)")
      end
    end
    if #bad > 0 then
      return ctx.fail(cis.msg("containers with NET_RAW: " .. cis.join(bad), "具有 NET_RAW 能力的容器：" .. cis.join(bad)), { containers = bad })
    end
    return ctx.pass(cis.msg("NET_RAW dropped in every container", "所有容器均已丢弃 NET_RAW"), { containers = bad })
  end,
}
