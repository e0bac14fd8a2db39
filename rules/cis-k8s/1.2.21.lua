-- CIS 1.2.21: API server validates service-account tokens against etcd.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * unset passes (the default is true); an explicit value must be true.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "service-account-lookup",
  kind = "eq",
  value = "true",
  unset = "pass",
  default = "true",
  expected = "true or unset",
}

return {
  api = 1,
  id = "cis-k8s/1.2.21",
  title = {
    en = "API server validates service-account tokens against etcd",
    zh = "kube-apiserver 校验 ServiceAccount 令牌是否仍存在（--service-account-lookup）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.21", scored = true },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "Without the lookup, tokens of deleted service accounts stay valid until they expire.",
    zh = "关闭该校验后，已删除的 ServiceAccount 的令牌在过期前仍然有效。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and remove "
      .. "--service-account-lookup=false (the default is true); the kubelet restarts the "
      .. "component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，删除 "
      .. "--service-account-lookup=false（默认值即为 true）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.21" },
  tags = { "control-plane", "apiserver", "authentication" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
