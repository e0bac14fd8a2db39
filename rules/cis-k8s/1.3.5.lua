-- CIS 1.3.5: Controller manager injects the root CA into service-account tokens.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-controller-manager process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-controller-manager process on a control-plane node -> error; facts missing -> error.
--   * --root-ca-file must be set.
local cis = require("cis")

local SPEC = { process = "kube-controller-manager", kind = "present", flags = { "root-ca-file" } }

return {
  api = 1,
  id = "cis-k8s/1.3.5",
  title = {
    en = "Controller manager injects the root CA into service-account tokens",
    zh = "kube-controller-manager 已配置根 CA 文件（--root-ca-file）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.3.5", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Without the root CA, Pods cannot verify the API server's certificate and may be exposed "
      .. "to man-in-the-middle attacks.",
    zh = "未配置根 CA 时 Pod 无法校验 API Server 证书，可能遭受中间人攻击。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-controller-manager.yaml on each control-plane node "
      .. "and set --root-ca-file (kubeadm: /etc/kubernetes/pki/ca.crt); the kubelet restarts the "
      .. "component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-controller-manager.yaml，设置 "
      .. "--root-ca-file（kubeadm 为 /etc/kubernetes/pki/ca.crt）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.3.5" },
  tags = { "control-plane", "controller-manager", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
