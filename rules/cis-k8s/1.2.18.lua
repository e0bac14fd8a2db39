-- CIS 1.2.18: API server keeps at least 10 rotated audit log files.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * numeric --audit-log-maxbackup >= the `min_files` parameter (default 10); unset or non-numeric -> fail
--     (the API server default 0 means no limit on age/count-based retention is configured).
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "audit-log-maxbackup",
  kind = "gte",
  param = "min_files",
}

return {
  api = 1,
  id = "cis-k8s/1.2.18",
  title = {
    en = "API server keeps at least 10 rotated audit log files",
    zh = "kube-apiserver 至少保留 10 个轮转的审计日志文件（--audit-log-maxbackup）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.18", scored = true },
    mlps = { control = "8.1.4.3 c)" },
  },
  params = {
    min_files = { default = 10, description = "minimum --audit-log-maxbackup (CIS: 10; 等保 assessors often ask for 180 days of audit history)" },
  },
  impact = {
    en = "Too few rotated files lose history during bursts of activity.",
    zh = "轮转文件过少时，请求高峰期间的审计记录会被覆盖丢失。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--audit-log-maxbackup=10 or greater; the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，设置 --audit-log-maxbackup=10 "
      .. "或更大的值；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.18" },
  tags = { "control-plane", "apiserver", "audit" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
