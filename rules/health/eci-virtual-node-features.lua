-- Pods scheduled to virtual nodes (ECI / virtual-kubelet: Node label type=virtual-kubelet, a
-- name starting with virtual-kubelet, or the virtual-kubelet.io/provider taint) use no feature
-- ECI lacks: hostPath volumes, hostNetwork, privileged containers (seed 003, ECI-VK-001..003),
-- and container hostPorts ([inf]: an ECI instance is not a node, there is no node port to bind).
--   any of them -> fail (the Pod fails to create on ECI or runs without it)
--   Pods on ordinary nodes -> not evaluated
-- NodePort Services in front of ECI Pods: health/eci-nodeport-service; DaemonSets that would
-- place Pods on virtual nodes: health/eci-daemonset-virtual-nodes.
local k8s = require("k8s")

return {
  api = 1,
  id = "health/eci-virtual-node-features",
  title = { en = "Pods on virtual nodes use no unsupported feature", zh = "调度到虚拟节点（ECI）的 Pod 未使用不支持的特性" },
  severity = "high",
  scope = "pod",
  requires = { "objects.nodes" },
  applies = function(s, ctx)
    if k8s.pod_terminated(s.object) then return false end
    local node = k8s.dig(s.object, "spec", "nodeName")
    if node == nil then return false end
    if k8s.starts_with(node, "virtual-kubelet") then return true end
    local n = ctx.node(node)
    return n ~= nil and k8s.is_virtual_node(n)
  end,
  impact = {
    en = "ECI instances have no host: hostPath, hostNetwork, hostPort and privileged containers are "
      .. "rejected or silently unavailable, so the Pod fails or behaves differently than on a node.",
    zh = "ECI 实例没有宿主机：hostPath、hostNetwork、hostPort 与特权容器不受支持，Pod 创建失败或行为与普通节点不一致。",
  },
  remediation = {
    en = "Use emptyDir, a cloud disk or NAS instead of hostPath; a LoadBalancer Service instead "
      .. "of hostNetwork or a hostPort; specific capabilities instead of privileged — or keep the workload off "
      .. "virtual nodes (nodeAffinity type NotIn virtual-kubelet).",
    zh = "用 emptyDir、云盘或 NAS 替代 hostPath；用 LoadBalancer 类型的 Service 替代 hostNetwork 与 hostPort；用具体的 Capability 替代特权模式；或通过 nodeAffinity（type NotIn virtual-kubelet）避免调度到虚拟节点。",
  },
  references = { "ECI: Kubernetes 对接 ECI 不支持的功能" },
  tags = { "eci", "pod" },
  check = function(s, ctx)
    local bad = {}
    local spec = s.object.spec or {}
    for _, v in ipairs(spec.volumes or {}) do
      if v.hostPath then bad[#bad + 1] = "hostPath volume " .. tostring(v.name) end
    end
    if spec.hostNetwork == true then bad[#bad + 1] = "hostNetwork" end
    for _, c in ipairs(ctx.containers(s.object)) do
      if k8s.dig(c, "securityContext", "privileged") == true then bad[#bad + 1] = "privileged container " .. c.name end
      for _, p in ipairs(c.ports or {}) do
        if (p.hostPort or 0) > 0 then bad[#bad + 1] = "hostPort " .. p.hostPort .. " of " .. c.name end
      end
    end
    if #bad > 0 then
      return ctx.fail("on virtual node " .. tostring(spec.nodeName) .. ": " .. table.concat(bad, ", ")
        .. " (unsupported on ECI)", { unsupported = bad, node = spec.nodeName })
    end
    return ctx.pass("no feature unsupported on ECI")
  end,
}
