-- CIS 1.2.2: API server does not use static token authentication.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * pass when --token-auth-file is absent, fail when it is set (any value).
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "token-auth-file",
  kind = "absent",
  expected = "not set",
}

return {
  api = 1,
  id = "cis-k8s/1.2.2",
  title = {
    en = "API server does not use static token authentication",
    zh = "kube-apiserver 未使用静态令牌文件认证（--token-auth-file）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.2", scored = true },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "Static tokens live in clear text on the control plane, never expire and can only be "
      .. "changed by restarting the API server.",
    zh = "静态令牌以明文保存在控制面节点上，永不过期，且只能通过重启 API Server 更换。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and remove "
      .. "--token-auth-file; use client certificates, OIDC or service-account tokens instead; the "
      .. "kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，删除 --token-auth-file "
      .. "参数，改用客户端证书、OIDC 或 ServiceAccount 令牌等认证方式；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.2" },
  tags = { "control-plane", "apiserver", "authentication" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
