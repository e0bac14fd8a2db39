-- CIS 1.2.10: AlwaysAdmit admission plugin is not enabled.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * pass when the flag is absent or its comma list has no AlwaysAdmit token.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "enable-admission-plugins",
  kind = "nothave",
  token = "AlwaysAdmit",
  expected = "no AlwaysAdmit",
}

return {
  api = 1,
  id = "cis-k8s/1.2.10",
  title = {
    en = "AlwaysAdmit admission plugin is not enabled",
    zh = "kube-apiserver 未启用 AlwaysAdmit 准入插件",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.10", scored = true },
    mlps = { control = "8.1.4.2 a)" },
  },
  impact = {
    en = "AlwaysAdmit lets every request through admission, bypassing the admission controls the "
      .. "cluster relies on.",
    zh = "AlwaysAdmit 会让所有请求直接通过准入控制，绕过集群依赖的各项准入检查。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and remove "
      .. "AlwaysAdmit from --enable-admission-plugins; the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，从 --enable-admission-plugins "
      .. "中删除 AlwaysAdmit；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.10" },
  tags = { "control-plane", "apiserver", "admission" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
