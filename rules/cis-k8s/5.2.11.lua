-- CIS 5.2.11: Admission of HostPath volumes is minimised.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * any volume of type hostPath -> fail, listing volume names and host paths.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.2.11",
  title = {
    en = "Admission of HostPath volumes is minimised",
    zh = "最小化 hostPath 卷的准入",
  },
  severity = "high",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.11", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "A hostPath volume exposes node files to the container: /var/run/containerd.sock, /etc or "
      .. "/ give the node away.",
    zh = "hostPath 卷把节点文件暴露给容器，挂载 containerd.sock、/etc 或根目录即等于交出节点。",
  },
  remediation = {
    en = "Replace hostPath volumes with PersistentVolumeClaims, ConfigMaps or emptyDir; enforce "
      .. "the baseline Pod Security Standard.",
    zh = "用 PVC、ConfigMap 或 emptyDir 替代 hostPath 卷，并实施 baseline Pod 安全标准。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.11" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local bad = {}
    for _, v in ipairs(cis.dig(pod, "spec", "volumes") or {}) do
      if v.hostPath ~= nil then bad[#bad + 1] = tostring(v.name) .. " (" .. tostring(v.hostPath.path) .. ")" end
    end
    if #bad > 0 then return ctx.fail(cis.msg("hostPath volumes: " .. cis.join(bad), "使用了 hostPath 卷：" .. cis.join(bad)), { volumes = bad }) end
    return ctx.pass(cis.msg("no hostPath volume", "没有 hostPath 卷"), { volumes = bad })
  end,
}
