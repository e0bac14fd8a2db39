-- CIS 1.2.23: API server authenticates to etcd with a client certificate.
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
  flags = { "etcd-certfile", "etcd-keyfile" },
}

return {
  api = 1,
  id = "cis-k8s/1.2.23",
  title = {
    en = "API server authenticates to etcd with a client certificate",
    zh = "kube-apiserver 使用客户端证书访问 etcd",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.23", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "etcd holds every Secret of the cluster; without client certificates the connection is "
      .. "not mutually authenticated.",
    zh = "etcd 存储集群所有 Secret，不使用客户端证书时该连接缺少双向认证。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--etcd-certfile and --etcd-keyfile (kubeadm: "
      .. "/etc/kubernetes/pki/apiserver-etcd-client.crt/.key); the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，设置 --etcd-certfile 和 "
      .. "--etcd-keyfile（kubeadm 为 /etc/kubernetes/pki/apiserver-etcd-client.crt/.key）；kubelet "
      .. "会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.23" },
  tags = { "control-plane", "apiserver", "etcd", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
