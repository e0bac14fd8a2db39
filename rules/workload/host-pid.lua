-- The Pod does not share the host's PID namespace (spec.hostPID: true is a risk).
-- ACK 配置巡检 hostPIDSet; the ACK and strict readings are the same. System workloads in the
-- `exempt` parameter (kube-system, node-exporter) get na with the reason.
local k8s = require("k8s")
local podsec = require("podsec")

return {
  api = 1,
  id = "workload/host-pid",
  title = { en = "Pods do not share the host PID namespace", zh = "Pod 未共享宿主机 PID 命名空间（hostPID）" },
  severity = "high",
  scope = "pod",
  applies = podsec.applies,
  params = {
    exempt = { default = podsec.system_exempt(),
               description = "Pods allowed to use the host namespace: { namespace, name_prefix or name, reason }" },
  },
  impact = { en = "A container in the host PID namespace sees every process of the node, can read their environment and signal them.", zh = "共享宿主机 PID 命名空间的容器可以看到并操作节点上的所有进程，窃取其环境变量等敏感信息。" },
  remediation = {
    en = "Remove spec.hostPID from the Pod template. If the workload really needs it (a node agent), "
      .. "add it to this rule's exempt list with the reason.",
    zh = "从 Pod 模板中删除 spec.hostPID；确需使用的节点代理类组件，请加入本规则的 exempt 参数并注明原因。",
  },
  references = { "ACK 配置巡检 hostPIDSet", "Pod Security Standards baseline: host namespaces" },
  tags = { "security", "pod-security", "config-inspection" },
  check = function(s, ctx)
    if k8s.dig(s.object, "spec", "hostPID") ~= true then return ctx.pass("spec.hostPID is not set") end
    local e = podsec.exempt(ctx, s)
    if e ~= nil then return ctx.na(k8s.exemption_reason(e)) end
    return ctx.fail("spec.hostPID is true; expected false or unset", { hostPID = true, expected = false })
  end,
}
