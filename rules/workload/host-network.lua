-- The Pod does not share the host's network namespace (spec.hostNetwork: true is a risk).
-- ACK 配置巡检 hostNetworkSet; the ACK and strict readings are the same. System workloads in the
-- `exempt` parameter (kube-system, node-exporter) get na with the reason.
local k8s = require("k8s")
local podsec = require("podsec")

return {
  api = 1,
  id = "workload/host-network",
  title = { en = "Pods do not use the host network", zh = "Pod 未使用宿主机网络（hostNetwork）" },
  severity = "high",
  scope = "pod",
  applies = podsec.applies,
  params = {
    exempt = { default = podsec.system_exempt(),
               description = "Pods allowed to use the host namespace: { namespace, name_prefix or name, reason }" },
  },
  impact = { en = "A container on the host network can sniff and attack the node's traffic and reach every port bound on the node's addresses.", zh = "使用宿主机网络的容器可以嗅探、攻击节点网络流量，并访问节点上监听的所有端口。" },
  remediation = {
    en = "Remove spec.hostNetwork from the Pod template. If the workload really needs it (a node agent), "
      .. "add it to this rule's exempt list with the reason.",
    zh = "从 Pod 模板中删除 spec.hostNetwork；确需使用的节点代理类组件，请加入本规则的 exempt 参数并注明原因。",
  },
  references = { "ACK 配置巡检 hostNetworkSet", "Pod Security Standards baseline: host namespaces" },
  tags = { "security", "pod-security", "network", "config-inspection" },
  check = function(s, ctx)
    if k8s.dig(s.object, "spec", "hostNetwork") ~= true then return ctx.pass("spec.hostNetwork is not set") end
    local e = podsec.exempt(ctx, s)
    if e ~= nil then return ctx.na(k8s.exemption_reason(e)) end
    return ctx.fail("spec.hostNetwork is true; expected false or unset", { hostNetwork = true, expected = false })
  end,
}
