-- CIS 1.2.14: NodeRestriction admission plugin is enabled.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * token test on --enable-admission-plugins; absent -> fail (kubeadm sets NodeRestriction).
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "enable-admission-plugins",
  kind = "has",
  token = "NodeRestriction",
  default = "NodeRestriction is not in the default set",
  expected = "includes NodeRestriction",
}

return {
  api = 1,
  id = "cis-k8s/1.2.14",
  title = {
    en = "NodeRestriction admission plugin is enabled",
    zh = "kube-apiserver 已启用 NodeRestriction 准入插件",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.14", scored = true },
    mlps = { control = "8.1.4.2 a)" },
  },
  impact = {
    en = "Without NodeRestriction a compromised kubelet can modify other Node objects and Pods "
      .. "bound to other nodes, and set labels used for workload isolation.",
    zh = "未启用 NodeRestriction 时，被攻破的 kubelet 可以修改其他节点对象及其上的 Pod，并篡改用于隔离工作负载的节点标签。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and add "
      .. "NodeRestriction to --enable-admission-plugins and keep Node in --authorization-mode; the "
      .. "kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，在 --enable-admission-plugins "
      .. "中加入 NodeRestriction，并确保 --authorization-mode 包含 Node；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.14" },
  tags = { "control-plane", "apiserver", "admission" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
