-- The Pod does not share the host's IPC namespace (spec.hostIPC: true is a risk).
-- ACK 配置巡检 hostIPCSet; the ACK and strict readings are the same. System workloads in the
-- `exempt` parameter (kube-system, node-exporter) get na with the reason.
local k8s = require("k8s")
local podsec = require("podsec")

return {
  api = 1,
  id = "workload/host-ipc",
  title = { en = "Pods do not share the host IPC namespace", zh = "Pod 未共享宿主机 IPC 命名空间（hostIPC）" },
  severity = "high",
  scope = "pod",
  applies = podsec.applies,
  params = {
    exempt = { default = podsec.system_exempt(),
               description = "Pods allowed to use the host namespace: { namespace, name_prefix or name, reason }" },
  },
  impact = { en = "A container in the host IPC namespace can read and tamper with shared memory of every process on the node.", zh = "共享宿主机 IPC 命名空间的容器可以读取、篡改节点上其他进程的共享内存，进行攻击或窃取数据。" },
  remediation = {
    en = "Remove spec.hostIPC from the Pod template. If the workload really needs it (a node agent), "
      .. "add it to this rule's exempt list with the reason.",
    zh = "从 Pod 模板中删除 spec.hostIPC；确需使用的节点代理类组件，请加入本规则的 exempt 参数并注明原因。",
  },
  references = { "ACK 配置巡检 hostIPCSet", "Pod Security Standards baseline: host namespaces" },
  tags = { "security", "pod-security", "config-inspection" },
  check = function(s, ctx)
    if k8s.dig(s.object, "spec", "hostIPC") ~= true then return ctx.pass("spec.hostIPC is not set") end
    local e = podsec.exempt(ctx, s)
    if e ~= nil then return ctx.na(k8s.exemption_reason(e)) end
    return ctx.fail("spec.hostIPC is true; expected false or unset", { hostIPC = true, expected = false })
  end,
}
