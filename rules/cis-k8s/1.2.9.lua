-- CIS 1.2.9: EventRateLimit admission plugin is enabled.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * token test on --enable-admission-plugins; absent -> fail. The limits themselves live in the
--     --admission-control-config-file, which is not collected. Manual in the benchmark.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "enable-admission-plugins",
  kind = "has",
  token = "EventRateLimit",
  default = "EventRateLimit is off by default",
  expected = "includes EventRateLimit",
}

return {
  api = 1,
  id = "cis-k8s/1.2.9",
  title = {
    en = "EventRateLimit admission plugin is enabled",
    zh = "kube-apiserver 已启用 EventRateLimit 准入插件",
  },
  severity = "low",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.9", scored = false },
    mlps = { control = "8.1.4.4 b)" },
  },
  impact = {
    en = "Without an event rate limit a misbehaving or malicious client can flood the API server "
      .. "and etcd with Events.",
    zh = "没有事件限流时，异常或恶意客户端可以用大量 Event 压垮 API Server 和 etcd。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and add "
      .. "EventRateLimit to --enable-admission-plugins and point --admission-control-config-file "
      .. "at an AdmissionConfiguration with an EventRateLimit configuration; the kubelet restarts "
      .. "the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，在 --enable-admission-plugins "
      .. "中加入 EventRateLimit，并通过 --admission-control-config-file 指定包含 EventRateLimit 配置的 "
      .. "AdmissionConfiguration；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.9" },
  tags = { "control-plane", "apiserver", "admission" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
