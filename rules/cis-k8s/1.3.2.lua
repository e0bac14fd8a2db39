-- CIS 1.3.2: Controller manager profiling is disabled.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-controller-manager process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-controller-manager process on a control-plane node -> error; facts missing -> error.
--   * flag absent -> fail: the default is true (stock kubeadm fails).
local cis = require("cis")

local SPEC = {
  process = "kube-controller-manager",
  flag = "profiling",
  kind = "eq",
  value = "false",
  unset = "fail",
  default = "true",
  expected = "false",
}

return {
  api = 1,
  id = "cis-k8s/1.3.2",
  title = {
    en = "Controller manager profiling is disabled",
    zh = "kube-controller-manager 已关闭性能分析接口（--profiling=false）",
  },
  severity = "low",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.3.2", scored = true },
    mlps = { control = "8.1.4.4 b)" },
  },
  impact = {
    en = "The /debug/pprof endpoints reveal program internals and are rarely needed in production.",
    zh = "/debug/pprof 接口会暴露程序内部细节，生产环境通常不需要。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-controller-manager.yaml on each control-plane node "
      .. "and add --profiling=false (kubeadm: controllerManager.extraArgs.profiling: \"false\"); the "
      .. "kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-controller-manager.yaml，加入 "
      .. "--profiling=false（kubeadm 可在 controllerManager.extraArgs 中设置 profiling: \"false\"）；kubelet "
      .. "会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.3.2" },
  tags = { "control-plane", "controller-manager" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
