-- CIS 1.2.4: API server authenticates to kubelets with a client certificate.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * both flags must be set (non-empty); the evidence lists what is missing.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  kind = "present",
  flags = { "kubelet-client-certificate", "kubelet-client-key" },
}

return {
  api = 1,
  id = "cis-k8s/1.2.4",
  title = {
    en = "API server authenticates to kubelets with a client certificate",
    zh = "kube-apiserver 使用客户端证书访问 kubelet",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.4", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Without a client certificate the API server cannot authenticate to kubelets, which then "
      .. "must allow anonymous or unauthenticated access for logs, exec and port-forward.",
    zh = "没有客户端证书时 API Server 无法向 kubelet 认证，kubelet 只能允许匿名访问才能提供日志、exec 和端口转发功能。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--kubelet-client-certificate and --kubelet-client-key to a client certificate signed by "
      .. "the kubelets' client CA (kubeadm: "
      .. "/etc/kubernetes/pki/apiserver-kubelet-client.crt/.key); the kubelet restarts the "
      .. "component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，设置 --kubelet-client-certificate "
      .. "和 --kubelet-client-key，指向由 kubelet 客户端 CA 签发的证书（kubeadm 为 "
      .. "/etc/kubernetes/pki/apiserver-kubelet-client.crt/.key）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.4" },
  tags = { "control-plane", "apiserver", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
