-- CIS 5.2.7: Admission of root containers is minimised.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * per container, the effective runAsNonRoot / runAsUser (container over Pod): runAsUser 0
--     -> fail; runAsNonRoot true or runAsUser > 0 -> fine; neither set -> warn (the image's USER
--     decides, and images are not inspected).
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.2.7",
  title = {
    en = "Admission of root containers is minimised",
    zh = "最小化以 root 身份运行的容器的准入",
  },
  severity = "medium",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.7", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "A process running as root in the container is root on the host once it escapes, and can "
      .. "modify the container's own filesystem.",
    zh = "容器内以 root 运行的进程一旦逃逸就是宿主机上的 root，并且可以修改容器自身的文件系统。",
  },
  remediation = {
    en = "Set runAsNonRoot: true (and a non-zero runAsUser) in the Pod or container "
      .. "securityContext; build images with a non-root USER.",
    zh = "在 Pod 或容器的 securityContext 中设置 runAsNonRoot: true（及非 0 的 runAsUser），并使用非 root USER 构建镜像。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.7" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local root, unknown = {}, {}
    for _, c in ipairs(ctx.containers(pod)) do
      local user = cis.effective_sc(pod, c, "runAsUser")
      local nonroot = cis.effective_sc(pod, c, "runAsNonRoot")
      if user == 0 then
        root[#root + 1] = c.name
      elseif not (nonroot == true or (type(user) == "number" and user > 0)) then
        unknown[#unknown + 1] = c.name
      end
    end
    local evidence = { root = root, unknown = unknown, expected = "runAsNonRoot: true" }
    if #root > 0 then return ctx.fail(cis.msg("runAsUser 0 (root): " .. cis.join(root), "以 root 身份运行（runAsUser 0）：" .. cis.join(root)), evidence) end
    if #unknown > 0 then
      return ctx.warn(cis.msg("may run as root (no runAsNonRoot or non-zero runAsUser; the image "
        .. "USER decides): " .. cis.join(unknown), "可能以 root 身份运行（未设置 runAsNonRoot 或非零 "
        .. "runAsUser，由镜像的 USER 决定）：" .. cis.join(unknown)), evidence)
    end
    return ctx.pass(cis.msg("every container runs as non-root", "所有容器均以非 root 身份运行"), evidence)
  end,
}
