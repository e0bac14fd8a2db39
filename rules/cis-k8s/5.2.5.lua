-- CIS 5.2.5: Admission of containers wishing to share the host network namespace is minimised.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * spec.hostNetwork: true -> fail; unset or false -> pass (as kube-bench).
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.2.5",
  title = {
    en = "Admission of containers wishing to share the host network namespace is minimised",
    zh = "最小化共享宿主机网络命名空间的容器的准入",
  },
  severity = "high",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.5", scored = false },
    mlps = { control = "8.1.3.1 a)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "A container on the host network can bind host ports, sniff node traffic and reach "
      .. "services listening on localhost, bypassing NetworkPolicies.",
    zh = "使用宿主机网络的容器可以占用宿主机端口、嗅探节点流量并访问仅监听本地的服务，且不受 NetworkPolicy 约束。",
  },
  remediation = {
    en = "Remove spec.hostNetwork: true from the workload and enforce the baseline Pod Security "
      .. "Standard on the namespace.",
    zh = "从工作负载中删除 spec.hostNetwork: true，并在命名空间上实施 baseline Pod 安全标准。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.5" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    if cis.dig(pod, "spec", "hostNetwork") == true then
      return ctx.fail(cis.msg("spec.hostNetwork is true", "spec.hostNetwork 为 true（共享宿主机网络命名空间）"), { hostNetwork = true })
    end
    return ctx.pass(cis.msg("spec.hostNetwork is not set", "未设置 spec.hostNetwork"), { hostNetwork = false })
  end,
}
