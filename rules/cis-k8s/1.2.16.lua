-- CIS 1.2.16: API server audit log path is set.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * --audit-log-path must be set. (An audit webhook backend alone does not satisfy the benchmark.)
local cis = require("cis")

local SPEC = { process = "kube-apiserver", kind = "present", flags = { "audit-log-path" } }

return {
  api = 1,
  id = "cis-k8s/1.2.16",
  title = {
    en = "API server audit log path is set",
    zh = "kube-apiserver 已配置审计日志路径（--audit-log-path）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.16", scored = true },
    mlps = { control = "8.1.4.3 a)" },
  },
  impact = {
    en = "Without an audit log there is no record of who did what in the cluster: incidents cannot "
      .. "be investigated.",
    zh = "没有审计日志就无法追溯谁在集群中做了什么，安全事件无法调查取证。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--audit-log-path (e.g. /var/log/kubernetes/audit/audit.log), mount the directory into "
      .. "the static Pod and set --audit-policy-file; the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，设置 --audit-log-path（如 "
      .. "/var/log/kubernetes/audit/audit.log），把该目录挂载进静态 Pod，并配置 --audit-policy-file；kubelet "
      .. "会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.16" },
  tags = { "control-plane", "apiserver", "audit" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
