-- CIS 1.2.26: API server verifies etcd with a CA.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * --etcd-cafile must be set.
local cis = require("cis")

local SPEC = { process = "kube-apiserver", kind = "present", flags = { "etcd-cafile" } }

return {
  api = 1,
  id = "cis-k8s/1.2.26",
  title = {
    en = "API server verifies etcd with a CA",
    zh = "kube-apiserver 使用 CA 校验 etcd 证书（--etcd-cafile）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.26", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Without a CA the API server cannot verify it talks to the real etcd.",
    zh = "未配置 CA 时 API Server 无法确认所连接的是真正的 etcd。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--etcd-cafile (kubeadm: /etc/kubernetes/pki/etcd/ca.crt); the kubelet restarts the "
      .. "component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，设置 --etcd-cafile（kubeadm 为 "
      .. "/etc/kubernetes/pki/etcd/ca.crt）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.26" },
  tags = { "control-plane", "apiserver", "etcd", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
