-- CIS 1.2.30: API server does not extend service-account token expiration.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * flag absent -> fail: the default is true.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "service-account-extend-token-expiration",
  kind = "eq",
  value = "false",
  unset = "fail",
  default = "true (projected tokens are extended to one year)",
  expected = "false",
  ack = "the ACK benchmark has no control for this flag",
}

return {
  api = 1,
  id = "cis-k8s/1.2.30",
  title = {
    en = "API server does not extend service-account token expiration",
    zh = "kube-apiserver 不延长 ServiceAccount 令牌有效期（--service-account-extend-token-expiration=false）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.30", scored = true },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "With extension on, projected service-account tokens stay valid for up to a year, so a "
      .. "stolen token is useful for a long time.",
    zh = "开启延长后，投射的 ServiceAccount 令牌有效期可长达一年，令牌泄露后长期可被利用。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and add "
      .. "--service-account-extend-token-expiration=false (make sure clients reload rotated tokens "
      .. "first); the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，加入 "
      .. "--service-account-extend-token-expiration=false（先确认客户端能重新加载轮换后的令牌）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.30" },
  tags = { "control-plane", "apiserver", "authentication" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
