-- CIS 1.2.5: API server verifies kubelet serving certificates.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * flag must be set. kubeadm does not set it (kubelets use self-signed serving certificates by
--     default), so stock kubeadm fails, as in kube-bench.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  kind = "present",
  flags = { "kubelet-certificate-authority" },
  ack = "the ACK benchmark has no kubelet-certificate-authority control",
}

return {
  api = 1,
  id = "cis-k8s/1.2.5",
  title = {
    en = "API server verifies kubelet serving certificates",
    zh = "kube-apiserver 校验 kubelet 服务端证书（--kubelet-certificate-authority）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.5", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Without a CA the API server does not verify the kubelet it connects to; a man in the "
      .. "middle can read exec sessions, logs and the credentials passing through.",
    zh = "未配置 CA 时 API Server 不校验所连接的 kubelet，中间人可以窃取 exec 会话、日志以及其中传递的凭据。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--kubelet-certificate-authority to the CA that signs the kubelet serving certificates "
      .. "(enable serverTLSBootstrap on the kubelets and approve their CSRs, so the cluster CA "
      .. "signs them); the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，设置 "
      .. "--kubelet-certificate-authority 为签发 kubelet 服务端证书的 CA（建议在 kubelet 上开启 serverTLSBootstrap "
      .. "并审批其 CSR，使证书由集群 CA 签发）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.5" },
  tags = { "control-plane", "apiserver", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
