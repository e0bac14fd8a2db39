-- CIS 1.3.1: Controller manager terminated-Pod garbage collection threshold is set.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-controller-manager process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-controller-manager process on a control-plane node -> error; facts missing -> error.
--   * --terminated-pod-gc-threshold must be set (any value; Manual in the benchmark).
local cis = require("cis")

local SPEC = {
  process = "kube-controller-manager",
  kind = "present",
  flags = { "terminated-pod-gc-threshold" },
}

return {
  api = 1,
  id = "cis-k8s/1.3.1",
  title = {
    en = "Controller manager terminated-Pod garbage collection threshold is set",
    zh = "kube-controller-manager 已设置已终止 Pod 的回收阈值",
  },
  severity = "low",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.3.1", scored = false },
  },
  impact = {
    en = "The default threshold (12500) lets terminated Pods pile up and slow the API server and "
      .. "etcd on busy clusters.",
    zh = "默认阈值（12500）会让大量已终止 Pod 堆积，拖慢繁忙集群的 API Server 与 etcd。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-controller-manager.yaml on each control-plane node "
      .. "and set --terminated-pod-gc-threshold to a value that suits the cluster (e.g. 10); the "
      .. "kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-controller-manager.yaml，设置 "
      .. "--terminated-pod-gc-threshold 为适合集群的值（如 10）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.3.1" },
  tags = { "control-plane", "controller-manager" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
