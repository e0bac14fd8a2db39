-- CIS 5.2.6: Admission of containers with allowPrivilegeEscalation is minimised.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * explicit allowPrivilegeEscalation: true (or privileged, which implies it) -> fail;
--     unset -> warn: the field defaults to true, kube-bench passes it but the restricted Pod
--     Security Standard requires false; false everywhere -> pass.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.2.6",
  title = {
    en = "Admission of containers with allowPrivilegeEscalation is minimised",
    zh = "最小化允许权限提升（allowPrivilegeEscalation）的容器的准入",
  },
  severity = "medium",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.6", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "Without allowPrivilegeEscalation: false a process can gain more privileges than its "
      .. "parent (setuid binaries, file capabilities).",
    zh = "未设置 allowPrivilegeEscalation: false 时，进程可以通过 setuid 程序或文件 Capabilities 获得比父进程更高的权限。",
  },
  remediation = {
    en = "Set securityContext.allowPrivilegeEscalation: false on every container; enforce the "
      .. "restricted Pod Security Standard.",
    zh = "为每个容器设置 securityContext.allowPrivilegeEscalation: false，并实施 restricted Pod 安全标准。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.6" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local bad, unset = {}, {}
    for _, c in ipairs(ctx.containers(pod)) do
      local ape = cis.dig(c, "securityContext", "allowPrivilegeEscalation")
      if ape == true or cis.dig(c, "securityContext", "privileged") == true then
        bad[#bad + 1] = c.name
      elseif ape == nil then
        unset[#unset + 1] = c.name
      end
    end
    local evidence = { allowed = bad, unset = unset, expected = false }
    if #bad > 0 then
      return ctx.fail(cis.msg("privilege escalation allowed: " .. cis.join(bad), "允许权限提升：" .. cis.join(bad)), evidence)
    end
    if #unset > 0 then
      return ctx.warn(cis.msg("allowPrivilegeEscalation not set (defaults to true): "
        .. cis.join(unset), "未设置 allowPrivilegeEscalation（默认为 true）：" .. cis.join(unset)),
        evidence)
    end
    return ctx.pass(cis.msg("allowPrivilegeEscalation false in every container", "所有容器的 allowPrivilegeEscalation 均为 false"), evidence)
  end,
}
