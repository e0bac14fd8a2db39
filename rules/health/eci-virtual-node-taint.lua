-- Virtual nodes carry the virtual-kubelet taint (seed 003, ECI-VK-007): virtual-kubelet sets
-- `virtual-kubelet.io/provider=alibabacloud:NoSchedule` (VKUBELET_TAINT_*), so only Pods that
-- ask for ECI land there. A virtual node (label type=virtual-kubelet or a virtual-kubelet
-- name) without a NoSchedule/NoExecute taint of key `taint_key` -> warn (ordinary Pods,
-- DaemonSets included, may be placed on ECI). Ordinary nodes are not evaluated.
local k8s = require("k8s")

return {
  api = 1,
  id = "health/eci-virtual-node-taint",
  title = { en = "Virtual nodes carry the virtual-kubelet taint", zh = "虚拟节点带有 virtual-kubelet 污点" },
  severity = "medium",
  scope = "node",
  applies = function(s) return s.object ~= nil and k8s.is_virtual_node(s.object) end,
  params = {
    taint_key = { default = "virtual-kubelet.io/provider", description = "the taint key virtual nodes must carry" },
  },
  impact = {
    en = "Without the taint the scheduler treats the virtual node as an ordinary node: Pods "
      .. "that use hostPath, hostNetwork or DaemonSets are placed on ECI, where they fail or stay Pending.",
    zh = "缺少污点时调度器会把虚拟节点当作普通节点：使用 hostPath、hostNetwork 的 Pod 和 DaemonSet 会被调度到 ECI，导致创建失败或一直 Pending。",
  },
  remediation = {
    en = "Set VKUBELET_TAINT_KEY=virtual-kubelet.io/provider, VKUBELET_TAINT_VALUE=alibabacloud "
      .. "and VKUBELET_TAINT_EFFECT=NoSchedule in the virtual-kubelet Deployment, or taint the "
      .. "node: kubectl taint node <node> virtual-kubelet.io/provider=alibabacloud:NoSchedule.",
    zh = "在 virtual-kubelet Deployment 中设置 VKUBELET_TAINT_KEY=virtual-kubelet.io/provider、VKUBELET_TAINT_VALUE=alibabacloud、"
      .. "VKUBELET_TAINT_EFFECT=NoSchedule，或执行 kubectl taint node <node> virtual-kubelet.io/provider=alibabacloud:NoSchedule。",
  },
  references = { "ECI: 部署 Virtual Kubelet（VKUBELET_TAINT_KEY）" },
  tags = { "eci", "node" },
  check = function(s, ctx)
    local key = ctx.param("taint_key")
    for _, t in ipairs(k8s.dig(s.object, "spec", "taints") or {}) do
      if t.key == key and (t.effect == "NoSchedule" or t.effect == "NoExecute") then
        return ctx.pass(string.format("tainted %s=%s:%s", key, tostring(t.value or ""), t.effect))
      end
    end
    return ctx.warn("virtual node without a NoSchedule/NoExecute taint " .. key, { taints = k8s.dig(s.object, "spec", "taints") })
  end,
}
