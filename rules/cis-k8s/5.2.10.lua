-- CIS 5.2.10: Admission of Windows HostProcess containers is minimised.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * windowsOptions.hostProcess true on the Pod or any container -> fail.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.2.10",
  title = {
    en = "Admission of Windows HostProcess containers is minimised",
    zh = "最小化 Windows HostProcess 容器的准入",
  },
  severity = "high",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.10", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "A HostProcess container runs directly on the Windows host with the host's network and "
      .. "filesystem.",
    zh = "HostProcess 容器直接在 Windows 宿主机上运行，共享宿主机网络和文件系统。",
  },
  remediation = {
    en = "Remove securityContext.windowsOptions.hostProcess: true (Pod and containers) unless the "
      .. "workload is a node agent.",
    zh = "除节点代理外，删除 Pod 及容器的 securityContext.windowsOptions.hostProcess: true。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.10" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local bad = {}
    if cis.dig(pod, "spec", "securityContext", "windowsOptions", "hostProcess") == true then
      bad[#bad + 1] = "Pod securityContext"
    end
    for _, c in ipairs(ctx.containers(pod)) do
      if cis.dig(c, "securityContext", "windowsOptions", "hostProcess") == true then
        bad[#bad + 1] = c.name
      end
    end
    if #bad > 0 then return ctx.fail(cis.msg("HostProcess: " .. cis.join(bad), "使用了 Windows HostProcess 容器：" .. cis.join(bad)), { hostprocess = bad }) end
    return ctx.pass(cis.msg("no HostProcess container", "没有 HostProcess 容器"), { hostprocess = bad })
  end,
}
