-- CIS 1.2.22: API server service-account public key file is set.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * --service-account-key-file must be set.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  kind = "present",
  flags = { "service-account-key-file" },
}

return {
  api = 1,
  id = "cis-k8s/1.2.22",
  title = {
    en = "API server service-account public key file is set",
    zh = "kube-apiserver 已配置 ServiceAccount 公钥文件（--service-account-key-file）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.22", scored = true },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "Without an explicit key file the API server verifies tokens with its TLS key, so the "
      .. "signing key cannot be rotated independently of the serving certificate.",
    zh = "未显式配置时 API Server 使用其 TLS 私钥校验令牌，签名密钥无法独立于服务证书进行轮换。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--service-account-key-file to the public key matching the controller-manager's "
      .. "--service-account-private-key-file (kubeadm: /etc/kubernetes/pki/sa.pub); the kubelet "
      .. "restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，设置 --service-account-key-file "
      .. "为与 controller-manager --service-account-private-key-file 配对的公钥（kubeadm 为 "
      .. "/etc/kubernetes/pki/sa.pub）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.22" },
  tags = { "control-plane", "apiserver", "authentication" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
