-- CIS 1.2.25: API server client certificate CA is set.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * --client-ca-file must be set.
local cis = require("cis")

local SPEC = { process = "kube-apiserver", kind = "present", flags = { "client-ca-file" } }

return {
  api = 1,
  id = "cis-k8s/1.2.25",
  title = {
    en = "API server client certificate CA is set",
    zh = "kube-apiserver 已配置客户端证书 CA（--client-ca-file）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.25", scored = true },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "Without a client CA, client-certificate authentication is off: kubelets and "
      .. "administrators fall back to weaker credentials.",
    zh = "未配置客户端 CA 时客户端证书认证被关闭，kubelet 和管理员只能使用更弱的凭据。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--client-ca-file (kubeadm: /etc/kubernetes/pki/ca.crt); the kubelet restarts the "
      .. "component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，设置 --client-ca-file（kubeadm 为 "
      .. "/etc/kubernetes/pki/ca.crt）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.25" },
  tags = { "control-plane", "apiserver", "tls", "authentication" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
