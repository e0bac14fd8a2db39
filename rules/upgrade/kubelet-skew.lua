-- The node's kubelet stays within the skew policy against the target control plane: never
-- newer, at most 3 minor versions older (kubelets older than 1.25: 2). A kubelet exactly at the
-- limit is allowed. Version from status.nodeInfo.kubeletVersion, else the kubelet host fact.
local up = require("upgrade")

return {
  api = 1,
  id = "upgrade/kubelet-skew",
  title = {
    en = "Kubelet version is within the skew policy of the target",
    zh = "kubelet 版本与目标版本的偏差在允许范围内",
  },
  severity = "critical",
  scope = "node",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "A kubelet more than 3 minor versions (2 before 1.25) behind the API server, or newer "
      .. "than it, is unsupported: the node may fail to register, report status or run Pods "
      .. "after the control plane is upgraded.",
    zh = "kubelet 落后 API Server 超过 3 个次版本（1.25 之前为 2 个）或比其更新都不受支持：控制面升级后该节点"
      .. "可能无法注册、上报状态或运行 Pod。",
  },
  remediation = {
    en = "Upgrade the node's kubelet first (drain, upgrade kubelet and kubectl packages or replace "
      .. "the node from a newer node pool, uncordon) so it is at most 3 minors behind the target.",
    zh = "先升级该节点的 kubelet（排空节点，升级 kubelet/kubectl 软件包或用新版本节点池替换节点，再恢复调度），"
      .. "使其最多落后目标版本 3 个次版本。",
  },
  tags = { "upgrade", "skew", "kubelet" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local version = s.object and ctx.get(s.object, "status.nodeInfo.kubeletVersion")
    if version == nil and s.facts ~= nil and s.facts.kubelet ~= nil then version = s.facts.kubelet.version end
    if version == nil then return ctx.na("the node reports no kubelet version") end
    local k = up.minor(version)
    if k == nil then return ctx.error("cannot parse kubelet version '" .. tostring(version) .. "'") end
    local allowed = k < 25 and 2 or 3
    local evidence = { kubelet = version, target = up.v(target), allowed_skew = allowed }
    if k > target then
      return ctx.fail(string.format("kubelet %s is newer than the target %s", version, up.v(target)), evidence)
    end
    if target - k > allowed then
      return ctx.fail(string.format("kubelet %s would be %d minor versions behind %s (at most %d allowed): "
        .. "upgrade this node first", version, target - k, up.v(target), allowed), evidence)
    end
    return ctx.pass(string.format("kubelet %s is %d minor version(s) behind %s (at most %d allowed)",
      version, target - k, up.v(target), allowed), evidence)
  end,
}
