-- CIS 1.3.7: Controller manager listens on loopback only.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-controller-manager process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-controller-manager process on a control-plane node -> error; facts missing -> error.
--   * 127.0.0.1 (or ::1/localhost) passes. Unset -> fail: the default is 0.0.0.0 (every interface);
--     kube-bench passes an unset flag, which contradicts the control's intent.
local cis = require("cis")

local SPEC = { process = "kube-controller-manager", flag = "bind-address", kind = "loopback" }

return {
  api = 1,
  id = "cis-k8s/1.3.7",
  title = {
    en = "Controller manager listens on loopback only",
    zh = "kube-controller-manager 仅监听本地回环地址（--bind-address=127.0.0.1）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.3.7", scored = true },
    mlps = { control = "8.1.4.4 b)" },
  },
  impact = {
    en = "Listening on every interface exposes the controller manager's metrics and health "
      .. "endpoints to the network.",
    zh = "监听所有网卡会把 controller-manager 的指标与健康检查接口暴露到网络上。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-controller-manager.yaml on each control-plane node "
      .. "and set --bind-address=127.0.0.1 (kubeadm sets it); the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-controller-manager.yaml，设置 "
      .. "--bind-address=127.0.0.1（kubeadm 默认已设置）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.3.7" },
  tags = { "control-plane", "controller-manager" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
