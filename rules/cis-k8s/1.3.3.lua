-- CIS 1.3.3: Controller manager uses per-controller service-account credentials.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-controller-manager process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-controller-manager process on a control-plane node -> error; facts missing -> error.
--   * kube-bench: the flag must be present and not false; unset -> fail (the default is false).
local cis = require("cis")

local SPEC = {
  process = "kube-controller-manager",
  flag = "use-service-account-credentials",
  kind = "noteq",
  value = "false",
  unset = "fail",
  default = "false (every controller shares the controller manager's own credentials)",
  expected = "true",
}

return {
  api = 1,
  id = "cis-k8s/1.3.3",
  title = {
    en = "Controller manager uses per-controller service-account credentials",
    zh = "kube-controller-manager 为每个控制器使用独立的 ServiceAccount 凭据",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.3.3", scored = true },
    mlps = { control = "8.1.4.2 d)" },
  },
  impact = {
    en = "Without it all controllers run with the controller manager's broad identity, so RBAC "
      .. "cannot limit them individually.",
    zh = "未开启时所有控制器共用 controller-manager 自身的高权限身份，无法用 RBAC 分别限制。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-controller-manager.yaml on each control-plane node "
      .. "and add --use-service-account-credentials=true (kubeadm sets it); the kubelet restarts "
      .. "the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-controller-manager.yaml，加入 "
      .. "--use-service-account-credentials=true（kubeadm 默认已设置）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.3.3" },
  tags = { "control-plane", "controller-manager", "rbac" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
