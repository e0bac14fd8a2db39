-- CIS 5.6.3: Security context is applied to Pods and containers.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * a container with neither its own non-empty securityContext nor a non-empty Pod
--     securityContext -> fail, listing the containers; otherwise pass. (Manual in the
--     benchmark; the settings themselves are controls 5.2.x and 5.6.2.)
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.6.3",
  title = {
    en = "Security context is applied to Pods and containers",
    zh = "为 Pod 和容器配置安全上下文（securityContext）",
  },
  severity = "low",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.6.3", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "Without a security context every setting is the permissive default: root user, privilege "
      .. "escalation, all default capabilities, writable root filesystem.",
    zh = "不配置安全上下文时所有设置都取宽松的默认值：root 用户、允许权限提升、默认 Capabilities、可写根文件系统。",
  },
  remediation = {
    en = "Add a securityContext to the Pod and its containers (runAsNonRoot, "
      .. "allowPrivilegeEscalation: false, capabilities drop ALL, readOnlyRootFilesystem, "
      .. "seccompProfile RuntimeDefault).",
    zh = "为 Pod 及其容器添加 securityContext（runAsNonRoot、allowPrivilegeEscalation: false、capabilities "
      .. "drop ALL、readOnlyRootFilesystem、seccompProfile RuntimeDefault）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.6.3" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local pod_sc = cis.count(cis.dig(pod, "spec", "securityContext")) > 0
    local bare = {}
    for _, c in ipairs(ctx.containers(pod)) do
      if cis.count(c.securityContext) == 0 and not pod_sc then bare[#bare + 1] = c.name end
    end
    if #bare > 0 then
      return ctx.fail(cis.msg("no security context: " .. cis.join(bare), "未设置安全上下文：" .. cis.join(bare)), { containers = bare })
    end
    return ctx.pass(cis.msg("security context applied" .. (pod_sc and " (Pod level)" or " (every container)"), "已设置安全上下文" .. (pod_sc and "（Pod 级别）" or "（每个容器）")),
      { containers = bare })
  end,
}
