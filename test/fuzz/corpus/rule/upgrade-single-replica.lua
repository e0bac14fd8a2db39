-- Deployments and StatefulSets with a single replica: every node drain of the rolling node
-- upgrade takes them down until the Pod is rescheduled and Ready again -> warn.
local up = require("upgrade")

return {
  api = 1,
  id = "upgrade/single-replica",
  title = {
    en = "Workload survives a node drain (more than one replica)",
    zh = "工作负载可承受节点排空（多于一个副本）",
  },
  severity = "medium",
  scope = "workload",
  applies = function(s, ctx) return s.kind == "Deployment" or s.kind == "StatefulSet" end,
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "With one replica, draining its node during the upgrade is an outage until the Pod is "
      .. "running and Ready elsewhere.",
    zh = "只有一个副本时，升级过程中排空其所在节点会导致服务中断，直到 Pod 在其他节点上运行并就绪。",
  },
  remediation = {
    en = "Run at least 2 replicas spread over nodes (podAntiAffinity or topologySpreadConstraints) "
      .. "with a PDB of maxUnavailable 1, or accept and announce the short downtime.",
    zh = "至少运行 2 个分布在不同节点的副本（podAntiAffinity 或 topologySpreadConstraints），并配置 maxUnavailable 为 1 的 PDB；"
      .. "或接受并提前通知短暂中断。",
  },
  tags = { "upgrade", "availability" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local replicas = s.object.spec and s.object.spec.replicas
    if replicas == nil then replicas = 1 end
    if replicas == 0 then return ctx.pass("scaled to zero") end
    if replicas == 1 then
      return ctx.warn("1 replica: unavailable while its node is drained", { replicas = 1, expected = ">= 2" })
    end
    return ctx.pass(string.format("%d replicas", replicas))
  end,
}
