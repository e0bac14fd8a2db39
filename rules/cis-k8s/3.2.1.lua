-- CIS 3.2.1: A minimal audit policy is created.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * --audit-policy-file must be set (the benchmark marks it Manual; kube-bench still tests it).
local cis = require("cis")

local SPEC = { process = "kube-apiserver", kind = "present", flags = { "audit-policy-file" } }

return {
  api = 1,
  id = "cis-k8s/3.2.1",
  title = {
    en = "A minimal audit policy is created",
    zh = "kube-apiserver 已配置审计策略文件（--audit-policy-file）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "3.2.1", scored = false },
    mlps = { control = "8.1.4.3 a)" },
  },
  impact = {
    en = "Without a policy file the API server records no audit events at all, even with "
      .. "--audit-log-path set.",
    zh = "没有审计策略文件时，即使设置了 --audit-log-path，API Server 也不会记录任何审计事件。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and create "
      .. "an audit policy (at least Metadata for Secrets/ConfigMaps/TokenReviews, Request for "
      .. "other writes), pass it with --audit-policy-file and mount it into the static Pod; the "
      .. "kubelet restarts the component.",
    zh = "在每个控制面节点编辑 "
      .. "/etc/kubernetes/manifests/kube-apiserver.yaml，创建审计策略（Secret/ConfigMap/TokenReview 至少记录 "
      .. "Metadata，其他写操作记录 Request），通过 --audit-policy-file 指定并挂载进静态 Pod；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 3.2.1" },
  tags = { "control-plane", "apiserver", "audit" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
