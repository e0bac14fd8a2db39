-- CIS 5.2.4: Admission of containers wishing to share the host IPC namespace is minimised.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * spec.hostIPC: true -> fail; unset or false -> pass (as kube-bench).
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.2.4",
  title = {
    en = "Admission of containers wishing to share the host IPC namespace is minimised",
    zh = "最小化共享宿主机 IPC 命名空间的容器的准入",
  },
  severity = "high",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.4", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "A container in the host IPC namespace can read and write the shared memory of every "
      .. "process on the node.",
    zh = "共享宿主机 IPC 命名空间的容器可以读写节点上所有进程的共享内存。",
  },
  remediation = {
    en = "Remove spec.hostIPC: true from the workload and enforce the baseline Pod Security "
      .. "Standard on the namespace.",
    zh = "从工作负载中删除 spec.hostIPC: true，并在命名空间上实施 baseline Pod 安全标准。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.4" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    if cis.dig(pod, "spec", "hostIPC") == true then
      return ctx.fail(cis.msg("spec.hostIPC is true", "spec.hostIPC 为 true（共享宿主机 IPC 命名空间）"), { hostIPC = true })
    end
    return ctx.pass(cis.msg("spec.hostIPC is not set", "未设置 spec.hostIPC"), { hostIPC = false })
  end,
}
