-- CIS 1.2.3: DenyServiceExternalIPs admission plugin is enabled.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * the plugin list is split on commas and compared token by token; flag absent -> fail (the
--     plugin is not in the default set). Manual in the benchmark (WARN in kube-bench).
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "enable-admission-plugins",
  kind = "has",
  token = "DenyServiceExternalIPs",
  default = "DenyServiceExternalIPs is off by default",
  expected = "includes DenyServiceExternalIPs",
  ack = "the ACK benchmark has no DenyServiceExternalIPs control",
}

return {
  api = 1,
  id = "cis-k8s/1.2.3",
  title = {
    en = "DenyServiceExternalIPs admission plugin is enabled",
    zh = "kube-apiserver 已启用 DenyServiceExternalIPs 准入插件",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.3", scored = false },
    mlps = { control = "8.1.3.1 a)" },
  },
  impact = {
    en = "Anyone allowed to create Services can set spec.externalIPs and intercept traffic for "
      .. "those addresses (CVE-2020-8554).",
    zh = "任何能创建 Service 的用户都可以设置 spec.externalIPs 来劫持发往这些地址的流量（CVE-2020-8554）。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and add "
      .. "DenyServiceExternalIPs to --enable-admission-plugins (keep the plugins already listed); "
      .. "the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，在 --enable-admission-plugins "
      .. "中加入 DenyServiceExternalIPs（保留已有插件）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.3" },
  tags = { "control-plane", "apiserver", "admission" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
