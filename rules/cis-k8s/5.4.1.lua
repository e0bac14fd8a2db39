-- CIS 5.4.1: Secrets are used as files rather than environment variables.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * a container with env[].valueFrom.secretKeyRef or envFrom[].secretRef -> fail, listing
--     container and Secret; otherwise pass. (Manual in the benchmark, no audit.)
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.4.1",
  title = {
    en = "Secrets are used as files rather than environment variables",
    zh = "以文件而非环境变量的方式使用 Secret",
  },
  severity = "medium",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.4.1", scored = false },
    mlps = { control = "8.1.4.8 b)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "Environment variables end up in logs, crash dumps and `kubectl describe`-style tooling, "
      .. "and every child process inherits them.",
    zh = "环境变量容易出现在日志、崩溃转储及排障工具输出中，且会被所有子进程继承。",
  },
  remediation = {
    en = "Mount the Secret as a volume and read the file, instead of env[].valueFrom.secretKeyRef "
      .. "or envFrom[].secretRef.",
    zh = "将 Secret 以卷的形式挂载并读取文件，替代 env[].valueFrom.secretKeyRef 或 envFrom[].secretRef。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.4.1" },
  tags = { "secrets" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local bad = {}
    for _, c in ipairs(ctx.containers(pod)) do
      for _, e in ipairs(c.env or {}) do
        local ref = cis.dig(e, "valueFrom", "secretKeyRef")
        if ref ~= nil then bad[#bad + 1] = c.name .. ": " .. tostring(e.name) .. " <- " .. tostring(ref.name) end
      end
      for _, e in ipairs(c.envFrom or {}) do
        if e.secretRef ~= nil then bad[#bad + 1] = c.name .. ": envFrom " .. tostring(e.secretRef.name) end
      end
    end
    if #bad > 0 then
      return ctx.fail(cis.msg("Secrets in environment variables: " .. cis.shorten(bad), "通过环境变量使用 Secret：" .. cis.shorten(bad)), { env = bad })
    end
    return ctx.pass(cis.msg("no Secret in environment variables", "没有通过环境变量使用 Secret"), { env = bad })
  end,
}
