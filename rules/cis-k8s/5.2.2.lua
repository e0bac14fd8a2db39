-- CIS 5.2.2: Admission of privileged containers is minimised.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * any container with securityContext.privileged: true -> fail (as kube-bench); the workload
--     pack's workload/privileged-container is the same check with per-agent exemptions.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.2.2",
  title = {
    en = "Admission of privileged containers is minimised",
    zh = "最小化特权容器的准入",
  },
  severity = "high",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.2", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "A privileged container has all capabilities and the host's devices: escaping to the node "
      .. "is trivial.",
    zh = "特权容器拥有全部 Capabilities 并可访问宿主机设备，逃逸到节点轻而易举。",
  },
  remediation = {
    en = "Remove securityContext.privileged: true (add only the capabilities needed) and enforce "
      .. "the baseline Pod Security Standard on the namespace.",
    zh = "删除 securityContext.privileged: true（仅添加必需的 Capabilities），并在命名空间上实施 baseline Pod 安全标准。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.2" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local bad = {}
    for _, c in ipairs(ctx.containers(pod)) do
      if cis.dig(c, "securityContext", "privileged") == true then bad[#bad + 1] = c.name end
    end
    if #bad > 0 then
      return ctx.fail(cis.msg("privileged containers: " .. cis.join(bad), "特权容器：" .. cis.join(bad)), { containers = bad })
    end
    return ctx.pass(cis.msg("no privileged container", "没有特权容器"), { containers = bad })
  end,
}
