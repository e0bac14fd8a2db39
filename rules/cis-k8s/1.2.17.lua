-- CIS 1.2.17: API server keeps audit logs for at least 30 days.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * numeric --audit-log-maxage >= the `min_days` parameter (default 30); unset or non-numeric -> fail
--     (the API server default 0 means no limit on age/count-based retention is configured).
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "audit-log-maxage",
  kind = "gte",
  param = "min_days",
}

return {
  api = 1,
  id = "cis-k8s/1.2.17",
  title = {
    en = "API server keeps audit logs for at least 30 days",
    zh = "kube-apiserver 审计日志至少保留 30 天（--audit-log-maxage）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.17", scored = true },
    mlps = { control = "8.1.4.3 c)" },
  },
  params = {
    min_days = { default = 30, description = "minimum --audit-log-maxage (CIS: 30; 等保 assessors often ask for 180 days of audit history)" },
  },
  impact = {
    en = "Short retention destroys the evidence needed for investigations and for audits.",
    zh = "保留时间过短会丢失调查取证和合规审计所需的证据。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--audit-log-maxage=30 or greater; the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，设置 --audit-log-maxage=30 "
      .. "或更大的值；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.17" },
  tags = { "control-plane", "apiserver", "audit" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
