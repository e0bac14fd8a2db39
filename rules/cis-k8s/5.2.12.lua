-- CIS 5.2.12: Admission of containers which use HostPorts is minimised.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * any container port with hostPort > 0 -> fail.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.2.12",
  title = {
    en = "Admission of containers which use HostPorts is minimised",
    zh = "最小化使用 hostPort 的容器的准入",
  },
  severity = "high",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.12", scored = false },
    mlps = { control = "8.1.3.1 a)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "A hostPort exposes the container on the node's address, outside Services and often "
      .. "outside NetworkPolicies.",
    zh = "hostPort 会把容器直接暴露在节点地址上，绕开 Service，往往也不受 NetworkPolicy 约束。",
  },
  remediation = {
    en = "Remove hostPort from the container ports and expose the workload through a Service.",
    zh = "删除容器端口中的 hostPort，改为通过 Service 对外暴露。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.12" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local bad = {}
    for _, c in ipairs(ctx.containers(pod)) do
      for _, p in ipairs(c.ports or {}) do
        if type(p.hostPort) == "number" and p.hostPort > 0 then
          bad[#bad + 1] = c.name .. ":" .. tostring(p.hostPort)
        end
      end
    end
    if #bad > 0 then return ctx.fail(cis.msg("hostPorts: " .. cis.join(bad), "使用了 hostPort：" .. cis.join(bad)), { host_ports = bad }) end
    return ctx.pass(cis.msg("no hostPort", "没有使用 hostPort"), { host_ports = bad })
  end,
}
