-- CIS 1.2.24: API server serves TLS with a configured certificate.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * both flags must be set.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  kind = "present",
  flags = { "tls-cert-file", "tls-private-key-file" },
}

return {
  api = 1,
  id = "cis-k8s/1.2.24",
  title = {
    en = "API server serves TLS with a configured certificate",
    zh = "kube-apiserver 已配置 TLS 服务证书与私钥",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.24", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Without an explicit certificate the API server generates a self-signed one that clients "
      .. "cannot verify.",
    zh = "未配置证书时 API Server 会生成客户端无法校验的自签名证书。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--tls-cert-file and --tls-private-key-file (kubeadm: "
      .. "/etc/kubernetes/pki/apiserver.crt/.key); the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，设置 --tls-cert-file 和 "
      .. "--tls-private-key-file（kubeadm 为 /etc/kubernetes/pki/apiserver.crt/.key）；kubelet "
      .. "会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.24" },
  tags = { "control-plane", "apiserver", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
