-- DaemonSets keep off virtual nodes (seed 003, ECI-VK-005): a virtual node (ECI /
-- virtual-kubelet) cannot run DaemonSet Pods, which then stay Pending there. A DaemonSet is
-- placed on a node its Pod template may be scheduled to: nodeSelector and required
-- nodeAffinity match the node, and every NoSchedule/NoExecute taint is tolerated (a toleration
-- `operator: Exists` without a key tolerates the virtual-kubelet taint too).
--   some virtual node admits the DaemonSet -> fail (names the nodes; Pending Pods there listed)
--   no virtual node admits it -> pass;  no virtual node in the cluster -> na
local k8s = require("k8s")

return {
  api = 1,
  id = "health/eci-daemonset-virtual-nodes",
  title = { en = "DaemonSets are kept off virtual nodes", zh = "DaemonSet 不会调度到虚拟节点（ECI）" },
  severity = "medium",
  scope = "workload",
  requires = { "objects.nodes" },
  applies = function(s) return s.kind == "DaemonSet" end,
  impact = {
    en = "ECI does not run DaemonSets: their Pods on a virtual node stay Pending forever, the "
      .. "DaemonSet never reports all Pods ready and alerts on it fire.",
    zh = "ECI 不支持 DaemonSet：调度到虚拟节点的 DaemonSet Pod 会一直处于 Pending 状态，DaemonSet 永远无法全部就绪并引发告警。",
  },
  remediation = {
    en = "Add to the DaemonSet's Pod template a required nodeAffinity `type NotIn "
      .. "[virtual-kubelet]`, or remove the toleration that admits the virtual-kubelet.io/provider "
      .. "taint (a toleration with operator Exists and no key tolerates every taint).",
    zh = "在 DaemonSet 的 Pod 模板中添加 nodeAffinity：type NotIn [virtual-kubelet]；或去掉能容忍 "
      .. "virtual-kubelet.io/provider 污点的容忍（operator 为 Exists 且不指定 key 的容忍会容忍所有污点）。",
  },
  references = { "ECI: Kubernetes 对接 ECI 不支持的功能（DaemonSet）" },
  tags = { "eci", "workload" },
  check = function(s, ctx)
    local virtual = {}
    for _, n in ipairs(ctx.objects("nodes")) do
      if k8s.is_virtual_node(n) then virtual[#virtual + 1] = n end
    end
    if #virtual == 0 then return ctx.na("no virtual node in the cluster") end
    local spec = k8s.dig(s.object, "spec", "template", "spec") or {}
    local admitted = {}
    for _, n in ipairs(virtual) do
      if k8s.schedulable_on(spec, n) then admitted[#admitted + 1] = k8s.dig(n, "metadata", "name") end
    end
    table.sort(admitted)
    local evidence = { virtual_nodes = #virtual, admitted = admitted }
    if #admitted == 0 then
      return ctx.pass(string.format("kept off all %s", k8s.plural(#virtual, "virtual node")), evidence)
    end
    local pending = {}
    if ctx.has_objects("pods") then
      local md = s.object.metadata or {}
      for _, p in ipairs(ctx.objects("pods")) do
        local owner = k8s.controller(p)
        if owner and owner.kind == "DaemonSet" and owner.name == md.name
            and k8s.dig(p, "metadata", "namespace") == md.namespace
            and k8s.dig(p, "status", "phase") == "Pending"
            and k8s.contains(admitted, k8s.dig(p, "spec", "nodeName")
              or k8s.dig(p, "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                "nodeSelectorTerms", 1, "matchFields", 1, "values", 1)) then
          pending[#pending + 1] = k8s.dig(p, "metadata", "name")
        end
      end
      table.sort(pending)
      evidence.pending_pods = pending
    end
    return ctx.fail(string.format("may be scheduled to virtual node%s %s%s", #admitted > 1 and "s" or "",
      table.concat(admitted, ", "),
      #pending > 0 and (" (" .. k8s.plural(#pending, "Pod") .. " Pending there)") or ""), evidence)
  end,
}
